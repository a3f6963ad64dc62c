import { PostgresAdapter, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Sealed bytes are stored as bytes (base64 text would add a third); only the type's name differs by dialect.
  const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
  await db.schema
    .createTable('verification')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('sandbox', 'integer', (c) => c.notNull())
    .addColumn('subject_ref', 'text')
    .addColumn('consent_id', 'text')
    .addColumn('biz_no', 'text')
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('result_code', 'text', (c) => c.notNull())
    .addColumn('billed', 'integer', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('time_used_ms', 'integer', (c) => c.notNull())
    .addColumn('result_sealed', bytes)
    .addColumn('result_expires_at', 'text')
    .addColumn('reads', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('erased_at', 'text')
    .execute();
  await db.schema
    .createIndex('verification_org_subject_created')
    .on('verification')
    .columns(['org_id', 'subject_ref', 'created_at'])
    .execute();
  await db.schema
    .createIndex('verification_org_created')
    .on('verification')
    .columns(['org_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('verification_result_expires_at')
    .on('verification')
    .column('result_expires_at')
    .execute();

  await db.schema
    .createTable('verification_blob')
    .addColumn('verification_id', 'text', (c) => c.notNull().references('verification.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('sealed', bytes, (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('verification_blob_pk', ['verification_id', 'role'])
    .execute();
  await db.schema.createIndex('verification_blob_expires_at').on('verification_blob').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('verification_blob').execute();
  await db.schema.dropTable('verification').execute();
}
