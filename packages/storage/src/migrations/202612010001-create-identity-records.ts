import { PostgresAdapter, type Kysely } from 'kysely';

/** The operator's identity registry (docs/identity-sources.md). */
export async function up(db: Kysely<unknown>): Promise<void> {
  const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
  await db.schema
    .createTable('identity_record')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Sandbox records (test identities for sandbox keys) and live records are separate registries: a sandbox key
    // never sees a live record, so the same number may be registered once in each.
    .addColumn('sandbox', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('number_hash', 'text', (c) => c.notNull())
    .addColumn('number_sealed', bytes, (c) => c.notNull())
    .addColumn('number_masked', 'text', (c) => c.notNull())
    .addColumn('name_sealed', bytes, (c) => c.notNull())
    .addColumn('name_masked', 'text', (c) => c.notNull())
    .addColumn('template_model', 'text', (c) => c.notNull())
    .addColumn('template_sealed', bytes, (c) => c.notNull())
    .addColumn('photo_sealed', bytes)
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('identity_record_sandbox_number_hash_key', ['sandbox', 'number_hash'])
    .execute();
  // A live key's registry refusals of the day are counted in the call log (VISAGE_REGISTRY_REFUSALS_PER_KEY_PER_DAY).
  await db.schema
    .createIndex('verification_key_result_created')
    .on('verification')
    .columns(['key_id', 'result_code', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('verification_key_result_created').execute();
  await db.schema.dropTable('identity_record').execute();
}
