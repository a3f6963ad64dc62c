import { randomBytes } from 'node:crypto';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { createPostgresLimitStore, type VisageDatabase } from '@visage/storage';
import { freshDatabase } from '@visage/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLimitStore, failClosed, type LimitStore } from './limit-store.js';
import { createRedisLimitStore } from './redis-limit-store.js';
import { withSlotReuse } from './slot-reuse.js';
import { withTokenBatches } from './token-batches.js';
import { tokenBucketAllows } from '../testing/token-bucket.js';

// One behaviour, three homes: this process's memory, PostgreSQL and Redis. The shared ones are also raced by two
// store instances (as two server processes would be), and the limits must still hold exactly.

const redisUrl = 'redis://127.0.0.1:6379/0';
const redisAnswers = await new Promise<boolean>((resolve) => {
  const socket = createConnection({ host: '127.0.0.1', port: 6379 });
  socket.setTimeout(1000, () => (socket.destroy(), resolve(false)));
  socket.once('connect', () => (socket.destroy(), resolve(true)));
  socket.once('error', () => resolve(false));
});
if (!redisAnswers && process.env['CI'] === 'true') throw new Error('Redis must run at 127.0.0.1:6379 under CI');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const unique = () => `t${randomBytes(6).toString('hex')}`;

interface Home {
  /** Two stores over the same shared state (one for memory: it is not shared). */
  stores: LimitStore[];
  close(): Promise<void>;
}

const homes: Record<string, { skip?: string; open: () => Promise<Home> }> = {
  memory: {
    open: async () => ({ stores: [createMemoryLimitStore()], close: async () => {} }),
  },
  postgres: {
    open: async () => {
      const database: VisageDatabase = await freshDatabase('postgres');
      const store = (): LimitStore => ({
        kind: 'postgres',
        ...createPostgresLimitStore(database),
        close: async () => {},
      });
      return { stores: [store(), store()], close: () => database.destroy() };
    },
  },
  redis: {
    ...(redisAnswers ? {} : { skip: 'Redis does not answer at 127.0.0.1:6379' }),
    open: async () => {
      const prefix = `visage-test:${unique()}:`;
      const stores = [
        await createRedisLimitStore(redisUrl, { prefix }),
        await createRedisLimitStore(redisUrl, { prefix }),
      ];
      return { stores, close: async () => void (await Promise.all(stores.map((s) => s.close()))) };
    },
  },
};

for (const [name, home] of Object.entries(homes)) {
  describe.skipIf(home.skip !== undefined)(
    `limit store in ${name}${home.skip ? ` (skipped: ${home.skip})` : ''}`,
    () => {
      let opened: Home;
      let a: LimitStore;
      let b: LimitStore;
      beforeAll(async () => {
        opened = await home.open();
        a = opened.stores[0]!;
        b = opened.stores[1] ?? a;
      });
      afterAll(() => opened?.close());

      it('takes tokens up to the burst, then refuses with the time until the next one', async () => {
        const key = unique();
        for (let i = 0; i < 5; i++) expect(await a.take(key, 5, 5)).toEqual({ ok: true });
        expect(await b.take(key, 5, 5)).toEqual({ ok: false, retryAfterSeconds: 1 });
        expect(await a.take(key, 0.1, 5)).toMatchObject({ ok: false });
        await sleep(450);
        // 450 ms at 5 per second: two tokens back.
        expect(await b.take(key, 5, 5)).toEqual({ ok: true });
        expect(await a.take(key, 5, 5)).toEqual({ ok: true });
        expect(await a.take(key, 5, 5)).toMatchObject({ ok: false });
      });

      it('shares a bucket exactly between concurrent takers', async () => {
        const key = unique();
        // Refills one token in 1000 s: whatever the test's duration, 20 are granted.
        const results = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).take(key, 0.001, 20)));
        expect(results.filter((r) => r.ok)).toHaveLength(20);
      });

      it('takes up to a count of tokens at once: as many as the bucket holds whole, at most the count', async () => {
        const key = unique();
        expect(await a.takeUpTo(key, 0.001, 10, 4)).toEqual({ ok: true, taken: 4 });
        expect(await b.takeUpTo(key, 0.001, 10, 4)).toEqual({ ok: true, taken: 4 });
        expect(await a.takeUpTo(key, 0.001, 10, 4)).toEqual({ ok: true, taken: 2 });
        expect(await b.takeUpTo(key, 0.001, 10, 4)).toMatchObject({ ok: false });
        expect(await a.take(key, 0.001, 10)).toMatchObject({ ok: false });
        // One token a second: after 1.1 s one is whole again, and a batch takes just that one.
        const slow = unique();
        expect(await a.takeUpTo(slow, 1, 3, 5)).toEqual({ ok: true, taken: 3 });
        const refused = await b.takeUpTo(slow, 1, 3, 5);
        expect(refused).toEqual({ ok: false, retryAfterSeconds: 1 });
        await sleep(1100);
        expect(await b.takeUpTo(slow, 1, 3, 5)).toEqual({ ok: true, taken: 1 });
        expect(await a.take(slow, 1, 3)).toMatchObject({ ok: false });
      });

      it('shares a bucket exactly between concurrent batch takers', async () => {
        const key = unique();
        const results = await Promise.all(
          Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).takeUpTo(key, 0.001, 50, 1 + (i % 4))),
        );
        const taken = results.reduce((sum, r) => sum + (r.ok ? r.taken : 0), 0);
        expect(taken).toBe(50);
        // Once the bucket is empty, a single take is refused too.
        expect(await a.take(key, 0.001, 50)).toMatchObject({ ok: false });
      });

      it('holds at most `limit` slots, gives one back on release, and lets a forgotten one expire', async () => {
        const key = unique();
        const first = await a.acquireSlot(key, 2, 60_000);
        const second = await b.acquireSlot(key, 2, 60_000);
        expect(first).toBeDefined();
        expect(second).toBeDefined();
        expect(await a.acquireSlot(key, 2, 60_000)).toBeUndefined();
        await b.releaseSlot(key, second!);
        expect(await a.acquireSlot(key, 2, 60_000)).toBeDefined();

        const leased = unique();
        expect(await a.acquireSlot(leased, 1, 300)).toBeDefined();
        expect(await b.acquireSlot(leased, 1, 300)).toBeUndefined();
        // The holder never releases (its process was killed): the lease ends it.
        await sleep(400);
        expect(await b.acquireSlot(leased, 1, 300)).toBeDefined();
      });

      it('finds the free slots of a large limit, up to exactly the limit', async () => {
        // Above 64 slots a free one is first looked for among a few random numbers; when those are held, among all.
        const key = unique();
        const handles = await Promise.all(
          Array.from({ length: 110 }, (_, i) => (i % 2 ? a : b).acquireSlot(key, 100, 60_000)),
        );
        expect(handles.filter((h) => h !== undefined)).toHaveLength(100);
        expect(await a.acquireSlot(key, 100, 60_000)).toBeUndefined();
        await b.releaseSlot(
          key,
          handles.find((h) => h !== undefined)!,
        );
        expect(await a.acquireSlot(key, 100, 60_000)).toBeDefined();
      });

      it('never grants more slots than the limit to concurrent acquirers', async () => {
        const key = unique();
        const handles = await Promise.all(
          Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).acquireSlot(key, 10, 60_000)),
        );
        expect(handles.filter((h) => h !== undefined)).toHaveLength(10);
      });

      it('keeps a busy key within 10 % of its rate with token batches in two processes', async () => {
        const key = unique();
        const rate = 500;
        let asked = 0;
        const counting = (store: LimitStore): LimitStore => ({
          ...store,
          take: (...args) => (asked++, store.take(...args)),
          takeUpTo: (...args) => (asked++, store.takeUpTo(...args)),
        });
        const processes = [withTokenBatches(counting(a)), withTokenBatches(counting(b))];
        const times: number[] = [];
        let accepted = 0;
        let lastAnswer = 0;
        const until = performance.now() + 2000;
        // 2 x 16 callers, each taking as fast as the store lets it: far more than 500 a second are asked for.
        await Promise.all(
          Array.from({ length: 32 }, async (_, i) => {
            while (performance.now() < until) {
              times.push(performance.now());
              if ((await processes[i % 2]!.take(key, rate, rate)).ok) accepted++;
              lastAnswer = performance.now();
              await new Promise((resolve) => setImmediate(resolve));
            }
          }),
        );
        times.sort((x, y) => x - y);
        const allowed = tokenBucketAllows(times, rate, rate);
        // The store counts on its own clock, between a take's call and its answer: it can never have granted more
        // than a full bucket and the refill from the first call to the last answer.
        const most = rate + (rate * (lastAnswer - times[0]!)) / 1000;
        const summary = JSON.stringify({ accepted, allowed, most, takes: times.length, asked });
        expect(accepted, summary).toBeLessThanOrEqual(most);
        expect(accepted, summary).toBeGreaterThanOrEqual(allowed * 0.9);
        expect(asked, summary).toBeLessThan(times.length / 3);
      });

      it('never has more requests in flight than the limit with slots reused in two processes', async () => {
        const key = unique();
        const processes = [withSlotReuse(a), withSlotReuse(b)];
        let inFlight = 0;
        let most = 0;
        let served = 0;
        const until = performance.now() + 1500;
        await Promise.all(
          Array.from({ length: 60 }, async (_, i) => {
            const limits = processes[i % 2]!;
            while (performance.now() < until) {
              const handle = await limits.acquireSlot(key, 40, 60_000);
              if (handle === undefined) {
                await sleep(2);
                continue;
              }
              inFlight++;
              most = Math.max(most, inFlight);
              await sleep(3);
              inFlight--;
              served++;
              await limits.releaseSlot(key, handle);
            }
          }),
        );
        expect(served).toBeGreaterThan(0);
        expect(most).toBeLessThanOrEqual(40);
        // Quiet again: within the idle time (100 ms) every kept slot is given back, and the store's 40 are free.
        let free = 0;
        for (let attempt = 0; attempt < 30 && free < 40; attempt++) {
          await sleep(100);
          const handles = (await Promise.all(Array.from({ length: 41 }, () => a.acquireSlot(key, 40, 60_000)))).filter(
            (h) => h !== undefined,
          );
          free = handles.length;
          await Promise.all(handles.map((h) => a.releaseSlot(key, h)));
        }
        expect(free).toBe(40);
      });

      it('counts requests in a rolling window under every key, and forgets or clears them', async () => {
        const user = unique();
        const addr = unique();
        const keys = [
          { key: user, limit: 2 },
          { key: addr, limit: 3 },
        ];
        const first = await a.hit(keys, 60_000);
        const second = await b.hit(keys, 60_000);
        expect(first.ok && second.ok).toBe(true);
        const refused = await a.hit(keys, 60_000);
        expect(refused).toMatchObject({ ok: false });
        expect(refused.ok ? 0 : refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
        // Refused: counted under no key, so the address still has room for one.
        expect(await b.hit([{ key: addr, limit: 3 }], 60_000)).toMatchObject({ ok: true });
        expect(await b.hit([{ key: addr, limit: 3 }], 60_000)).toMatchObject({ ok: false });
        if (second.ok) await a.forget([user, addr], second.id);
        expect(await b.hit([{ key: addr, limit: 3 }], 60_000)).toMatchObject({ ok: true });
        await b.clear(user);
        expect(await a.hit([{ key: user, limit: 2 }], 60_000)).toMatchObject({ ok: true });

        const brief = unique();
        expect(await a.hit([{ key: brief, limit: 1 }], 300)).toMatchObject({ ok: true });
        expect(await b.hit([{ key: brief, limit: 1 }], 300)).toMatchObject({ ok: false });
        await sleep(400);
        expect(await b.hit([{ key: brief, limit: 1 }], 300)).toMatchObject({ ok: true });
      });

      it('counts concurrent hits exactly', async () => {
        const key = unique();
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).hit([{ key, limit: 12 }], 60_000)),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(12);
      });
    },
  );
}

describe('a limit store that cannot answer', () => {
  it('refuses with service.unavailable instead of letting the request through', async () => {
    const broken = createMemoryLimitStore();
    broken.take = () => Promise.reject(new Error('connection refused'));
    const errors: unknown[] = [];
    const guarded = failClosed(broken, (error) => errors.push(error));
    await expect(guarded.take('k', 1, 1)).rejects.toMatchObject({
      code: 'service.unavailable',
      details: { retry_after_seconds: 1 },
    });
    expect(errors).toHaveLength(1);
  });
});

describe('a Redis that does not answer at start', () => {
  it('stops the start with an error naming REDIS_URL without its password', async () => {
    // A port nothing listens on: bound, noted, closed.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const failure = await createRedisLimitStore(`redis://:hunter2@127.0.0.1:${port}/0`).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain(`REDIS_URL redis://:***@127.0.0.1:${port}/0`);
    expect((failure as Error).message).not.toContain('hunter2');
  });
});
