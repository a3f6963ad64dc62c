import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase, type VisageDatabase } from '../database.js';
import { createTestSchema, dialectNames, testPostgresUrl } from '../testing/dialects.js';
import { migrateToLatest } from './index.js';

// Rolling upgrades start several new processes at once, each migrating at start (docs/operations.md). On
// PostgreSQL, Kysely's migrator takes a session advisory lock (pg_advisory_lock) around the whole run and applies
// the pending migrations in one transaction, so concurrent migrators queue: one applies, the others find nothing
// left to do. SQLite serves one server process; the same holds there for two migrators on one file.

async function twoDatabases(dialect: (typeof dialectNames)[number]) {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'visage-migrate-'));
    const file = join(dir, 'visage.sqlite');
    const a = openDatabase({ kind: 'sqlite', file });
    const b = openDatabase({ kind: 'sqlite', file });
    return {
      a,
      b,
      close: async () => {
        await a.destroy();
        await b.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
      migrated: async () => {},
    };
  }
  const created = await createTestSchema();
  const a = openDatabase({ kind: 'postgres', url: testPostgresUrl, schema: created.schema });
  const b = openDatabase({ kind: 'postgres', url: testPostgresUrl, schema: created.schema });
  return {
    a,
    b,
    close: async () => {
      await a.destroy();
      await b.destroy();
      await created.drop();
    },
    migrated: () => created.migrated(),
  };
}

const appliedNames = async (database: VisageDatabase) =>
  (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(database.db)).rows.map(
    (row) => row.name,
  );

for (const dialect of dialectNames) {
  describe(`concurrent migrators on ${dialect}`, () => {
    it('apply every migration exactly once, and both succeed', async () => {
      const { a, b, close, migrated } = await twoDatabases(dialect);
      try {
        const [first, second] = await Promise.all([migrateToLatest(a.db), migrateToLatest(b.db)]);
        await migrated();
        const applied = [...first, ...second];
        expect(applied.every((result) => result.status === 'Success')).toBe(true);
        const names = applied.map((result) => result.migrationName).sort();
        // Each migration ran in one of the two, never in both.
        expect(new Set(names).size).toBe(names.length);
        const recorded = await appliedNames(a);
        expect(names).toEqual(recorded);
        expect(recorded.length).toBeGreaterThan(10);
        // And a third run later finds nothing to do.
        expect(await migrateToLatest(b.db)).toEqual([]);
      } finally {
        await close();
      }
    }, 60_000);
  });
}
