import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('agreement_version')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull().unique())
    .addColumn('terms_text', 'text', (c) => c.notNull())
    .addColumn('terms_sha256', 'text', (c) => c.notNull())
    .addColumn('dpa_text', 'text', (c) => c.notNull())
    .addColumn('dpa_sha256', 'text', (c) => c.notNull())
    .addColumn('effective_at', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('published_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('agreement_acceptance')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organization.id'))
    .addColumn('agreement_id', 'text', (c) => c.notNull().references('agreement_version.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('user_account.id'))
    .addColumn('accepted_at', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('terms_sha256', 'text', (c) => c.notNull())
    .addColumn('dpa_sha256', 'text', (c) => c.notNull())
    .addUniqueConstraint('agreement_acceptance_org_agreement', ['org_id', 'agreement_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('agreement_acceptance').execute();
  await db.schema.dropTable('agreement_version').execute();
}
