import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, openServices, signedHeaders, type SigningKey } from '@visage/server';
import { consent, fixture, operator } from '@visage/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer } from './child-server.js';

const dataDir = mkdtempSync(join(tmpdir(), 'visage-serve-'));
const env = { VISAGE_DATA_DIR: dataDir, VISAGE_ENGINE_WORKERS: '1', VISAGE_LOG_LEVEL: 'warn' };
let key: SigningKey;

beforeAll(async () => {
  const services = await openServices(loadConfig(env));
  try {
    const org = await services.organizations.create('Drain Ltd', {}, operator);
    const app = await services.apps.create({ orgId: org.id, name: 'drain', actor: operator });
    const issued = await services.keys.create({ orgId: org.id, appId: app.id, mode: 'sandbox', actor: operator });
    key = { keyId: issued.keyId, secret: issued.secret };
  } finally {
    await services.close();
  }
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('visage serve', () => {
  it('finishes the requests in flight on SIGTERM, refuses new ones, and exits 0', async () => {
    const server = await startChildServer(env);
    const body = JSON.stringify({
      image1: fixture('lfw-anthony-fauci-0001.jpg').toString('base64'),
      image2: fixture('lfw-anthony-fauci-0002.jpg').toString('base64'),
      consent: { ...consent, subject_ref: randomBytes(4).toString('hex') },
    });
    const inFlight = fetch(`${server.base}/v1/compare`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signedHeaders(key, { method: 'POST', url: '/v1/compare', body }),
      },
      body,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const exited = new Promise<number | null>((resolve) => server.process.once('exit', (code) => resolve(code)));
    server.process.kill('SIGTERM');

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { result_code: string }).result_code).toBe('result.match');
    expect(await exited).toBe(0);
    await expect(fetch(`${server.base}/healthz`)).rejects.toThrow();
  });

  it('refuses to start on a bad setting, naming it', async () => {
    await expect(startChildServer({ ...env, VISAGE_ENGINE_WORKERZ: '2' })).rejects.toThrow(/exited with code 1/);
  });
});
