import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
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
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    return { db, dialect: { name: 'sqlite', rowLocks: false }, destroy: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: location.url,
    types: { getTypeParser: bigintAsNumber },
    ...(location.schema ? { options: `-c search_path=${quoteIdentifier(location.schema)}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: { name: 'postgres', rowLocks: true }, destroy: () => db.destroy() };
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
