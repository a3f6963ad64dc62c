import { PostgresAdapter, type Kysely } from 'kysely';

/**
 * The keys of the installation's deterministic lookups (subject pseudonyms, ID-number hashes), sealed under the
 * master key, so that rotating the master key leaves every stored pseudonym and hash valid (docs/operations.md,
 * "Rotating the master key"). One row per purpose, written once (insert-if-absent) and never changed except by a
 * re-wrap.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
  await db.schema
    .createTable('lookup_key')
    .addColumn('purpose', 'text', (c) => c.primaryKey())
    .addColumn('sealed', bytes, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('lookup_key').execute();
}
