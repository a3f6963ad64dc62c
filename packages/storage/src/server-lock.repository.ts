import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { VisageDatabase } from './database.js';
import type { Database } from './schema.js';

/** Who holds an SQLite data directory (`server_lock`'s one row). */
export interface ServerLockHolder {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

/** A second server process on one SQLite data directory: refused, naming the process that holds it. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(readonly holder: ServerLockHolder) {
    super(
      `the SQLite database is in use by another Visage server (pid ${holder.pid} on ${holder.host}, since ` +
        `${holder.startedAt}); SQLite serves one process only: stop that one, or use PostgreSQL (DATABASE_URL) to run several`,
    );
  }
}

export interface ServerLockOptions {
  /** A holder whose heartbeat is older than this is taken over (default 60 s). */
  readonly staleAfterMs?: number;
  readonly now?: () => number;
  readonly pid?: number;
  readonly host?: string;
  /** Whether a process of this host runs under `pid` (default: signal 0). */
  readonly isRunning?: (pid: number) => boolean;
}

/**
 * The lock that keeps a second `visage serve` off an SQLite data directory: one row with the holder's pid, host and
 * heartbeat. It is taken over only when its holder is gone — a process of this host that no longer runs, or a
 * heartbeat older than `staleAfterMs` — by a compare-and-set on the holder's token, so two processes starting at
 * once cannot both win. CLI commands (`visage admin …`) do not take it: they may run beside the server.
 */
export function createServerLock(database: VisageDatabase, options: ServerLockOptions = {}) {
  const db = database.db as unknown as Kysely<Database>;
  const staleAfterMs = options.staleAfterMs ?? 60_000;
  const now = options.now ?? Date.now;
  const pid = options.pid ?? process.pid;
  const host = options.host ?? hostname();
  const isRunning = options.isRunning ?? processRuns;
  const token = randomBytes(12).toString('base64url');
  const startedAt = new Date(now()).toISOString();

  interface Row {
    token: string;
    pid: number;
    host: string;
    started_at: string;
    heartbeat_ms: number;
  }
  const current = async () =>
    (await sql<Row>`select token, pid, host, started_at, heartbeat_ms from server_lock where id = 1`.execute(db))
      .rows[0];

  return {
    /** Takes the lock, or throws DataDirInUseError while another live server process holds it. */
    async acquire(): Promise<void> {
      const inserted = await sql`
        insert into server_lock (id, token, pid, host, started_at, heartbeat_ms)
        values (1, ${token}, ${pid}, ${host}, ${startedAt}, ${now()}) on conflict (id) do nothing`.execute(db);
      if (Number(inserted.numAffectedRows ?? 0n) === 1) return;
      const held = await current();
      if (!held) return this.acquire();
      const gone =
        (held.host === host && (held.pid === pid || !isRunning(Number(held.pid)))) ||
        now() - Number(held.heartbeat_ms) > staleAfterMs;
      if (!gone) throw new DataDirInUseError({ pid: Number(held.pid), host: held.host, startedAt: held.started_at });
      const taken = await sql`
        update server_lock set token = ${token}, pid = ${pid}, host = ${host}, started_at = ${startedAt},
          heartbeat_ms = ${now()} where id = 1 and token = ${held.token}`.execute(db);
      if (Number(taken.numAffectedRows ?? 0n) !== 1) return this.acquire();
    },

    /** Says the holder still runs; false when the lock was taken over meanwhile. */
    async heartbeat(): Promise<boolean> {
      const updated = await sql`
        update server_lock set heartbeat_ms = ${now()} where id = 1 and token = ${token}`.execute(db);
      return Number(updated.numAffectedRows ?? 0n) === 1;
    },

    /** Gives the lock up (only if still this process's). */
    async release(): Promise<void> {
      await sql`delete from server_lock where id = 1 and token = ${token}`.execute(db);
    },
  };
}

export type ServerLock = ReturnType<typeof createServerLock>;

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
