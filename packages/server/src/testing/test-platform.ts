import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestSchema, type TestSchema } from '@visage/storage/testing';
import { loadConfig } from '../config/load-config.js';
import { createPlatform, type Platform } from '../platform.js';
import { signedHeaders, type SigningKey } from '../http/request-signer.js';

export const fixture = (name: string): Buffer => readFileSync(new URL(`../../../../fixtures/${name}`, import.meta.url));

export const operator = 'operator:test';

export interface TestPlatform {
  readonly platform: Platform;
  readonly services: Platform['services'];
  /** A signed request through `inject`. */
  call(
    key: SigningKey,
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: Record<string, unknown>; headers: Record<string, unknown> }>;
  /** An organisation with an app and a key; live keys get a certified organisation unless told otherwise. */
  customer(options?: {
    mode?: 'live' | 'sandbox';
    certified?: boolean;
    cashFen?: number;
  }): Promise<{ orgId: string; appId: string; key: SigningKey }>;
  close(): Promise<void>;
}

/** The whole platform, engine included, on a temporary SQLite directory or a fresh PostgreSQL schema. */
export async function startTestPlatform(
  options: { dialect?: 'sqlite' | 'postgres'; env?: Record<string, string> } = {},
): Promise<TestPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'visage-server-'));
  const env: Record<string, string> = {
    VISAGE_DATA_DIR: dataDir,
    VISAGE_ENGINE_WORKERS: '1',
    // Route tests send a few engine requests at once to one worker; backpressure has its own test.
    VISAGE_ENGINE_REQUESTS_PER_WORKER: '2',
    VISAGE_LOG_LEVEL: 'silent',
    // Route tests register many accounts from 127.0.0.1; the registration limit has its own test.
    VISAGE_REGISTRATIONS_PER_IP_PER_HOUR: '100000',
    ...options.env,
  };
  let schema: TestSchema | undefined;
  if (options.dialect === 'postgres') {
    schema = await createTestSchema();
    env['DATABASE_URL'] = schema.url;
    env['VISAGE_MASTER_KEY'] = randomBytes(32).toString('base64');
  }
  let platform: Platform;
  try {
    platform = await createPlatform(loadConfig(env));
  } finally {
    await schema?.migrated();
  }
  const { services } = platform;

  return {
    platform,
    services,
    async call(key, method, url, body, headers = {}) {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const response = await platform.app.inject({
        method,
        url,
        headers: {
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...signedHeaders(key, { method, url, ...(payload === undefined ? {} : { body: payload }) }),
          ...headers,
        },
        ...(payload === undefined ? {} : { payload }),
      });
      return { status: response.statusCode, json: response.json(), headers: response.headers };
    },
    async customer({ mode = 'sandbox', certified = mode === 'live', cashFen = 0 } = {}) {
      const org = await services.organizations.create(`Org ${randomBytes(3).toString('hex')}`, { certified }, operator);
      const app = await services.apps.create({ orgId: org.id, name: 'Test app', actor: operator });
      const issued = await services.keys.create({ orgId: org.id, appId: app.id, mode, actor: operator });
      if (cashFen > 0) {
        await services.wallet.topUp({ orgId: org.id, amountFen: cashFen, reference: `ref-${org.id}`, actor: operator });
      }
      return { orgId: org.id, appId: app.id, key: { keyId: issued.keyId, secret: issued.secret } };
    },
    async close() {
      await platform.close();
      rmSync(dataDir, { recursive: true, force: true });
      await schema?.drop();
    },
  };
}

export const consent = {
  subject_ref: 'user-42',
  text_version: 'v1',
  obtained_at: '2026-11-29T08:00:00Z',
  method: 'checkbox',
};
