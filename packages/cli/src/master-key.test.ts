import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, openServices, signedHeaders, type SigningKey } from '@visage/server';
import { createAuditLogRepository } from '@visage/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from './child-server.js';

// Black-box: a master-key rotation of the SQLite default, the server running throughout but for its restarts
// (docs/operations.md, "Rotating the master key"). Uses the built CLI (`npx tsc -b packages/cli`).
const cliPath = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('VISAGE_') && name !== 'DATABASE_URL'),
);

function visage(args: readonly string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [cliPath, ...args],
      { env: { ...cleanEnv, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
      },
    );
  });
}

describe('visage master-key on SQLite, beside a running server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'visage-master-key-cli-'));
  const base = { VISAGE_DATA_DIR: dataDir, VISAGE_ENGINE_WORKERS: '1', VISAGE_LOG_LEVEL: 'warn' };
  const keyB = randomBytes(32).toString('base64');
  let keyA: string;
  let key: SigningKey;
  let pseudonym: string;
  let server: ChildServer | undefined;

  beforeAll(async () => {
    // Phase 0: the generated master.key, an API key sealed under it.
    const services = await openServices(loadConfig(base));
    try {
      const actor = 'operator:rotation-test';
      const org = await services.organizations.create('Rotation Ltd', { certified: true }, actor);
      const app = await services.apps.create({ orgId: org.id, name: 'rotation', actor });
      const issued = await services.keys.create({ orgId: org.id, appId: app.id, mode: 'live', actor });
      key = { keyId: issued.keyId, secret: issued.secret };
      pseudonym = services.pseudonymize('user-42');
    } finally {
      await services.close();
    }
    keyA = readFileSync(join(dataDir, 'master.key'), 'utf8').trim();
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A signed read: 404 means the signature was checked, so the key's sealed secret opened. */
  const signedRead = async () => {
    const url = '/v1/verifications/ver_doesnotexist';
    const response = await fetch(`${server!.base}${url}`, { headers: signedHeaders(key, { method: 'GET', url }) });
    const body = (await response.json()) as { error?: { code: string } };
    return { status: response.status, code: body.error?.code };
  };
  const accepted = { status: 404, code: 'verification.not_found' };

  it('rotates from master.key to a new key: restart, re-wrap while serving, drop the old key', async () => {
    const phase2 = { ...base, VISAGE_MASTER_KEY: keyB, VISAGE_MASTER_KEYS_DECRYPT_ONLY: keyA };
    server = await startChildServer(phase2);
    expect(await signedRead()).toEqual(accepted);

    const before = await visage(['master-key', 'status', '--json'], phase2);
    expect(before.code, before.stderr).toBe(2);
    const status = JSON.parse(before.stdout) as { remaining: number; keyIds: string[]; currentKeyId: string };
    expect(status.remaining).toBe(3); // the API key's secret and the two lookup keys
    expect(status.keyIds).toHaveLength(2);

    const rewrap = await visage(['master-key', 'rewrap', '--as', 'ops', '--batch', '1'], phase2);
    expect(rewrap.code, rewrap.stderr).toBe(0);
    expect(rewrap.stdout).toContain(`re-wrapped 3 values under ${status.currentKeyId}`);
    expect(rewrap.stdout).toContain('every sealed value is under the current key');
    // The running server still checks signatures (its keyring opens both keys).
    expect(await signedRead()).toEqual(accepted);
    await server.stop();
    server = undefined;

    // Phase 4: the old key is gone.
    const phase4 = { ...base, VISAGE_MASTER_KEY: keyB };
    const after = await visage(['master-key', 'status'], phase4);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toContain('decrypt-only: none');
    server = await startChildServer(phase4);
    expect(await signedRead()).toEqual(accepted);
    await server.stop();
    server = undefined;

    const services = await openServices(loadConfig(phase4));
    try {
      expect(services.pseudonymize('user-42')).toBe(pseudonym);
      const audit = await createAuditLogRepository(services.database).listAfter(0, 100);
      expect(audit.find((entry) => entry.action === 'master_key.rewrap')).toMatchObject({
        actor: 'operator:ops',
        subject: status.currentKeyId,
        data: { rewrapped: 3, failed: 0, remaining: 0 },
      });
    } finally {
      await services.close();
    }

    // The old key alone no longer opens the database: refused at start, naming the key ids.
    const old = await visage(['master-key', 'status'], { ...base, VISAGE_MASTER_KEY: keyA });
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(/cli\.bad_input.*the database's values are sealed under master key id/);
  }, 240_000);

  it('refuses a bad --batch and a malformed decrypt-only key without echoing it', async () => {
    const batch = await visage(['master-key', 'rewrap', '--batch', '0'], { ...base, VISAGE_MASTER_KEY: keyB });
    expect(batch.code).toBe(1);
    expect(batch.stderr).toContain('cli.bad_input');
    const bad = await visage(['master-key', 'status'], {
      ...base,
      VISAGE_MASTER_KEY: keyB,
      VISAGE_MASTER_KEYS_DECRYPT_ONLY: 'not-a-key-secret',
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/VISAGE_MASTER_KEYS_DECRYPT_ONLY: entry 1 is not the base64/);
    expect(bad.stderr).not.toContain('not-a-key-secret');
  }, 60_000);
});
