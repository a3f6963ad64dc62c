import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyWebhookSignature } from '@visage/contracts';
import { loadConfig, openServices } from '@visage/server';
import { operator } from '@visage/server/testing';
import { insertWebhookEvent } from '@visage/storage';
import { createTestSchema, type TestSchema } from '@visage/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from './child-server.js';

// Webhook delivery across server processes started from the built CLI, on PostgreSQL: two processes share the
// outbox and deliver each event once; a process killed mid-delivery loses nothing (its lease runs out and another
// process delivers the event again, with the same webhook-id).

interface Hit {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

async function startReceiver() {
  const hits: Hit[] = [];
  let hold: ((res: ServerResponse) => boolean) | undefined;
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      hits.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (hold?.(res)) held.push(res);
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    hits,
    holdWhile(predicate: (() => boolean) | undefined) {
      hold = predicate && (() => predicate());
    },
    close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

async function until(probe: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('webhook delivery by several server processes on postgres', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'visage-webhooks-'));
  let schema: TestSchema;
  let env: Record<string, string>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let services: Awaited<ReturnType<typeof openServices>>;
  let orgId: string;
  let appId: string;
  let secret: string;
  const servers: ChildServer[] = [];

  beforeAll(async () => {
    receiver = await startReceiver();
    schema = await createTestSchema();
    env = {
      VISAGE_DATA_DIR: dataDir,
      DATABASE_URL: schema.url,
      VISAGE_MASTER_KEY: randomBytes(32).toString('base64'),
      VISAGE_ENGINE_WORKERS: '1',
      VISAGE_LOG_LEVEL: 'warn',
      VISAGE_WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
      VISAGE_WEBHOOK_INTERVAL_SECONDS: '1',
      VISAGE_WEBHOOK_LEASE_SECONDS: '15',
      VISAGE_WEBHOOK_FIRST_RETRY_SECONDS: '1',
    };
    services = await openServices(loadConfig(env));
    await schema.migrated();
    const org = await services.organizations.create('Hooks Ltd', { certified: true }, operator);
    const app = await services.apps.create({ orgId: org.id, name: 'hooks', actor: operator });
    await services.apps.update(org.id, app.id, { webhookUrl: receiver.url }, operator);
    orgId = org.id;
    appId = app.id;
    secret = (await services.webhooks.rotateSecret(orgId, appId, operator)).secret;
  }, 120_000);

  afterAll(async () => {
    for (const server of servers) {
      if (server.process.exitCode === null && server.process.signalCode === null) {
        await server.stop().catch(() => undefined);
      }
    }
    await services?.close();
    await receiver?.close();
    await schema?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function writeEvents(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = services.crypto.randomId('evt');
      ids.push(id);
      await services.database.db.transaction().execute((trx) =>
        insertWebhookEvent(trx, {
          id,
          orgId,
          appId,
          mode: 'live',
          type: 'verification.completed',
          payload: { id: `ver_${i}`, result_code: 'result.pass' },
          createdAt: new Date().toISOString(),
        }),
      );
    }
    return ids;
  }

  const statusOf = async (id: string) => (await services.webhookRepository.find(orgId, id))?.status;

  it('two processes deliver each event once', async () => {
    servers.push(await startChildServer(env), await startChildServer(env));
    const ids = await writeEvents(40);
    await until(
      () => new Set(receiver.hits.map((h) => h.headers['webhook-id'])).size >= ids.length,
      60_000,
      'all delivered',
    );
    // Time for any duplicate to show up.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const delivered = receiver.hits.map((h) => String(h.headers['webhook-id'])).sort();
    expect(delivered).toEqual([...ids].sort());
    for (const hit of receiver.hits) {
      await expect(
        verifyWebhookSignature(secret, hit.headers as Record<string, string>, hit.body),
      ).resolves.toBeDefined();
    }
    for (const id of ids) expect(await statusOf(id)).toBe('delivered');
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  }, 180_000);

  it('a process killed mid-delivery loses nothing: another delivers the event again with the same webhook-id', async () => {
    receiver.hits.length = 0;
    let holding = true;
    receiver.holdWhile(() => holding);
    const first = await startChildServer(env);
    servers.push(first);
    const [id] = await writeEvents(1);
    await until(() => receiver.hits.length >= 1, 30_000, 'first attempt');
    // Killed while the receiver has not answered: the attempt is neither recorded nor settled.
    const exited = new Promise((resolve) => first.process.once('exit', resolve));
    first.process.kill('SIGKILL');
    await exited;
    holding = false;
    expect(await statusOf(id!)).toBe('pending');

    const second = await startChildServer(env);
    servers.push(second);
    await until(async () => (await statusOf(id!)) === 'delivered', 40_000, 'redelivery after the lease');
    expect(receiver.hits.length).toBeGreaterThanOrEqual(2);
    expect(new Set(receiver.hits.map((h) => h.headers['webhook-id']))).toEqual(new Set([id]));
    expect(new Set(receiver.hits.map((h) => h.body)).size).toBe(1);
    await second.stop();
  }, 120_000);
});
