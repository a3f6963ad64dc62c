import { describe, expect, it } from 'vitest';
import { createMemoryLimitStore, type LimitStore } from './limit-store.js';
import { withSlotReuse } from './slot-reuse.js';

// The shared slots are a memory store; each "process" is its own reuse layer over it. The store counts the calls
// that reach it (the statements a shared store would run) and the leases it was asked for.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function counted(store: LimitStore) {
  const calls = { acquire: 0, release: 0, leases: [] as number[] };
  const wrapped: LimitStore = {
    ...store,
    acquireSlot: (key, limit, leaseMs) => (
      calls.acquire++,
      calls.leases.push(leaseMs),
      store.acquireSlot(key, limit, leaseMs)
    ),
    releaseSlot: (key, handle) => (calls.release++, store.releaseSlot(key, handle)),
  };
  return { store: wrapped, calls };
}

/** How many of `limit` slots the store itself has free now (taken and given back again). */
async function freeIn(store: LimitStore, key: string, limit: number): Promise<number> {
  const handles: string[] = [];
  for (;;) {
    const handle = await store.acquireSlot(key, limit, 60_000);
    if (handle === undefined) break;
    handles.push(handle);
  }
  for (const handle of handles) await store.releaseSlot(key, handle);
  return handles.length;
}

describe('concurrency slots reused within a process', () => {
  it('serves a busy key from few store calls, and never holds more than the limit across processes', async () => {
    const shared = createMemoryLimitStore();
    const { store, calls } = counted(shared);
    const processes = [withSlotReuse(store), withSlotReuse(store)];
    let inFlight = 0;
    let most = 0;
    let refused = 0;
    let served = 0;
    // 2 processes x 30 clients, each running 20 requests of ~2 ms back to back, on a limit of 40.
    await Promise.all(
      Array.from({ length: 60 }, async (_, client) => {
        const limits = processes[client % 2]!;
        for (let i = 0; i < 20; i++) {
          const handle = await limits.acquireSlot('running:k', 40, 60_000);
          if (handle === undefined) {
            refused++;
            await sleep(1);
            continue;
          }
          inFlight++;
          most = Math.max(most, inFlight);
          await sleep(2);
          inFlight--;
          served++;
          await limits.releaseSlot('running:k', handle);
        }
      }),
    );
    expect(most).toBeLessThanOrEqual(40);
    expect(refused).toBeGreaterThan(0);
    expect(calls.acquire + calls.release).toBeLessThan((served + refused) / 2);
    // Quiet again: within the idle time every slot is back in the store.
    await sleep(250);
    expect(await freeIn(shared, 'running:k', 40)).toBe(40);
  });

  it('takes and gives back a slot per request for a key with no other request in flight', async () => {
    const { store, calls } = counted(createMemoryLimitStore());
    const limits = withSlotReuse(store);
    for (let i = 0; i < 10; i++) {
      const handle = await limits.acquireSlot('running:quiet', 100, 5_000);
      expect(handle).toBeDefined();
      await limits.releaseSlot('running:quiet', handle!);
    }
    expect(calls.acquire).toBe(10);
    expect(calls.release).toBe(10);
    // With the request lease, not a longer one.
    expect(new Set(calls.leases)).toEqual(new Set([5_000]));
  });

  it('leaves a small limit exactly as the store alone', async () => {
    const { store, calls } = counted(createMemoryLimitStore());
    const limits = withSlotReuse(store);
    const handles = await Promise.all(Array.from({ length: 10 }, () => limits.acquireSlot('running:small', 8, 5_000)));
    expect(handles.filter((h) => h !== undefined)).toHaveLength(8);
    for (const handle of handles) if (handle !== undefined) await limits.releaseSlot('running:small', handle);
    expect(calls.acquire).toBe(10);
    expect(calls.release).toBe(8);
  });

  it('starts no request on a slot older than the reuse time, and leases reused slots for that much longer', async () => {
    let t = 0;
    const now = () => t;
    const shared = createMemoryLimitStore(now);
    const { store, calls } = counted(shared);
    const limits = withSlotReuse(store, { now, reuseMs: 1000, idleMs: 10_000 });
    const first = await limits.acquireSlot('running:k', 100, 5_000);
    const second = await limits.acquireSlot('running:k', 100, 5_000);
    // The second came while the first was in flight: reusable, so leased for the request lease plus the reuse time.
    expect(calls.leases).toEqual([5_000, 6_000]);
    await limits.releaseSlot('running:k', second!);
    expect(calls.release).toBe(0);
    // Within the reuse time the next request runs on it without asking the store.
    t += 500;
    const third = await limits.acquireSlot('running:k', 100, 5_000);
    expect(third).toBe(second);
    expect(calls.acquire).toBe(2);
    await limits.releaseSlot('running:k', third!);
    // Past it, the slot goes back and the next request takes a fresh one.
    t += 600;
    const fourth = await limits.acquireSlot('running:k', 100, 5_000);
    expect(fourth).not.toBe(second);
    expect(calls.acquire).toBe(3);
    expect(calls.release).toBe(1);
    await limits.releaseSlot('running:k', first!);
    await limits.releaseSlot('running:k', fourth!);
    // A process killed now leaks nothing: its slots' leases end (at most the reuse time later than a request's).
    t += 6_000;
    expect(await freeIn(shared, 'running:k', 100)).toBe(100);
  });

  it('gives its idle slots back when closed', async () => {
    const shared = createMemoryLimitStore();
    const limits = withSlotReuse(shared, { idleMs: 60_000 });
    const handles = await Promise.all(Array.from({ length: 5 }, () => limits.acquireSlot('running:c', 100, 60_000)));
    for (const handle of handles) await limits.releaseSlot('running:c', handle!);
    expect(await freeIn(shared, 'running:c', 100)).toBeLessThan(100);
    await limits.close();
    expect(await freeIn(shared, 'running:c', 100)).toBe(100);
  });
});
