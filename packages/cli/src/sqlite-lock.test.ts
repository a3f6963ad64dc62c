import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from './child-server.js';

// SQLite serves one process: a second `visage serve` on the same data directory is refused with a clear message,
// while the first runs. A server that was killed (kill -9) does not lock its directory for ever, and `visage admin`
// commands still run beside a server.

const cli = fileURLToPath(new URL('../dist/main.js', import.meta.url));

function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

describe('an SQLite data directory and several `visage serve` processes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'visage-lock-'));
  const env = { VISAGE_DATA_DIR: dataDir, VISAGE_ENGINE_WORKERS: '1', VISAGE_LOG_LEVEL: 'warn' };
  const started: ChildServer[] = [];

  afterAll(async () => {
    for (const server of started) {
      if (server.process.exitCode === null && server.process.signalCode === null) server.process.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a second server process, naming the first; takes over after a kill -9 and after a clean stop', async () => {
    const first = await startChildServer(env);
    started.push(first);

    const second = await runCli(['serve', '--port', '0'], env);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('cli.data_dir_in_use');
    expect(second.stderr).toContain('in use by another Visage server process');
    expect(second.stderr).toContain(`pid: ${first.process.pid}`);
    // The first still serves.
    expect((await fetch(`${first.base}/healthz`)).status).toBe(200);

    // An operator command beside the running server.
    const admin = await runCli(['admin', 'org', 'create', '--name', 'Beside Ltd', '--json'], env);
    expect(admin.code).toBe(0);
    expect(JSON.parse(admin.stdout)).toMatchObject({ id: expect.stringMatching(/^org_/) });

    // Killed without a chance to release: its pid no longer runs, so the next server takes the directory over.
    first.process.kill('SIGKILL');
    await new Promise((resolve) => first.process.once('exit', resolve));
    const third = await startChildServer(env);
    started.push(third);
    expect((await fetch(`${third.base}/readyz`)).status).toBe(200);
    await third.stop();

    // Stopped cleanly: released, the next one starts at once.
    const fourth = await startChildServer(env);
    started.push(fourth);
    await fourth.stop();
  }, 240_000);
});
