import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consent, fixture, operator, startTestPlatform, type TestPlatform } from '../testing/test-platform.js';
import { signedHeaders } from './request-signer.js';
import { admitEngineRequests, createEngineAdmission, engineRoute } from './engine-admission.js';

describe('the engine admission rule', () => {
  it('admits requestsPerWorker × workers at once and refuses the next until one leaves', () => {
    const admission = createEngineAdmission({ workers: 2, requestsPerWorker: 2 });
    expect(admission.limit).toBe(4);
    const places = Array.from({ length: 4 }, () => admission.tryEnter());
    expect(places.every((leave) => typeof leave === 'function')).toBe(true);
    expect(admission.inProgress).toBe(4);
    expect(admission.tryEnter()).toBeUndefined();
    expect(admission.tryEnter()).toBeUndefined();
    places[2]!();
    expect(admission.inProgress).toBe(3);
    const next = admission.tryEnter();
    expect(next).toBeTypeOf('function');
    expect(admission.tryEnter()).toBeUndefined();
    // A place given back twice is given back once.
    places[0]!();
    places[0]!();
    expect(admission.inProgress).toBe(3);
    for (const leave of [places[1]!, places[3]!, next!]) leave();
    expect(admission.inProgress).toBe(0);
  });

  it('refuses a limit that is not a positive whole number', () => {
    expect(() => createEngineAdmission({ workers: 0, requestsPerWorker: 2 })).toThrow(RangeError);
    expect(() => createEngineAdmission({ workers: 1, requestsPerWorker: 0 })).toThrow(RangeError);
    expect(() => createEngineAdmission({ workers: 1, requestsPerWorker: 1.5 })).toThrow(RangeError);
  });
});

const image1 = fixture('lfw-anthony-fauci-0001.jpg').toString('base64');
const image2 = fixture('lfw-anthony-fauci-0002.jpg').toString('base64');
const priceFen = 50;

describe('engine backpressure over HTTP (one worker, one engine request at a time)', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({
      env: { VISAGE_ENGINE_REQUESTS_PER_WORKER: '1', VISAGE_KEY_RATE_PER_SECOND: '1000' },
    });
    await t.services.pricing.setPrice({ product: 'compare', amountFen: priceFen, actor: operator });
  });
  afterAll(() => t?.close());

  it('refuses an engine request at once while the engine is taken, before its body is read and unbilled', async () => {
    const { orgId, key } = await t.customer({ mode: 'live', cashFen: 1000 });
    const running = t.call(key, 'POST', '/v1/compare', { image1, image2, consent });
    // The first is admitted as it arrives; its two faces keep the worker for far longer than this.
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Not even JSON, and not signed for this body: refused for the engine before either is looked at.
    const refused = await t.platform.app.inject({
      method: 'POST',
      url: '/v1/compare',
      headers: {
        'content-type': 'application/json',
        ...signedHeaders(key, { method: 'POST', url: '/v1/compare', body: '{}' }),
      },
      payload: '{not json',
    });
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({ error: { code: 'service.overloaded' } });
    expect(refused.headers['retry-after']).toBe('1');
    // Requests that do not run the engine are not held back.
    expect((await t.call(key, 'GET', '/v1/verifications/ver_unknown')).status).toBe(404);

    expect((await running).status).toBe(200);
    // The place is given back with the answer: the next compare runs.
    const after = await t.call(key, 'POST', '/v1/compare', { image1, image2, consent });
    expect(after.status).toBe(200);
    // Two compares charged, nothing held, nothing for the refused one.
    const balances = await t.services.wallet.balances(orgId);
    expect(balances.cash).toBe(1000 - 2 * priceFen);
    expect(balances.held).toBe(0);
  }, 60_000);
});

describe('an engine place given back once the engine is done (PostgreSQL, one worker, one request)', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({
      dialect: 'postgres',
      env: { VISAGE_ENGINE_REQUESTS_PER_WORKER: '1', VISAGE_KEY_RATE_PER_SECOND: '1000' },
    });
  });
  afterAll(() => t?.close());

  it('admits the next request while the last one is still storing its record', async () => {
    const { key } = await t.customer();
    const db = t.services.database.db;
    const waitingForTheLock = async () => {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_locks l join pg_class c on c.oid = l.relation
        where c.relname = 'verification' and c.relnamespace = current_schema()::regnamespace and not l.granted`.execute(
        db,
      );
      return rows[0]!.n;
    };
    const until = async (condition: () => Promise<boolean>) => {
      for (let i = 0; i < 1000 && !(await condition()); i++) await new Promise((r) => setTimeout(r, 20));
      expect(await condition()).toBe(true);
    };
    let release: () => void = () => {};
    let locked: () => void = () => {};
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // Holds off every write to the verification table: a compare gets through its engine work and stops there.
    const lock = db.transaction().execute(async (trx) => {
      await sql`lock table verification in exclusive mode`.execute(trx);
      locked();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await isLocked;
    try {
      const first = t.call(key, 'POST', '/v1/compare', { image1, image2, consent });
      await until(async () => (await waitingForTheLock()) === 1);
      // The first is done with the engine and waits to store its record: the second is admitted, not refused.
      let secondAnswered = false;
      const second = t.call(key, 'POST', '/v1/compare', { image1, image2, consent }).finally(() => {
        secondAnswered = true;
      });
      await until(async () => secondAnswered || (await waitingForTheLock()) === 2);
      release();
      expect((await first).status).toBe(200);
      expect((await second).status).toBe(200);
    } finally {
      release();
      await lock;
    }
  }, 60_000);
});

describe('an admitted request whose client goes away', () => {
  const until = async (condition: () => boolean) => {
    for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(condition()).toBe(true);
  };

  async function serverWithSlowEngineRoute() {
    const admission = createEngineAdmission({ workers: 1, requestsPerWorker: 1 });
    let entered = false;
    let closedWhileHandling = false;
    let finish: () => void = () => {};
    const app = Fastify();
    await app.register(async (scope) => {
      admitEngineRequests(scope, admission);
      scope.post('/work', { config: engineRoute }, async (request) => {
        entered = true;
        request.raw.socket.once('close', () => (closedWhileHandling = true));
        await new Promise<void>((resolve) => (finish = resolve));
        return { done: true };
      });
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const send = (body: string, declaredLength = body.length) => {
      const client = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/work',
        headers: { 'content-type': 'application/json', 'content-length': String(declaredLength) },
      });
      client.on('error', () => {});
      client.write(body);
      return client;
    };
    return {
      admission,
      app,
      send,
      entered: () => entered,
      closedWhileHandling: () => closedWhileHandling,
      finish: () => finish(),
    };
  }

  it('keeps its place until its handler has finished (the work goes on after a hang-up)', async () => {
    const server = await serverWithSlowEngineRoute();
    try {
      const client = server.send('{}');
      await until(server.entered);
      expect(server.admission.inProgress).toBe(1);
      client.destroy();
      await until(server.closedWhileHandling);
      expect(server.admission.inProgress).toBe(1);
      expect(server.admission.tryEnter()).toBeUndefined();
      server.finish();
      await until(() => server.admission.inProgress === 0);
    } finally {
      await server.app.close();
    }
  });

  it('gives its place back when the connection closes before its handler starts', async () => {
    const server = await serverWithSlowEngineRoute();
    try {
      // Headers and part of a body: admitted, never handled.
      const client = server.send('{"a":', 1000);
      await until(() => server.admission.inProgress === 1);
      client.destroy();
      await until(() => server.admission.inProgress === 0);
      expect(server.entered()).toBe(false);
    } finally {
      await server.app.close();
    }
  });
});
