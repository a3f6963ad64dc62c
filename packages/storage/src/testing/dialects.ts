import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestSchema, testPostgresUrl } from './postgres-schema.js';
import { openDatabase, type VisageDatabase } from '../database.js';
import { migrateToLatest } from '../migrations/index.js';

export { createTestSchema, testPostgresUrl, type TestSchema } from './postgres-schema.js';

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
  const created = await createTestSchema();
  let opened: VisageDatabase;
  try {
    opened = openDatabase({ kind: 'postgres', url: testPostgresUrl, schema: created.schema });
    await migrateToLatest(opened.db);
  } finally {
    await created.migrated();
  }
  return {
    ...opened,
    destroy: async () => {
      await opened.destroy();
      await created.drop();
    },
  };
}
