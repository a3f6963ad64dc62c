import { sql, type Kysely } from 'kysely';

/**
 * In-site notices (one `notice` row per message, one `notice_inbox` row per recipient organisation), complaints,
 * and the organisation's freeze mark (set by a compromised-account report, cleared by the operator).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notice')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('body', 'text')
    .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('audience', 'text', (c) => c.notNull().check(sql`audience in ('all', 'orgs')`))
    .addColumn('email', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('recipient_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('sent_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notice_kind_created').on('notice').columns(['kind', 'created_at', 'id']).execute();

  await db.schema
    .createTable('notice_inbox')
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('notice_id', 'text', (c) => c.notNull().references('notice.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .addPrimaryKeyConstraint('notice_inbox_pk', ['org_id', 'notice_id'])
    .execute();
  await db.schema
    .createIndex('notice_inbox_org_created')
    .on('notice_inbox')
    .columns(['org_id', 'created_at', 'notice_id'])
    .execute();

  await db.schema
    .createTable('complaint')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('misuse', 'infringement', 'compromised_account')`))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('contact', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('open', 'in_progress', 'resolved', 'dismissed')`),
    )
    .addColumn('froze_org', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('complaint_org_created').on('complaint').columns(['org_id', 'created_at']).execute();
  await db.schema.createIndex('complaint_status_created').on('complaint').columns(['status', 'created_at']).execute();

  await db.schema.alterTable('organization').addColumn('frozen_at', 'text').execute();
  // The console lists an organisation's deletion receipts, newest first.
  await db.schema
    .createIndex('deletion_receipt_org_created')
    .on('deletion_receipt')
    .columns(['org_id', 'created_at', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('deletion_receipt_org_created').execute();
  await db.schema.alterTable('organization').dropColumn('frozen_at').execute();
  await db.schema.dropTable('complaint').execute();
  await db.schema.dropTable('notice_inbox').execute();
  await db.schema.dropTable('notice').execute();
}
