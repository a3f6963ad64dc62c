import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, openServices } from '@visage/server';
import { operator } from '@visage/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from './child-server.js';

/**
 * `visage compare --remote` and `visage sessions create|get`, black-box: the built CLI talks through the SDK to a
 * `visage serve` child process on 127.0.0.1 (`npx tsc -b packages/cli` first).
 */
const cliPath = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const fixture = (name: string): string => fileURLToPath(new URL(`../../../fixtures/${name}`, import.meta.url));
const fauci1 = fixture('lfw-anthony-fauci-0001.jpg');
const fauci2 = fixture('lfw-anthony-fauci-0002.jpg');
const bassett = fixture('lfw-angela-bassett-0001.jpg');
const consentFlags = ['--subject-ref', 'user-cli', '--consent-version', 'v1', '--consent-method', 'checkbox'];

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function visage(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    const inherited = withoutKeyVariables(process.env);
    execFile(
      process.execPath,
      [cliPath, ...args],
      { env: { ...inherited, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('the CLI’s remote commands against a running server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'visage-cli-remote-'));
  let server: ChildServer;
  let keyEnv: Record<string, string>;

  beforeAll(async () => {
    const env = {
      VISAGE_DATA_DIR: dataDir,
      VISAGE_ENGINE_WORKERS: '1',
      VISAGE_LOG_LEVEL: 'warn',
      VISAGE_SANDBOX_RATE_PER_SECOND: '100',
    };
    const services = await openServices(loadConfig(env));
    try {
      const org = await services.organizations.create('Remote CLI Ltd', { certified: true }, operator);
      const app = await services.apps.create({ orgId: org.id, name: 'Remote CLI', actor: operator });
      const issued = await services.keys.create({ orgId: org.id, appId: app.id, mode: 'sandbox', actor: operator });
      keyEnv = { VISAGE_KEY_ID: issued.keyId, VISAGE_KEY_SECRET: issued.secret };
    } finally {
      await services.close();
    }
    server = await startChildServer(env);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('compare --remote: the server’s answer, as JSON and as text', async () => {
    const same = await visage(['compare', fauci1, fauci2, '--remote', server.base, ...consentFlags, '--json'], keyEnv);
    expect(same.stderr).toBe('');
    expect(same.code).toBe(0);
    const answer = JSON.parse(same.stdout) as Record<string, unknown>;
    expect(answer).toMatchObject({ result_code: 'result.match', match: true, sandbox: true, billed: false });
    expect(answer['request_id']).toMatch(/^req_/);

    const other = await visage(
      ['compare', fauci1, bassett, '--remote', `${server.base}/`, ...consentFlags, '--biz-no', 'cli-7'],
      keyEnv,
    );
    expect(other.code).toBe(0);
    expect(other.stdout).toMatch(/^NOT THE SAME PERSON at FAR 1e-4 — similarity -?\d/);
    expect(other.stdout).toContain('(result.no_match)');
    expect(other.stdout).toMatch(/sandbox, not billed, request req_/);
  });

  it('compare --remote reports the server’s refusals with their registered code and request id', async () => {
    const noConsent = await visage(['compare', fauci1, fauci2, '--remote', server.base, '--json'], keyEnv);
    expect(noConsent.code).toBe(1);
    const body = JSON.parse(noConsent.stdout) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ code: 'consent.required', status: 400 });
    expect(body.error['request_id']).toMatch(/^req_/);

    const wrongSecret = await visage(['compare', fauci1, fauci2, '--remote', server.base, ...consentFlags], {
      ...keyEnv,
      VISAGE_KEY_SECRET: 'not-the-secret',
    });
    expect(wrongSecret.code).toBe(1);
    expect(wrongSecret.stderr).toMatch(/^visage: signature\.invalid: .*\[request req_[A-Za-z0-9_-]+\]\n$/);
  });

  it('refuses what it cannot send: no key, half the consent evidence, remote flags without --remote', async () => {
    const noKey = await visage(['compare', fauci1, fauci2, '--remote', server.base, '--json'], {});
    expect(noKey.code).toBe(1);
    expect(JSON.parse(noKey.stdout)).toMatchObject({
      error: { code: 'cli.bad_input', details: { reason: expect.stringMatching(/VISAGE_KEY_ID.*VISAGE_KEY_SECRET/) } },
    });
    const half = await visage(
      ['compare', fauci1, fauci2, '--remote', server.base, '--subject-ref', 'u', '--json'],
      keyEnv,
    );
    expect(JSON.parse(half.stdout)).toMatchObject({ error: { code: 'cli.bad_input' } });
    const local = await visage(['compare', fauci1, fauci2, '--biz-no', 'x', '--json'], keyEnv);
    expect(JSON.parse(local.stdout)).toMatchObject({
      error: { code: 'cli.bad_input', details: { reason: '--biz-no works only with --remote' } },
    });
    const missingFile = await visage(
      ['compare', fauci1, '/nonexistent.jpg', '--remote', server.base, '--json'],
      keyEnv,
    );
    expect(JSON.parse(missingFile.stdout)).toMatchObject({ error: { code: 'cli.file_unreadable' } });
  });

  it('sessions create and get', async () => {
    const created = await visage(
      [
        'sessions',
        'create',
        '--liveness',
        'still',
        '--return-url',
        'https://shop.example.com/done',
        '--reference',
        fauci1,
        '--subject-ref',
        'user-cli',
        '--biz-no',
        'order-cli',
        '--expires-in',
        '120',
        '--json',
      ],
      { ...keyEnv, VISAGE_API_URL: server.base },
    );
    expect(created.stderr).toBe('');
    const session = JSON.parse(created.stdout) as { id: string; url: string; expires_at: string };
    expect(session.id).toMatch(/^cap_/);
    expect(session.url).toMatch(/\/capture\/[A-Za-z0-9_-]{16,}/);
    const lifetime = Date.parse(session.expires_at) - Date.now();
    expect(lifetime).toBeGreaterThan(100_000);
    expect(lifetime).toBeLessThanOrEqual(120_000);

    const read = await visage(['sessions', 'get', session.id, '--remote', server.base, '--json'], keyEnv);
    expect(JSON.parse(read.stdout)).toMatchObject({
      id: session.id,
      status: 'not_started',
      liveness: 'still',
      subject_ref: 'user-cli',
      biz_no: 'order-cli',
      sandbox: true,
      result: null,
    });
    const text = await visage(['sessions', 'get', session.id, '--remote', server.base], keyEnv);
    expect(text.stdout).toMatch(
      new RegExp(`^session ${session.id}: not_started\\nliveness still, attempts 0/3, sandbox`),
    );
  });

  it('sessions: the server validates the fields; an unknown id and an unreachable server have their codes', async () => {
    const invalid = await visage(
      [
        'sessions',
        'create',
        '--liveness',
        'blink',
        '--return-url',
        'https://x.example',
        '--remote',
        server.base,
        '--json',
      ],
      keyEnv,
    );
    expect(invalid.code).toBe(1);
    expect(JSON.parse(invalid.stdout)).toMatchObject({ error: { code: 'request.invalid', status: 400 } });

    const unknown = await visage(['sessions', 'get', 'cap_nosuchsession', '--remote', server.base, '--json'], keyEnv);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ error: { code: 'capture.not_found', status: 404 } });

    // Port 9 (discard) on loopback: nothing listens; the read is retried, then reported.
    const down = await visage(['sessions', 'get', 'cap_x', '--remote', 'http://127.0.0.1:9', '--json'], keyEnv);
    expect(down.code).toBe(1);
    expect(JSON.parse(down.stdout)).toMatchObject({ error: { code: 'sdk.network_error' } });
  });
});

/** The environment without the key variables: only those the test sets, not whatever the developer's shell has. */
function withoutKeyVariables(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const names = new Set(['VISAGE_API_URL', 'VISAGE_KEY_ID', 'VISAGE_KEY_SECRET']);
  return Object.fromEntries(Object.entries(env).filter(([name]) => !names.has(name)));
}
