import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VisageDatabase } from './database.js';
import { createServerLock, DataDirInUseError } from './server-lock.repository.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';

for (const dialect of dialectNames) {
  describe(`server lock on ${dialect}`, () => {
    let database: VisageDatabase;
    let now = 1_000_000;
    const running = new Set<number>();
    const lockFor = (pid: number, host = 'box-a') =>
      createServerLock(database, { pid, host, now: () => now, isRunning: (p) => running.has(p) });
    beforeEach(async () => {
      now = 1_000_000;
      running.clear();
      database = await freshDatabase(dialect);
    });
    afterEach(() => database.destroy());

    it('refuses a second live process, naming the holder, and lets it in once the first releases', async () => {
      running.add(101).add(102);
      const first = lockFor(101);
      await first.acquire();
      const second = lockFor(102);
      const refused = await second.acquire().catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(DataDirInUseError);
      expect((refused as DataDirInUseError).holder).toMatchObject({ pid: 101, host: 'box-a' });
      expect((refused as Error).message).toContain('pid 101 on box-a');
      await first.release();
      await second.acquire();
      expect(await first.heartbeat()).toBe(false);
      expect(await second.heartbeat()).toBe(true);
    });

    it('takes over from a process of this host that no longer runs (kill -9), at once', async () => {
      running.add(102);
      await lockFor(101).acquire();
      await lockFor(102).acquire();
    });

    it('takes over from another host only when its heartbeat is stale', async () => {
      running.add(102);
      const remote = lockFor(101, 'box-b');
      await remote.acquire();
      now += 30_000;
      await remote.heartbeat();
      now += 59_000;
      await expect(lockFor(102).acquire()).rejects.toBeInstanceOf(DataDirInUseError);
      now += 2_000;
      await lockFor(102).acquire();
      expect(await remote.heartbeat()).toBe(false);
    });

    it('lets exactly one of several processes starting at once win', async () => {
      for (let pid = 200; pid < 208; pid++) running.add(pid);
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          lockFor(200 + i)
            .acquire()
            .then(
              () => 'won',
              (error: unknown) => (error instanceof DataDirInUseError ? 'refused' : String(error)),
            ),
        ),
      );
      expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'refused')).toHaveLength(7);
    });
  });
}
