import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createConnection, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, openServices, signedHeaders, type SigningKey } from '@visage/server';
import { consent, fixture, operator, tokenBucketAllows } from '@visage/server/testing';
import { createTestSchema, type TestSchema } from '@visage/storage/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  nginxInstalled,
  startNginx,
  startServers,
  stopServers,
  until,
  type ChildServer,
  type Nginx,
} from './cluster-support.js';

// Issue 8's first "done means": three `visage serve` processes on one PostgreSQL database behind nginx (Debian's),
// with the shared limits in PostgreSQL, and again in Redis (REDIS_URL). Nothing may assume it is alone: a nonce is
// accepted once by the cluster, an idempotency key charges once whichever process gets it, a key's rate limit holds
// for the cluster within 10 %, so does its limit of requests in flight, and each webhook event is delivered once.

const nginxPresent = nginxInstalled();
const underCi = process.env['CI'] === 'true';
if (!nginxPresent && underCi) throw new Error('nginx is required under CI (apt-get install nginx)');
const redisAnswers = await new Promise<boolean>((resolve) => {
  const socket = createConnection({ host: '127.0.0.1', port: 6379 });
  socket.setTimeout(1000, () => (socket.destroy(), resolve(false)));
  socket.once('connect', () => (socket.destroy(), resolve(true)));
  socket.once('error', () => resolve(false));
});
if (!redisAnswers && underCi) throw new Error('Redis must answer at 127.0.0.1:6379 under CI');

const processes = 3;
const ratePerSecond = 20;
const windowSeconds = 10;
// Requests in flight per key (VISAGE_KEY_CONCURRENCY) for the processes of that check: each process alone would let
// a burst of 18 through.
const concurrency = 8;
const burst = 18;
// Requests are offered at four times the rate, so the limit, not the client, decides how many are accepted.
const offeredPerSecond = ratePerSecond * 4;
const priceFen = 10;
const image = fixture('lfw-anthony-fauci-0001.jpg').toString('base64');
const reference = fixture('lfw-anthony-fauci-0002.jpg').toString('base64');
const verifications = 9;

const variants = [
  { name: 'limits in PostgreSQL', redis: false, skip: nginxPresent ? undefined : 'nginx is not installed' },
  {
    name: 'limits in Redis (REDIS_URL)',
    redis: true,
    skip: !nginxPresent
      ? 'nginx is not installed'
      : !redisAnswers
        ? 'Redis does not answer at 127.0.0.1:6379'
        : undefined,
  },
];

for (const variant of variants) {
  describe.skipIf(variant.skip !== undefined)(
    `${processes} server processes behind nginx on PostgreSQL, ${variant.name}${variant.skip ? ` (skipped: ${variant.skip})` : ''}`,
    () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'visage-cluster-'));
      let schema: TestSchema;
      let env: Record<string, string>;
      const servers: ChildServer[] = [];
      let nginx: Nginx;
      let receiver: Awaited<ReturnType<typeof startReceiver>>;
      let services: Awaited<ReturnType<typeof openServices>>;
      let orgId: string;
      let billed: SigningKey;
      let limited: SigningKey;
      let crowded: SigningKey;

      beforeAll(async () => {
        receiver = await startReceiver();
        schema = await createTestSchema();
        env = {
          VISAGE_DATA_DIR: dataDir,
          DATABASE_URL: schema.url,
          VISAGE_MASTER_KEY: randomBytes(32).toString('base64'),
          VISAGE_ENGINE_WORKERS: '1',
          VISAGE_LOG_LEVEL: 'warn',
          VISAGE_KEY_RATE_PER_SECOND: String(ratePerSecond),
          VISAGE_KEY_CONCURRENCY: '1000',
          // Each process admits every engine call: the limits under test here are the keys', not the engine's
          // (backpressure: engine-admission.test.ts and `visage bench cluster`).
          VISAGE_ENGINE_REQUESTS_PER_WORKER: '1000',
          VISAGE_WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
          VISAGE_WEBHOOK_INTERVAL_SECONDS: '1',
          VISAGE_WEBHOOK_FIRST_RETRY_SECONDS: '1',
          ...(variant.redis ? { REDIS_URL: `redis://127.0.0.1:6379/0` } : {}),
        };
        services = await openServices(loadConfig(env));
        await schema.migrated();
        await services.pricing.setPrice({ product: 'liveness', amountFen: priceFen, actor: operator });
        await services.pricing.setPrice({ product: 'verification', amountFen: priceFen, actor: operator });
        await services.pricing.setPrice({ product: 'compare', amountFen: priceFen, actor: operator });
        const org = await services.organizations.create('Cluster Ltd', { certified: true }, operator);
        orgId = org.id;
        const app = await services.apps.create({ orgId, name: 'cluster', actor: operator });
        await services.apps.update(orgId, app.id, { webhookUrl: receiver.url }, operator);
        await services.webhooks.rotateSecret(orgId, app.id, operator);
        const keyOf = async () => {
          const issued = await services.keys.create({ orgId, appId: app.id, mode: 'live', actor: operator });
          return { keyId: issued.keyId, secret: issued.secret };
        };
        billed = await keyOf();
        limited = await keyOf();
        crowded = await keyOf();
        await services.wallet.topUp({ orgId, amountFen: 10_000, reference: 'bank-1', actor: operator });
        servers.push(...(await startServers(processes, env)));
        nginx = await startNginx(servers.map((s) => s.base));
      }, 180_000);

      afterAll(async () => {
        await nginx?.stop();
        await stopServers(servers);
        await services?.close();
        await receiver?.close();
        await schema?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      });

      it('balances requests over the three processes through nginx', async () => {
        const seen = new Set<string>();
        for (let i = 0; i < processes * 2; i++) {
          const response = await fetch(`${nginx.base}/healthz`);
          expect(response.status).toBe(200);
          seen.add(String(response.headers.get('x-served-by') ?? ''));
        }
        // nginx names the upstream that answered: round robin reaches every process.
        expect(seen.size).toBe(processes);
      });

      it('refuses a nonce replayed to a different process', async () => {
        const url = '/v1/verifications/ver_doesnotexist';
        const headers = signedHeaders(billed, { method: 'GET', url });
        const first = await fetch(`${servers[0]!.base}${url}`, { headers });
        expect(first.status).toBe(404);
        for (const server of servers.slice(1)) {
          const replay = await fetch(`${server.base}${url}`, { headers });
          expect(replay.status).toBe(401);
          expect(((await replay.json()) as ErrorBody).error.code).toBe('signature.replayed');
        }
        // And through nginx, whichever process it picks.
        const viaNginx = await fetch(`${nginx.base}${url}`, { headers });
        expect(((await viaNginx.json()) as ErrorBody).error.code).toBe('signature.replayed');
      });

      it('charges an idempotency key once, whichever processes get it and however often', async () => {
        const before = await services.wallet.balances(orgId);
        const key = `order-${randomBytes(6).toString('hex')}`;
        const first = await billableCall(servers[0]!.base, billed, key);
        expect(first.status).toBe(200);
        // Sequential repeats to the other processes, then concurrent ones to all of them and through nginx.
        const repeats = [
          await billableCall(servers[1]!.base, billed, key),
          await billableCall(servers[2]!.base, billed, key),
          ...(await Promise.all(
            [...servers.map((s) => s.base), nginx.base, nginx.base].map((base) => billableCall(base, billed, key)),
          )),
        ];
        for (const repeat of repeats) {
          expect(repeat.status).toBe(200);
          expect(repeat.replayed).toBe(true);
          expect(repeat.requestId).toBe(first.requestId);
        }
        // A new key sent to all three at once: one of them runs it, the others replay it.
        const raced = `order-${randomBytes(6).toString('hex')}`;
        const racing = await Promise.all(servers.map((s) => billableCall(s.base, billed, raced)));
        expect(new Set(racing.map((r) => r.requestId)).size).toBe(1);
        expect(racing.filter((r) => !r.replayed)).toHaveLength(1);

        const after = await services.wallet.balances(orgId);
        expect(before.cash + before.bonus - (after.cash + after.bonus)).toBe(2 * priceFen);
        expect(after.held).toBe(0);
        const posted = await sql<{ n: number }>`
          select count(*)::int as n from reservation where status = 'posted' and reference in (${first.requestId!}, ${racing[0]!.requestId!})`.execute(
          services.database.db,
        );
        expect(posted.rows[0]!.n).toBe(2);
      }, 120_000);

      it(`enforces a key's rate limit for the whole cluster within 10 % (${ratePerSecond}/s, ${windowSeconds} s window)`, async () => {
        const url = '/v1/verifications/ver_doesnotexist';
        const outcomes: Promise<number>[] = [];
        const startedAt = performance.now();
        const total = offeredPerSecond * windowSeconds;
        const sentAt: number[] = [];
        const answeredAt: number[] = [];
        for (let i = 0; i < total; i++) {
          // Paced sends, not a burst: request i leaves at i / offeredPerSecond seconds.
          const due = startedAt + (i * 1000) / offeredPerSecond;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          sentAt.push(performance.now());
          // Round robin over the three processes (nginx balances the same way; direct sends make it exact).
          const base = i % 2 === 0 ? nginx.base : servers[i % processes]!.base;
          outcomes.push(
            fetch(`${base}${url}`, { headers: signedHeaders(limited, { method: 'GET', url }) }).then(async (r) => {
              answeredAt.push(performance.now());
              const body = (await r.json()) as Partial<ErrorBody>;
              return body.error?.code === 'key.rate_limited' ? 429 : r.status;
            }),
          );
        }
        const statuses = await Promise.all(outcomes);
        const accepted = statuses.filter((s) => s === 404).length;
        const refused = statuses.filter((s) => s === 429).length;
        expect(accepted + refused).toBe(total);
        // What the configured limit allows: a bucket of one second's worth, refilled at the rate, replayed at the
        // times the requests could have met it (a client that stalled leaves tokens unused, so times are replayed
        // rather than assumed). Each request took its token between its send and its answer; on a loaded machine
        // answers lag, and the bucket refills meanwhile, so the bound runs from the send times to the answer times.
        const allowedAtSend = tokenBucketAllows(sentAt, ratePerSecond, ratePerSecond);
        const allowedAtAnswer = tokenBucketAllows(
          [...answeredAt].sort((a, b) => a - b),
          ratePerSecond,
          ratePerSecond,
        );
        const elapsedSeconds = (sentAt[sentAt.length - 1]! - startedAt) / 1000;
        const summary = { accepted, allowedAtSend, allowedAtAnswer, elapsedSeconds };
        expect(accepted, JSON.stringify(summary)).toBeGreaterThanOrEqual(
          0.9 * Math.min(allowedAtSend, allowedAtAnswer),
        );
        expect(accepted, JSON.stringify(summary)).toBeLessThanOrEqual(1.1 * Math.max(allowedAtSend, allowedAtAnswer));
        // Each process alone would have let through three times as many: the limit is the cluster's.
        expect(accepted).toBeLessThan(total / 2);
      }, 60_000);

      it(`holds a key's limit of ${concurrency} requests in flight for the whole cluster`, async () => {
        // Three more processes on the same database and limit store with a low limit (the processes above allow 1000
        // in flight, so that the other checks never meet this one), behind their own nginx.
        const strict = await startServers(processes, { ...env, VISAGE_KEY_CONCURRENCY: String(concurrency) });
        let strictNginx: Nginx | undefined;
        try {
          strictNginx = await startNginx(strict.map((s) => s.base));
          const viaNginx = strictNginx.base;
          // Compares (two analyses each on one engine worker per process) are slow enough that the whole burst has
          // taken or been refused its slot before the first answer gives one back. Sent at once, a third through
          // nginx and the rest straight to each process.
          const body = JSON.stringify({ image1: image, image2: reference, consent });
          const outcomes = await Promise.all(
            Array.from({ length: burst }, (_, i) =>
              billableCall(i % 3 === 0 ? viaNginx : strict[i % processes]!.base, crowded, `crowded-${i}`, {
                url: '/v1/compare',
                body,
              }),
            ),
          );
          const refused = outcomes.filter((o) => o.code === 'key.concurrency_limited');
          const accepted = outcomes.filter((o) => o.status === 200);
          expect(refused.every((o) => o.status === 429)).toBe(true);
          expect(accepted.length + refused.length, JSON.stringify(outcomes)).toBe(burst);
          // Each process alone would have taken every one of its six: the limit is the cluster's.
          expect(accepted.length).toBeGreaterThanOrEqual(1);
          expect(accepted.length).toBeLessThanOrEqual(concurrency);
          // And the slots come back: once all are answered, the key runs again.
          const again = await billableCall(viaNginx, crowded, 'crowded-again', { url: '/v1/compare', body });
          expect(again.status).toBe(200);
        } finally {
          await strictNginx?.stop();
          await stopServers(strict);
        }
      }, 180_000);

      it('delivers each webhook event once', async () => {
        // Verifications spread over the processes by nginx, each writing a webhook event.
        for (let i = 0; i < verifications; i++) {
          const body = JSON.stringify({
            selfie: image,
            comparison: { type: 'reference', image: reference },
            consent: { ...consent, subject_ref: `hook-subject-${i}` },
          });
          const verified = await billableCall(nginx.base, billed, `hook-${i}`, { url: '/v1/verifications', body });
          expect(verified.status).toBe(200);
        }
        const events = async () =>
          (
            await sql<{ id: string; status: string }>`select id, status from webhook_event`.execute(
              services.database.db,
            )
          ).rows;
        await until(
          async () => (await events()).every((e) => e.status === 'delivered'),
          60_000,
          'every event delivered',
        );
        // Long enough for any second delivery of the same event (the workers poll every second) to arrive too.
        await new Promise((resolve) => setTimeout(resolve, 3000));
        const ids = (await events()).map((e) => e.id).sort();
        expect(ids).toHaveLength(verifications);
        const delivered = receiver.hits.map((h) => String(h['webhook-id'])).sort();
        expect(delivered).toEqual(ids);
      }, 120_000);
    },
  );
}

interface ErrorBody {
  readonly error: { readonly code: string };
}

async function billableCall(
  base: string,
  key: SigningKey,
  idempotencyKey: string,
  call: { url: string; body: string } = { url: '/v1/liveness', body: JSON.stringify({ image, consent }) },
) {
  const { url, body } = call;
  for (;;) {
    const response = await fetch(`${base}${url}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': idempotencyKey,
        ...signedHeaders(key, { method: 'POST', url, body }),
      },
      body,
    });
    const json = (await response.json()) as { request_id?: string; error?: { code: string } };
    // The first call with this key is still running in another process: ask again, as a client would.
    if (json.error?.code === 'idempotency.in_progress') {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    return {
      status: response.status,
      requestId: json.request_id,
      replayed: response.headers.get('idempotent-replayed') === 'true',
      code: json.error?.code,
    };
  }
}

async function startReceiver() {
  const hits: IncomingHttpHeaders[] = [];
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits.push(req.headers);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    hits,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
