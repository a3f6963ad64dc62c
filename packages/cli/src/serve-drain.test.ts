import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, openServices, signedHeaders, type SigningKey } from '@visage/server';
import { consent, fixture, operator } from '@visage/server/testing';
import { insertWebhookEvent } from '@visage/storage';
import { createTestSchema, dialectNames, type TestSchema } from '@visage/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from './child-server.js';

// Graceful shutdown of a real `visage serve` process: SIGTERM while a slow request is in flight and a webhook
// delivery is claimed and unanswered. /readyz turns 503 at once, new connections are refused after the drain
// delay, the request in flight completes, the claimed outbox row is released for the other processes, exit 0.

/** A webhook receiver that never answers: the delivery stays in flight until the sender gives up. */
async function startSilentReceiver() {
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    req.resume();
    held.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    held,
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
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A signed POST whose body is sent in two parts: the request is in flight until `finish` is called. */
function slowPost(base: string, key: SigningKey, url: string, body: string) {
  const payload = Buffer.from(body);
  let resolveAnswer: (answer: { status: number; json: Record<string, unknown> }) => void;
  let rejectAnswer: (error: Error) => void;
  const answer = new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
    resolveAnswer = resolve;
    rejectAnswer = reject;
  });
  const req = httpRequest(
    `${base}${url}`,
    {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        'content-length': String(payload.length),
        ...signedHeaders(key, { method: 'POST', url, body }),
      },
    },
    (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolveAnswer({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
      );
    },
  );
  req.on('error', (error) => rejectAnswer(error));
  // Awaited by the test; a failure elsewhere in the test must not surface as an unhandled rejection as well.
  answer.catch(() => undefined);
  const half = Math.floor(payload.length / 2);
  req.write(payload.subarray(0, half));
  return {
    answer,
    finish: () => req.end(payload.subarray(half)),
  };
}

for (const dialect of dialectNames) {
  describe(`visage serve drains on SIGTERM (${dialect})`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'visage-drain-'));
    let schema: TestSchema | undefined;
    let env: Record<string, string>;
    let services: Awaited<ReturnType<typeof openServices>>;
    let receiver: Awaited<ReturnType<typeof startSilentReceiver>>;
    let key: SigningKey;
    let orgId: string;
    let appId: string;
    let server: ChildServer | undefined;

    beforeAll(async () => {
      receiver = await startSilentReceiver();
      env = {
        VISAGE_DATA_DIR: dataDir,
        VISAGE_ENGINE_WORKERS: '1',
        VISAGE_LOG_LEVEL: 'warn',
        VISAGE_SANDBOX_RATE_PER_SECOND: '100',
        VISAGE_WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
        VISAGE_WEBHOOK_INTERVAL_SECONDS: '1',
        // Long enough to see /readyz at 503 while the listener is still open.
        VISAGE_DRAIN_DELAY_MS: '1500',
      };
      if (dialect === 'postgres') {
        schema = await createTestSchema();
        env['DATABASE_URL'] = schema.url;
        env['VISAGE_MASTER_KEY'] = randomBytes(32).toString('base64');
      }
      try {
        services = await openServices(loadConfig(env));
      } finally {
        await schema?.migrated();
      }
      const org = await services.organizations.create('Drain Ltd', { certified: true }, operator);
      const app = await services.apps.create({ orgId: org.id, name: 'drain', actor: operator });
      await services.apps.update(org.id, app.id, { webhookUrl: receiver.url }, operator);
      const issued = await services.keys.create({ orgId: org.id, appId: app.id, mode: 'sandbox', actor: operator });
      key = { keyId: issued.keyId, secret: issued.secret };
      orgId = org.id;
      appId = app.id;
    }, 120_000);

    afterAll(async () => {
      if (server && server.process.exitCode === null && server.process.signalCode === null) {
        server.process.kill('SIGKILL');
      }
      await services?.close();
      await receiver?.close();
      await schema?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const leaseOf = async (id: string) =>
      services.database.db
        .selectFrom('webhook_event')
        .select(['status', 'lease_owner', 'lease_until', 'attempts'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();

    it('turns /readyz 503, stops accepting, finishes the request in flight, releases its webhook claim, exits 0', async () => {
      server = await startChildServer(env);
      const child = server;
      expect(await (await fetch(`${child.base}/readyz`)).json()).toEqual({ status: 'ready' });
      const compareBody = () =>
        JSON.stringify({
          image1: fixture('lfw-anthony-fauci-0001.jpg').toString('base64'),
          image2: fixture('lfw-anthony-fauci-0002.jpg').toString('base64'),
          consent: { ...consent, subject_ref: randomBytes(4).toString('hex') },
        });
      // Warm the engine so that the timing below is the drain's, not the first inference's.
      const warm = slowPost(child.base, key, '/v1/compare', compareBody());
      warm.finish();
      expect((await warm.answer).status).toBe(200);

      // An event the process claims and starts delivering; the receiver never answers.
      const eventId = services.crypto.randomId('evt');
      await services.database.db.transaction().execute((trx) =>
        insertWebhookEvent(trx, {
          id: eventId,
          orgId,
          appId,
          mode: 'sandbox',
          type: 'verification.completed',
          payload: { id: 'ver_drain', result_code: 'result.pass' },
          createdAt: new Date().toISOString(),
        }),
      );
      await until(() => receiver.held.length === 1, 20_000, 'the delivery reaches the receiver');
      expect((await leaseOf(eventId)).lease_owner).toMatch(/^wkr_/);

      // A request in flight: headers and half the body sent.
      const inFlight = slowPost(child.base, key, '/v1/compare', compareBody());
      await new Promise((resolve) => setTimeout(resolve, 200));
      const exited = new Promise<number | null>((resolve) => child.process.once('exit', (code) => resolve(code)));
      child.process.kill('SIGTERM');

      // The signal takes a moment to arrive; from then on /readyz says why the process wants no traffic.
      let readyz: { status: number; body: unknown } = { status: 0, body: undefined };
      await until(
        async () => {
          const response = await fetch(`${child.base}/readyz`);
          readyz = { status: response.status, body: await response.json() };
          return readyz.status === 503;
        },
        1000,
        '/readyz answers 503',
      );
      expect(readyz.body).toEqual({ status: 'not_ready', reason: 'draining' });
      // Still alive (and still serving) during the drain delay.
      expect((await fetch(`${child.base}/healthz`)).status).toBe(200);
      // Then the listener closes: new connections are refused.
      await until(
        () =>
          fetch(`${child.base}/healthz`).then(
            () => false,
            () => true,
          ),
        10_000,
        'the listener closes',
      );

      inFlight.finish();
      const answer = await inFlight.answer;
      expect(answer.status).toBe(200);
      expect(answer.json['result_code']).toBe('result.match');
      expect(await exited).toBe(0);

      // The claim was given back: the event is due again for any process, no attempt was recorded.
      const row = await leaseOf(eventId);
      expect(row).toMatchObject({ status: 'pending', lease_owner: null, lease_until: null, attempts: 0 });
      const now = new Date();
      const claimed = await services.webhookRepository.claimDue(
        'wkr_other',
        now.toISOString(),
        new Date(now.getTime() + 60_000).toISOString(),
        10,
      );
      expect(claimed.map((event) => event.id)).toEqual([eventId]);
    }, 120_000);
  });
}
