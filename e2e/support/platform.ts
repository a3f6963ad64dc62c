import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startChildServer, type ChildServer } from '../../packages/cli/src/child-server.js';

const cli = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));
const run = promisify(execFile);

/** A built `visage serve` on a fresh SQLite data directory, and `visage admin …` on the same directory. */
export interface E2ePlatform {
  readonly base: string;
  readonly dataDir: string;
  /** `visage admin ARGS --json` as operator NAME; the parsed JSON answer. */
  admin(args: readonly string[], options?: { stdin?: string }): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startE2ePlatform(): Promise<E2ePlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'visage-e2e-'));
  const env = { VISAGE_DATA_DIR: dataDir, VISAGE_LOG_LEVEL: 'warn', VISAGE_ENGINE_WORKERS: '1' };
  let server: ChildServer;
  try {
    server = await startChildServer(env);
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    base: server.base,
    dataDir,
    async admin(args, options = {}) {
      const child = run(process.execPath, [cli, 'admin', '--data', dataDir, '--as', 'e2e', ...args, '--json'], {
        env: { ...process.env, VISAGE_LOG_LEVEL: 'warn' },
      });
      if (options.stdin !== undefined) {
        child.child.stdin?.end(options.stdin);
      }
      const { stdout } = await child;
      return JSON.parse(stdout) as Record<string, unknown>;
    },
    async stop() {
      try {
        await server.stop();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
