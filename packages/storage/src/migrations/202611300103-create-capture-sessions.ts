import { PostgresAdapter, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
  await db.schema
    .createTable('capture_session')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('sandbox', 'integer', (c) => c.notNull())
    /** The caller's policy at creation (decision FAR, retention, multiple faces), as JSON. */
    .addColumn('caller_json', 'text', (c) => c.notNull())
    .addColumn('liveness', 'text', (c) => c.notNull())
    .addColumn('challenges', 'text', (c) => c.notNull())
    .addColumn('subject_ref', 'text')
    .addColumn('biz_no', 'text')
    .addColumn('return_url', 'text', (c) => c.notNull())
    .addColumn('notify_url', 'text')
    .addColumn('locale', 'text')
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('attempts_used', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('token_used_at', 'text')
    .addColumn('page_token_hash', 'text', (c) => c.unique())
    .addColumn('reference_sealed', bytes)
    .addColumn('consent_id', 'text')
    .addColumn('current_attempt_id', 'text')
    .addColumn('result_sealed', bytes)
    .addColumn('result_expires_at', 'text')
    .addColumn('call_id', 'text')
    .execute();
  await db.schema
    .createIndex('capture_session_status_expires')
    .on('capture_session')
    .columns(['status', 'expires_at'])
    .execute();
  await db.schema
    .createIndex('capture_session_result_expires')
    .on('capture_session')
    .column('result_expires_at')
    .execute();

  await db.schema
    .createTable('capture_attempt')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('capture_session.id'))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .addColumn('outcome', 'text')
    .execute();
  await db.schema.createIndex('capture_attempt_session').on('capture_attempt').column('session_id').execute();

  // A frame's analysis (landmarks, pose, template: sealed), never the image; deleted when its attempt ends.
  await db.schema
    .createTable('capture_frame')
    .addColumn('attempt_id', 'text', (c) => c.notNull().references('capture_attempt.id'))
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('frame_index', 'integer', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('captured_at_ms', 'integer', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('analysis_sealed', bytes, (c) => c.notNull())
    .addPrimaryKeyConstraint('capture_frame_pk', ['attempt_id', 'step', 'frame_index'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('capture_frame').execute();
  await db.schema.dropTable('capture_attempt').execute();
  await db.schema.dropTable('capture_session').execute();
}
