import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('user_account').addColumn('email_verified_at', 'text').execute();
  // Password reset looks accounts up by email, ignoring case.
  await db.schema
    .createIndex('user_account_email_lower')
    .on('user_account')
    .expression(sql`lower(email)`)
    .execute();

  await db.schema
    .createTable('account_token')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('user_account.id'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('email_verification', 'password_reset')`))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema
    .createIndex('account_token_user_purpose')
    .on('account_token')
    .columns(['user_id', 'purpose', 'created_at'])
    .execute();
  await db.schema.createIndex('account_token_expires_at').on('account_token').column('expires_at').execute();

  await db.schema
    .createTable('mail_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body_text', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('outbox', 'sent', 'failed')`))
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema.createIndex('mail_outbox_created').on('mail_outbox').columns(['created_at', 'id']).execute();
  await db.schema
    .createIndex('mail_outbox_purpose_created')
    .on('mail_outbox')
    .columns(['purpose', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('mail_outbox').execute();
  await db.schema.dropTable('account_token').execute();
  await db.schema.dropIndex('user_account_email_lower').execute();
  await db.schema.alterTable('user_account').dropColumn('email_verified_at').execute();
}
