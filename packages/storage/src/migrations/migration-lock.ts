import { sql, SqliteAdapter, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** How long a migrator waits for another one (in another process) to finish before giving up. */
const sqliteWaitMs = 120_000;

/**
 * Runs `migrate` so that concurrent migrators of one database do not interleave.
 *
 * PostgreSQL: nothing to add. Kysely's migrator takes a session advisory lock (`pg_advisory_lock`) around the whole
 * run and applies the pending migrations in one transaction: a second migrator waits, then finds nothing to do.
 *
 * SQLite: Kysely takes no lock there (it assumes one connection), so two processes opening one file at once (a
 * `visage migrate` beside a starting server) could both apply the same migration. Here the run happens inside
 * `BEGIN IMMEDIATE`, the file's single write lock, which also makes the run atomic (SQLite's DDL is
 * transactional). The lock is awaited with an asynchronous retry, not SQLite's busy timeout, which would block
 * the event loop.
 */
export async function withMigrationLock<T>(
  db: Kysely<Database>,
  migrate: (locked: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return migrate(db);
  return db.connection().execute(async (connection) => {
    await beginImmediate(connection);
    try {
      const result = await migrate(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw error;
    }
  });
}

async function beginImmediate(connection: Kysely<Database>): Promise<void> {
  const busyTimeout = (await sql<{ timeout: number }>`pragma busy_timeout`.execute(connection)).rows[0]?.timeout ?? 0;
  await sql.raw('pragma busy_timeout = 0').execute(connection);
  try {
    const deadline = Date.now() + sqliteWaitMs;
    for (;;) {
      try {
        await sql`begin immediate`.execute(connection);
        return;
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
  } finally {
    await sql.raw(`pragma busy_timeout = ${Number(busyTimeout)}`).execute(connection);
  }
}
