import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Where the event goes when it is not the app's webhook URL (a capture session's notify_url), fixed when the event
  // is written; null: the app's webhook URL at delivery time (docs/webhooks.md).
  await db.schema.alterTable('webhook_event').addColumn('target_url', 'text').execute();
  // The attempt a completion is deciding (and charging) right now, and until when that claim holds: expiry, cancel
  // and the page's "unsupported" leave such a session alone, so a charged decision is never overwritten.
  await db.schema.alterTable('capture_session').addColumn('deciding_attempt_id', 'text').execute();
  await db.schema.alterTable('capture_session').addColumn('deciding_until', 'text').execute();
  await db.schema
    .createIndex('capture_session_org_subject')
    .on('capture_session')
    .columns(['org_id', 'subject_ref'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('capture_session_org_subject').execute();
  await db.schema.alterTable('capture_session').dropColumn('deciding_until').execute();
  await db.schema.alterTable('capture_session').dropColumn('deciding_attempt_id').execute();
  await db.schema.alterTable('webhook_event').dropColumn('target_url').execute();
}
