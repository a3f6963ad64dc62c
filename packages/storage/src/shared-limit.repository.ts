import { randomBytes, randomInt } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { VisageDatabase } from './database.js';
import type { Database } from './schema.js';

/**
 * Request limits shared by every server process through PostgreSQL (docs/operations.md, "Where shared state
 * lives"). Times come from the database's clock, so processes on machines whose clocks disagree still share one
 * bucket. Each operation is one statement (slots, buckets) or one short transaction under advisory locks (windows).
 */
export function createPostgresLimitStore(database: VisageDatabase) {
  if (database.dialect.name !== 'postgres') throw new RangeError('the shared limit store needs PostgreSQL');
  const db = database.db as unknown as Kysely<Database>;
  const nowMs = sql<number>`floor(extract(epoch from clock_timestamp()) * 1000)::bigint`;

  return {
    /** Takes one token from `key`'s bucket (refilled at `ratePerSecond`, holding at most `burst`). */
    async take(
      key: string,
      ratePerSecond: number,
      burst: number,
    ): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
      const refilled = sql`least(${burst}::float8, b.tokens + greatest(0, excluded.updated_ms - b.updated_ms) * ${ratePerSecond}::float8 / 1000)`;
      const taken = await sql<{ tokens: number }>`
        insert into limit_bucket as b (key, tokens, updated_ms) values (${key}, ${burst - 1}::float8, ${nowMs})
        on conflict (key) do update set tokens = ${refilled} - 1, updated_ms = greatest(b.updated_ms, excluded.updated_ms)
        where ${refilled} >= 1
        returning b.tokens`.execute(db);
      if (taken.rows.length > 0) return { ok: true };
      const left = await sql<{ tokens: number }>`
        select least(${burst}::float8, tokens + greatest(0, ${nowMs} - updated_ms) * ${ratePerSecond}::float8 / 1000)
          as tokens from limit_bucket where key = ${key}`.execute(db);
      const tokens = Number(left.rows[0]?.tokens ?? 0);
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / ratePerSecond)) };
    },

    /**
     * Takes up to `count` tokens from `key`'s bucket in one statement: as many as it holds whole, at most `count`
     * (the local batches of limits/token-batches.ts). The row is locked while it is read and written, so concurrent
     * takers never share a token. Nothing taken: the seconds until one is back.
     */
    async takeUpTo(
      key: string,
      ratePerSecond: number,
      burst: number,
      count: number,
    ): Promise<{ ok: true; taken: number } | { ok: false; retryAfterSeconds: number }> {
      const want = Math.max(1, Math.floor(count));
      for (let attempt = 0; attempt < 3; attempt++) {
        // The old row's values come from the locked sub-select, so RETURNING can say how many were taken.
        const updated = await sql<{ refilled: number; taken: number }>`
          with old as (select key, tokens, updated_ms from limit_bucket where key = ${key} for update),
          calc as (
            select key, least(${burst}::float8, tokens + greatest(0, ${nowMs} - updated_ms) * ${ratePerSecond}::float8 / 1000)
              as refilled, greatest(updated_ms, ${nowMs}) as at from old)
          update limit_bucket as b set tokens = calc.refilled - least(${want}::float8, floor(calc.refilled)),
            updated_ms = calc.at
          from calc where b.key = calc.key
          returning calc.refilled, least(${want}::float8, floor(calc.refilled)) as taken`.execute(db);
        const row = updated.rows[0];
        if (row) {
          const taken = Number(row.taken);
          if (taken >= 1) return { ok: true, taken };
          const tokens = Number(row.refilled);
          return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / ratePerSecond)) };
        }
        // No bucket yet: a full one, less what this takes; another process creating it first means one more try.
        const first = Math.min(want, Math.floor(burst));
        const inserted = await sql`
          insert into limit_bucket (key, tokens, updated_ms) values (${key}, ${burst - first}::float8, ${nowMs})
          on conflict (key) do nothing returning key`.execute(db);
        if (inserted.rows.length > 0) {
          return first >= 1 ? { ok: true, taken: first } : { ok: false, retryAfterSeconds: 1 };
        }
      }
      throw new Error(`the limit bucket ${key} could neither be updated nor created`);
    },

    /**
     * Holds one of `limit` slots of `key` for at most `leaseMs` (so a process killed mid-request leaks nothing);
     * returns the handle to release it with, or undefined when all are held. Slot numbers make the limit exact:
     * two processes can never hold the same slot, whatever they race for.
     */
    async acquireSlot(key: string, limit: number, leaseMs: number): Promise<string | undefined> {
      const holder = randomBytes(9).toString('base64url');
      for (let attempt = 0; attempt < 5; attempt++) {
        // Every slot number is a candidate for a small limit. For a large one, looking at all of them costs a probe
        // each (10,000 for `bench api`'s limit: milliseconds of database CPU per request), so the first try looks
        // at a few random numbers, and only when all of those are held does the next try look at every one.
        const candidates =
          limit <= sampledAbove || attempt > 0
            ? sql`generate_series(0, ${limit - 1}::int)`
            : sql`unnest(${sql.val(sampleOf(limit))}::int[])`;
        const claimed = await sql<{ n: number }>`
          with clock as (select ${nowMs} as ms),
          free as (
            select g.n from ${candidates} as g(n), clock
            where not exists (select 1 from limit_slot s where s.key = ${key} and s.n = g.n and s.expires_ms > clock.ms)
            order by random() limit 1)
          insert into limit_slot as s (key, n, holder, expires_ms)
          select ${key}, free.n, ${holder}, clock.ms + ${leaseMs}::bigint from free, clock
          on conflict (key, n) do update set holder = excluded.holder, expires_ms = excluded.expires_ms
          where s.expires_ms <= excluded.expires_ms - ${leaseMs}::bigint
          returning s.n`.execute(db);
        const row = claimed.rows[0];
        if (row) return `${row.n}:${holder}`;
        // Lost a race for a free slot to another process, or none is free: only the first is worth another try.
        const held = await sql<{ count: number }>`
          select count(*)::int as count from limit_slot where key = ${key} and expires_ms > ${nowMs}`.execute(db);
        if (Number(held.rows[0]?.count ?? limit) >= limit) return undefined;
      }
      return undefined;
    },

    async releaseSlot(key: string, handle: string): Promise<void> {
      const [n, holder] = handle.split(':');
      await sql`delete from limit_slot where key = ${key} and n = ${Number(n)} and holder = ${holder}`.execute(db);
    },

    /**
     * Counts one request under every key within a rolling window of `windowMs`, or none of them when one key is
     * already at its limit (then the seconds until it is not). The id names this request to `forget`.
     */
    async hit(
      keys: readonly { key: string; limit: number }[],
      windowMs: number,
    ): Promise<{ ok: true; id: string } | { ok: false; retryAfterSeconds: number }> {
      const id = randomBytes(9).toString('base64url');
      return db.transaction().execute(async (trx) => {
        for (const key of [...new Set(keys.map((k) => k.key))].sort()) {
          await sql`select pg_advisory_xact_lock(hashtext(${`limit_hit:${key}`}))`.execute(trx);
        }
        const now = Number((await sql<{ ms: number }>`select ${nowMs} as ms`.execute(trx)).rows[0]!.ms);
        for (const { key, limit } of keys) {
          await sql`delete from limit_hit where key = ${key} and at_ms <= ${now - windowMs}`.execute(trx);
          const oldest = await sql<{ at_ms: number }>`
            select at_ms from limit_hit where key = ${key} order by at_ms desc offset ${limit - 1} limit 1`.execute(
            trx,
          );
          const at = oldest.rows[0]?.at_ms;
          if (at !== undefined) {
            return {
              ok: false as const,
              retryAfterSeconds: Math.max(1, Math.ceil((Number(at) + windowMs - now) / 1000)),
            };
          }
        }
        for (const { key } of keys) {
          await sql`insert into limit_hit (key, id, at_ms) values (${key}, ${id}, ${now})`.execute(trx);
        }
        return { ok: true as const, id };
      });
    },

    /** Takes back a request counted by `hit` (a sign-in that succeeded, or failed for another reason). */
    async forget(keys: readonly string[], id: string): Promise<void> {
      if (keys.length === 0) return;
      await sql`delete from limit_hit where id = ${id} and key in (${sql.join(keys)})`.execute(db);
    },

    /** Forgets every request counted under `key`. */
    async clear(key: string): Promise<void> {
      await sql`delete from limit_hit where key = ${key}`.execute(db);
    },

    /** Deletes full buckets, expired slots and hits older than `maxWindowMs`; returns how many rows. */
    async sweep(maxWindowMs: number): Promise<number> {
      let deleted = 0;
      for (const statement of [
        sql`delete from limit_bucket where updated_ms < ${nowMs} - 3600000`,
        sql`delete from limit_slot where expires_ms < ${nowMs}`,
        sql`delete from limit_hit where at_ms < ${nowMs} - ${maxWindowMs}::bigint`,
      ]) {
        deleted += Number((await statement.execute(db)).numAffectedRows ?? 0n);
      }
      return deleted;
    },
  };
}

export type PostgresLimitStore = ReturnType<typeof createPostgresLimitStore>;

/** Limits above this many slots look for a free one among `sampleSize` random slot numbers first. */
const sampledAbove = 64;
const sampleSize = 16;

/** `sampleSize` distinct random numbers below `limit`. */
function sampleOf(limit: number): number[] {
  const picked = new Set<number>();
  while (picked.size < sampleSize) picked.add(randomInt(limit));
  return [...picked];
}
