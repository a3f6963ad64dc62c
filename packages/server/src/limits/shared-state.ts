import { createPostgresLimitStore, createServerLock, type VisageDatabase } from '@visage/storage';
import { createMemoryLimitStore, failClosed, longestWindowMs, type LimitStore } from './limit-store.js';
import { createRedisLimitStore } from './redis-limit-store.js';
import { withSlotReuse } from './slot-reuse.js';
import { withTokenBatches } from './token-batches.js';

interface Log {
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

/**
 * Where this process keeps its request limits (docs/operations.md, "Where shared state lives"): Redis when
 * REDIS_URL is set, else PostgreSQL when the database is PostgreSQL (several processes share both), else memory
 * (SQLite: one server process, enforced by `holdDataDir`). Rows that no limit needs any more are swept every
 * `sweepIntervalSeconds` (PostgreSQL; Redis keys expire by themselves).
 */
export async function openLimitStore(
  database: VisageDatabase,
  options: { redisUrl: string | undefined; sweepIntervalSeconds: number; log: () => Log | undefined },
): Promise<LimitStore> {
  let store: LimitStore;
  if (options.redisUrl !== undefined) {
    store = await createRedisLimitStore(options.redisUrl, {
      onError: (error) => options.log()?.warn({ err: error }, 'redis connection error'),
    });
  } else if (database.dialect.name === 'postgres')
    store = { kind: 'postgres', ...createPostgresLimitStore(database), close: async () => {} };
  else return createMemoryLimitStore();
  // Keys busy in this process take their tokens from the shared bucket in batches (token-batches.ts) and reuse
  // their concurrency slots for a moment (slot-reuse.ts): a busy key costs a fraction of a statement per request.
  const guarded = withSlotReuse(
    withTokenBatches(failClosed(store, (error) => options.log()?.error({ err: error }, 'shared limit store failed'))),
  );
  if (store.kind !== 'postgres') return guarded;
  const timer = setInterval(() => {
    store.sweep(longestWindowMs).catch((error: unknown) => options.log()?.warn({ err: error }, 'limit sweep failed'));
  }, options.sweepIntervalSeconds * 1000);
  timer.unref();
  return {
    ...guarded,
    close: async () => {
      clearInterval(timer);
      await guarded.close();
    },
  };
}

/**
 * SQLite: takes the data directory's server lock, or throws DataDirInUseError naming the process that holds it.
 * The heartbeat keeps it while this process runs; `release` gives it up at shutdown. PostgreSQL: nothing to hold.
 */
export async function holdDataDir(database: VisageDatabase, log: () => Log | undefined) {
  if (database.dialect.name !== 'sqlite') return { release: async () => {} };
  const lock = createServerLock(database);
  await lock.acquire();
  const timer = setInterval(() => {
    lock.heartbeat().then(
      (held) => {
        if (!held) log()?.error({}, 'the data directory lock was taken over by another process');
      },
      (error: unknown) => log()?.warn({ err: error }, 'data directory lock heartbeat failed'),
    );
  }, 15_000);
  timer.unref();
  return {
    release: async () => {
      clearInterval(timer);
      await lock.release();
    },
  };
}
