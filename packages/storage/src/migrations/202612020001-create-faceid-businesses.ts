import type { Kysely } from 'kysely';

/** The FaceID-compatible API's record beside each capture session it opened (docs/compat-faceid.md). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('faceid_business')
    .addColumn('session_id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('sandbox', 'integer', (c) => c.notNull())
    .addColumn('flow', 'text', (c) => c.notNull())
    .addColumn('biz_no', 'text')
    .addColumn('biz_extra_data', 'text')
    .addColumn('notify_url', 'text')
    .addColumn('comparison_type', 'integer', (c) => c.notNull())
    .addColumn('reads', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('readable_until', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('faceid_business_biz_no')
    .on('faceid_business')
    .columns(['org_id', 'sandbox', 'biz_no', 'created_at'])
    .execute();
  await db.schema
    .createIndex('faceid_business_readable_until')
    .on('faceid_business')
    .column('readable_until')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('faceid_business').execute();
}
