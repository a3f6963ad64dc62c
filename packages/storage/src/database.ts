import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, sql, SqliteDialect, type SqliteDatabase as SqliteDialectDatabase } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

/** What differs between the two dialects, as flags rather than `if (sqlite)` branches in the repositories. */
export interface DialectCapabilities {
  readonly name: 'sqlite' | 'postgres';
  /** `SELECT … FOR UPDATE`: PostgreSQL needs it to serialise writers; SQLite serialises them on its one connection. */
  readonly rowLocks: boolean;
}

export interface VisageDatabase {
  readonly db: Kysely<Database>;
  readonly dialect: DialectCapabilities;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  destroy(): Promise<void>;
}

export type DatabaseLocation =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string };

export function openDatabase(location: DatabaseLocation): VisageDatabase {
  if (location.kind === 'sqlite') {
    if (location.file !== ':memory:') mkdirSync(dirname(location.file), { recursive: true });
    const sqlite = new SqliteDatabase(location.file);
    // WAL lets readers run beside the single writer; the busy timeout covers a second process's brief writes.
    sqlite.pragma('journal_mode = WAL');
    // In WAL mode NORMAL syncs at checkpoints, not at every commit: a crash of the process loses nothing, a power
    // loss may lose the last commits but never corrupts the file. Measured: three fsyncs per signed read (nonce,
    // read count, audit entry) capped the API at ~700 req/s (docs/benchmarks.md). PostgreSQL is the durable choice.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return { db, dialect: { name: 'sqlite', rowLocks: false }, ping: () => ping(db), destroy: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: location.url,
    types: { getTypeParser: bigintAsNumber },
    ...(location.schema ? { options: `-c search_path=${quoteIdentifier(location.schema)}` } : {}),
    // PostgreSQL down or unreachable: a request fails within this bound (503 service.unavailable) instead of hanging.
    connectionTimeoutMillis: 5000,
  });
  // An idle connection cut by the server (PostgreSQL stopped or restarted) is dropped from the pool and replaced on
  // the next query; without a listener the pool's 'error' event would end the process (faults-postgres.test.ts).
  pool.on('error', () => undefined);
  // The same for a connection cut while checked out between two statements: its next query fails (the caller sees
  // the error, 503) and the pool discards it on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: { name: 'postgres', rowLocks: true }, ping: () => ping(db), destroy: () => db.destroy() };
}

/** `DATABASE_URL` (postgres://…) when set, otherwise SQLite under the data directory. */
export function locateDatabase(databaseUrl: string | undefined, dataDir: string): DatabaseLocation {
  if (databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl)) return { kind: 'postgres', url: databaseUrl };
  if (databaseUrl) throw new RangeError('DATABASE_URL must be a postgres:// URL; SQLite is chosen by leaving it unset');
  return { kind: 'sqlite', file: `${dataDir}/visage.sqlite` };
}

// Counters and sequence numbers are bigint columns; below 2^53 they are exact as JS numbers, which is what the
// repositories expect from both dialects. Set per pool, not on pg's global type registry.
const int8Oid = 20;
const bigintAsNumber = ((oid: number, format?: 'text' | 'binary') =>
  oid === int8Oid
    ? (value: string) => Number(value)
    : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;

function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new RangeError(`not a plain identifier: ${name}`);
  return name;
}

async function ping(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}

/**
 * Kysely prepares every query anew; better-sqlite3's prepare is a large share of a small query's cost (measured:
 * 17 % of a signed read's CPU). Statements are reused by SQL text, a bounded number of them, least recently used
 * out first. Safe because better-sqlite3 runs one statement at a time on this one connection.
 */
const noTransactionToRollBack = {
  reader: false,
  run: () => ({ changes: 0, lastInsertRowid: 0 }),
} as unknown as SqliteDatabase.Statement;

function withStatementCache(sqlite: SqliteDatabase.Database, capacity = 512): SqliteDialectDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text) {
      // SQLite rolls a transaction back by itself on some errors (SQLITE_FULL: the disk is full). Kysely's rollback
      // then fails with 'no transaction is active', and that error would replace the real one: a no-op instead.
      if (text === 'rollback' && !sqlite.inTransaction) return noTransactionToRollBack;
      let statement = statements.get(text);
      if (statement) statements.delete(text);
      else statement = sqlite.prepare(text);
      statements.set(text, statement);
      if (statements.size > capacity) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}
