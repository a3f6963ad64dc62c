import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The outbox: one row per event, written in the transaction that finished its subject, with its delivery state.
  await db.schema
    .createTable('webhook_event')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull().references('app.id'))
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('live', 'sandbox')`))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    // The verification or capture session the event is about (payload.id): its erasure blanks the payload.
    .addColumn('subject_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'delivered', 'failed', 'no_endpoint')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    // When the event became due (written, or resent): retries stop 72 h after it.
    .addColumn('due_since', 'text', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_token', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('delivered_at', 'text')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('webhook_event_due').on('webhook_event').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('webhook_event_subject').on('webhook_event').column('subject_id').execute();
  await db.schema
    .createIndex('webhook_event_app_created')
    .on('webhook_event')
    .columns(['app_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('webhook_delivery_attempt')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('webhook_event.id'))
    .addColumn('attempted_at', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('response_snippet', 'text')
    .execute();
  await db.schema
    .createIndex('webhook_delivery_attempt_event')
    .on('webhook_delivery_attempt')
    .columns(['event_id', 'attempted_at'])
    .execute();

  await db.schema
    .createTable('webhook_secret')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('app.id'))
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .execute();
  await db.schema.createIndex('webhook_secret_app').on('webhook_secret').column('app_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webhook_secret').execute();
  await db.schema.dropTable('webhook_delivery_attempt').execute();
  await db.schema.dropTable('webhook_event').execute();
}
