import { describe, expect, it } from 'vitest';
import { createMemoryLimitStore, type LimitStore } from './limit-store.js';
import { withTokenBatches } from './token-batches.js';
import { tokenBucketAllows } from '../testing/token-bucket.js';

// The shared bucket is a memory store on a fake clock; each "process" is its own batching layer over it, on the
// same clock. The store counts the calls that reach it: those are the statements a shared store would run.

function fakeClock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

function counted(store: LimitStore) {
  const calls = { take: 0, takeUpTo: 0 };
  const wrapped: LimitStore = {
    ...store,
    take: (...args) => (calls.take++, store.take(...args)),
    takeUpTo: (...args) => (calls.takeUpTo++, store.takeUpTo(...args)),
  };
  return { store: wrapped, calls };
}

describe('token batches in front of a shared bucket', () => {
  it('holds a key to its rate within 10 % across three processes, in a fraction of the store calls', async () => {
    const clock = fakeClock();
    const { store, calls } = counted(createMemoryLimitStore(clock.now));
    const processes = Array.from({ length: 3 }, () => withTokenBatches(store, { now: clock.now }));
    const rate = 1000;
    // Each process is offered 1,000 requests a second for 10 s (3x the rate), at uneven intervals; then a quieter
    // second at half the rate, where nothing should be refused for long.
    const times: number[] = [];
    let accepted = 0;
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let step = 0; step < 11_000; step++) {
      const offered = step < 10_000 ? 3 : random() < 0.5 ? 1 : 0;
      for (let i = 0; i < offered; i++) {
        times.push(clock.now());
        if ((await processes[Math.floor(random() * 3)]!.take('rate:key_1', rate, rate)).ok) accepted++;
      }
      clock.advance(1);
    }
    const allowed = tokenBucketAllows(times, rate, rate);
    // Every token spent was taken from the shared bucket: never more than it allows.
    expect(accepted).toBeLessThanOrEqual(allowed);
    expect((allowed - accepted) / allowed).toBeLessThanOrEqual(0.1);
    // The store was asked far less often than once per request.
    expect(calls.take + calls.takeUpTo).toBeLessThan(times.length / 10);
  });

  it('leaves an idle or slow key exactly as the store alone: one take per request', async () => {
    const clock = fakeClock();
    const { store, calls } = counted(createMemoryLimitStore(clock.now));
    const batched = withTokenBatches(store, { now: clock.now });
    const plain = createMemoryLimitStore(clock.now);
    const outcomes: [boolean, boolean][] = [];
    // One request every 150 ms, and a burst of 10 within a millisecond every 2 s, on a key of 5/s.
    for (let step = 0; step < 40; step++) {
      const requests = step % 13 === 0 ? 10 : 1;
      for (let i = 0; i < requests; i++) {
        outcomes.push([(await batched.take('slow', 5, 5)).ok, (await plain.take('slow', 5, 5)).ok]);
      }
      clock.advance(150);
    }
    expect(outcomes.map(([b]) => b)).toEqual(outcomes.map(([, p]) => p));
    expect(outcomes.some(([b]) => !b)).toBe(true);
    // A burst of 5/s is too small to batch (at most 1/20 of it per batch): every request went to the store.
    expect(calls.takeUpTo).toBe(0);
    expect(calls.take).toBe(outcomes.length);
  });

  it('asks the store once per request while a key is not busy, then in batches once it is', async () => {
    const clock = fakeClock();
    const { store, calls } = counted(createMemoryLimitStore(clock.now));
    const batched = withTokenBatches(store, { now: clock.now });
    // 1 request per 150 ms on a key of 10,000/s: each its own take.
    for (let i = 0; i < 10; i++) {
      expect((await batched.take('big', 10_000, 10_000)).ok).toBe(true);
      clock.advance(150);
    }
    expect(calls).toEqual({ take: 10, takeUpTo: 0 });
    // 100 requests in 100 ms: the first window's each go alone, the next window's in batches of its demand.
    for (let i = 0; i < 200; i++) {
      expect((await batched.take('big', 10_000, 10_000)).ok).toBe(true);
      clock.advance(1);
    }
    expect(calls.takeUpTo).toBeGreaterThan(0);
    expect(calls.take + calls.takeUpTo).toBeLessThan(120);
  });

  it('drops batch tokens not spent within the horizon, so a quiet process cannot keep them', async () => {
    const clock = fakeClock();
    const { store, calls } = counted(createMemoryLimitStore(clock.now));
    const a = withTokenBatches(store, { now: clock.now, horizonMs: 200 });
    const b = withTokenBatches(store, { now: clock.now });
    // A busy for 150 ms on a bucket of 400 that does not refill within the test.
    let spent = 0;
    for (let i = 0; i < 150; i++) {
      if ((await a.take('k', 0.001, 400)).ok) spent++;
      clock.advance(1);
    }
    const asked = calls.takeUpTo;
    expect(asked).toBeGreaterThan(0);
    // A took batches ahead of its demand: B finds fewer than 400 - spent left in the bucket.
    let left = 0;
    while ((await store.take('k', 0.001, 400)).ok) left++;
    expect(left).toBeLessThan(400 - spent);
    expect(400 - spent - left).toBeLessThanOrEqual(400 / 20);
    // Within the horizon A still spends what it holds, without asking the store.
    const before = calls.take + calls.takeUpTo;
    expect((await a.take('k', 0.001, 400)).ok).toBe(true);
    expect(calls.take + calls.takeUpTo).toBe(before);
    // Past the horizon what A held is gone: A asks the (empty) store and is refused, as B is.
    clock.advance(250);
    expect((await a.take('k', 0.001, 400)).ok).toBe(false);
    expect(calls.take + calls.takeUpTo).toBeGreaterThan(before);
    expect((await b.take('k', 0.001, 400)).ok).toBe(false);
  });

  it('lets concurrent takers share one batch in flight instead of each asking the store', async () => {
    const clock = fakeClock();
    const memory = createMemoryLimitStore(clock.now);
    const { store, calls } = counted({
      ...memory,
      // A store that answers later, as PostgreSQL does: takers arriving meanwhile wait for the batch.
      takeUpTo: async (...args) => (await new Promise((resolve) => setTimeout(resolve, 5)), memory.takeUpTo(...args)),
      take: async (...args) => (await new Promise((resolve) => setTimeout(resolve, 5)), memory.take(...args)),
    });
    const batched = withTokenBatches(store, { now: clock.now });
    // Warm up the demand: 60 takes in the first window.
    for (let i = 0; i < 60; i++) await batched.take('k', 0.001, 1000);
    clock.advance(100);
    const before = calls.take + calls.takeUpTo;
    const results = await Promise.all(Array.from({ length: 40 }, () => batched.take('k', 0.001, 1000)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(calls.take + calls.takeUpTo - before).toBeLessThanOrEqual(2);
    // And they share a refusal: a bucket that is empty refuses all of them after one call.
    const empty = withTokenBatches(store, { now: clock.now });
    for (let i = 0; i < 60; i++) await empty.take('e', 0.001, 60);
    clock.advance(100);
    const atEmpty = calls.take + calls.takeUpTo;
    const refused = await Promise.all(Array.from({ length: 40 }, () => empty.take('e', 0.001, 60)));
    expect(refused.every((r) => !r.ok)).toBe(true);
    expect(calls.take + calls.takeUpTo - atEmpty).toBe(1);
  });
});
