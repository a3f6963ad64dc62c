import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestSchema, type TestSchema } from '@visage/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { signedHeaders, type SigningKey } from '../http/request-signer.js';
import { createPlatform, type Platform } from '../platform.js';
import { operator } from '../testing/test-platform.js';

// Two platforms on one PostgreSQL database stand for two server processes (each has its own pool and its own limit
// store): every limit counts the requests both of them answer. Once with the limits in PostgreSQL, once in Redis.

const redisAnswers = await new Promise<boolean>((resolve) => {
  const socket = createConnection({ host: '127.0.0.1', port: 6379 });
  socket.setTimeout(1000, () => (socket.destroy(), resolve(false)));
  socket.once('connect', () => (socket.destroy(), resolve(true)));
  socket.once('error', () => resolve(false));
});
if (!redisAnswers && process.env['CI'] === 'true') throw new Error('Redis must answer at 127.0.0.1:6379 under CI');

for (const store of ['postgres', 'redis'] as const) {
  const skip = store === 'redis' && !redisAnswers ? 'Redis does not answer at 127.0.0.1:6379' : undefined;
  describe.skipIf(skip !== undefined)(
    `limits shared by two processes, in ${store}${skip ? ` (skipped: ${skip})` : ''}`,
    () => {
      const dataDirs = [mkdtempSync(join(tmpdir(), 'visage-shared-')), mkdtempSync(join(tmpdir(), 'visage-shared-'))];
      let schema: TestSchema;
      const platforms: Platform[] = [];
      let key: SigningKey;
      // Each test's requests come from their own client address, so the tests do not share address limits.
      let address = 0;
      // Random per run too: Redis keeps the previous run's counts for their window.
      const network = `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
      const nextAddress = () => `${network}.${++address}`;

      beforeAll(async () => {
        schema = await createTestSchema();
        const masterKey = randomBytes(32).toString('base64');
        try {
          for (const dataDir of dataDirs) {
            const env: Record<string, string> = {
              VISAGE_DATA_DIR: dataDir,
              DATABASE_URL: schema.url,
              VISAGE_MASTER_KEY: masterKey,
              VISAGE_ENGINE_WORKERS: '1',
              VISAGE_LOG_LEVEL: 'silent',
              VISAGE_KEY_RATE_PER_SECOND: '4',
              VISAGE_KEY_CONCURRENCY: '100',
              VISAGE_TRUST_PROXY: 'true',
              ...(store === 'redis' ? { REDIS_URL: 'redis://127.0.0.1:6379/0' } : {}),
            };
            platforms.push(await createPlatform(loadConfig(env)));
          }
        } finally {
          await schema.migrated();
        }
        const { services } = platforms[0]!;
        const org = await services.organizations.create('Shared Ltd', { certified: true }, operator);
        const app = await services.apps.create({ orgId: org.id, name: 'shared', actor: operator });
        const issued = await services.keys.create({ orgId: org.id, appId: app.id, mode: 'live', actor: operator });
        key = { keyId: issued.keyId, secret: issued.secret };
      }, 120_000);

      afterAll(async () => {
        for (const platform of platforms) await platform.close();
        await schema?.drop();
        for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
      });

      const post = (i: number, url: string, body: unknown, ip: string) =>
        platforms[i % 2]!.app.inject({
          method: 'POST',
          url,
          headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
          payload: JSON.stringify(body),
        });

      it("shares an API key's token bucket", async () => {
        const url = '/v1/verifications/ver_doesnotexist';
        const statuses: number[] = [];
        const startedAt = performance.now();
        for (let i = 0; i < 10; i++) {
          const response = await platforms[i % 2]!.app.inject({
            method: 'GET',
            url,
            headers: signedHeaders(key, { method: 'GET', url }),
          });
          statuses.push(response.statusCode);
        }
        const seconds = (performance.now() - startedAt) / 1000;
        // One bucket of 4, refilled at 4/s while the requests ran; a bucket per process would have let 8 through.
        const accepted = statuses.filter((s) => s === 404).length;
        expect(accepted).toBeGreaterThanOrEqual(4);
        expect(accepted).toBeLessThanOrEqual(4 + Math.ceil(seconds * 4));
        if (seconds < 0.75) expect(accepted).toBeLessThan(8);
        expect(statuses.filter((s) => s === 429)).toHaveLength(10 - accepted);
      });

      it('locks a username after 5 failed sign-ins, wherever they were tried', async () => {
        const ip = nextAddress();
        const username = `nobody-${randomBytes(3).toString('hex')}`;
        for (let i = 0; i < 5; i++) {
          const response = await post(i, '/console/api/session', { username, password: 'wrong password 1' }, ip);
          expect(response.json().error.code).toBe('auth.invalid_credentials');
        }
        for (const i of [0, 1]) {
          const response = await post(i, '/console/api/session', { username, password: 'wrong password 1' }, ip);
          expect(response.json().error.code).toBe('auth.too_many_attempts');
        }
      });

      it('throttles password-reset requests for one identifier across processes', async () => {
        const ip = nextAddress();
        const identifier = `someone-${randomBytes(3).toString('hex')}`;
        for (let i = 0; i < 5; i++) {
          expect((await post(i, '/console/api/password-reset', { username_or_email: identifier }, ip)).statusCode).toBe(
            202,
          );
        }
        const refused = await post(5, '/console/api/password-reset', { username_or_email: identifier }, ip);
        expect(refused.statusCode).toBe(429);
        expect(refused.json().error.code).toBe('account.mail_rate_limited');
      });

      it("limits the capture page's opens per address across processes", async () => {
        const ip = nextAddress();
        for (let i = 0; i < 120; i++) {
          const response = await post(i, '/capture/api/open', { token: `not-a-token-${i}` }, ip);
          expect(response.statusCode).not.toBe(429);
        }
        const refused = await post(0, '/capture/api/open', { token: 'not-a-token' }, ip);
        expect(refused.statusCode).toBe(429);
        expect(refused.json().error.code).toBe('capture.rate_limited');
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      }, 60_000);
    },
  );
}
