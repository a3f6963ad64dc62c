import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** PostgreSQL for tests: this machine's server (CI starts it); override with VISAGE_TEST_POSTGRES_URL. */
export const testPostgresUrl = process.env['VISAGE_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

// Kysely's migrator introspects the tables of every schema, which fails if another test file drops its schema at
// that moment. Migrations hold this advisory lock shared, drops hold it exclusively.
const schemaLock = 740_211;

export interface TestSchema {
  readonly schema: string;
  /** A connection URL whose search_path is the new schema. */
  readonly url: string;
  /** Call once the schema is migrated: lets other test files drop theirs again. */
  migrated(): Promise<void>;
  drop(): Promise<void>;
}

/** A new, empty schema in the test database, for one test file's database. */
export async function createTestSchema(): Promise<TestSchema> {
  const schema = `visage_test_${randomBytes(6).toString('hex')}`;
  const holder = new pg.Client({ connectionString: testPostgresUrl });
  await holder.connect();
  await holder.query('SELECT pg_advisory_lock_shared($1)', [schemaLock]);
  await holder.query(`CREATE SCHEMA ${schema}`);
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await holder.query('SELECT pg_advisory_unlock_shared($1)', [schemaLock]);
    await holder.end();
  };
  return {
    schema,
    url: `${testPostgresUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    migrated: release,
    async drop() {
      await release();
      const admin = new pg.Client({ connectionString: testPostgresUrl });
      await admin.connect();
      try {
        await admin.query('SELECT pg_advisory_lock($1)', [schemaLock]);
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}
