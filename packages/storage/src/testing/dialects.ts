import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type VisageDatabase } from '../database.js';
import { migrateToLatest } from '../migrations/index.js';

/** PostgreSQL for storage tests: this machine's server (CI starts it); override with VISAGE_TEST_POSTGRES_URL. */
export const testPostgresUrl = process.env['VISAGE_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export const dialectNames = ['sqlite', 'postgres'] as const;

/** A fresh, migrated database of the given dialect: a temporary SQLite file, or a new PostgreSQL schema. */
export async function freshDatabase(dialect: (typeof dialectNames)[number]): Promise<VisageDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'visage-db-'));
    const opened = openDatabase({ kind: 'sqlite', file: join(dir, 'visage.sqlite') });
    await migrateToLatest(opened.db);
    return {
      ...opened,
      destroy: async () => {
        await opened.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `visage_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testPostgresUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const opened = openDatabase({ kind: 'postgres', url: testPostgresUrl, schema });
  await migrateToLatest(opened.db);
  return {
    ...opened,
    destroy: async () => {
      await opened.destroy();
      const cleanup = new pg.Client({ connectionString: testPostgresUrl });
      await cleanup.connect();
      await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
      await cleanup.end();
    },
  };
}
