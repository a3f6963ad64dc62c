import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('app')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('domains', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('decision_far', 'text', (c) =>
      c
        .notNull()
        .defaultTo('1e-4')
        .check(sql`decision_far in ('1e-3', '1e-4', '1e-5', '1e-6')`),
    )
    .addColumn('image_retention_seconds', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('result_retention_seconds', 'bigint', (c) => c.notNull().defaultTo(86400))
    .addColumn('allow_multiple_faces', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('webhook_url', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('app_org_id').on('app').column('org_id').execute();

  await db.schema
    .createTable('api_key')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('app.id'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('live', 'sandbox')`))
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('ip_allowlist', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'revoked')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('replaced_by', 'text', (c) => c.references('api_key.id'))
    .execute();
  await db.schema.createIndex('api_key_app_id').on('api_key').column('app_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_key').execute();
  await db.schema.dropTable('app').execute();
}
