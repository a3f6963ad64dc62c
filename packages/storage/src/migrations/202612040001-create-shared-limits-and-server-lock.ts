import type { Kysely } from 'kysely';

/**
 * Request limits shared by several server processes on PostgreSQL (docs/operations.md, "Where shared state lives"),
 * and the lock that keeps a second server process off an SQLite data directory. Both tables exist on both dialects;
 * each is used by one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Token buckets: tokens left at `updated_ms` (milliseconds of the database's clock).
  await db.schema
    .createTable('limit_bucket')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('tokens', 'double precision', (c) => c.notNull())
    .addColumn('updated_ms', 'bigint', (c) => c.notNull())
    .execute();
  // Concurrency slots: slot `n` of `key` is held until `expires_ms`; a process killed mid-request leaks nothing.
  await db.schema
    .createTable('limit_slot')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('limit_slot_pk', ['key', 'n'])
    .execute();
  await db.schema.createIndex('limit_slot_expires').on('limit_slot').column('expires_ms').execute();
  // Rolling windows (sign-in, password-reset and registration throttles, the capture page): one row per request.
  await db.schema
    .createTable('limit_hit')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('at_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('limit_hit_pk', ['key', 'id'])
    .execute();
  await db.schema.createIndex('limit_hit_key_at').on('limit_hit').columns(['key', 'at_ms']).execute();
  await db.schema.createIndex('limit_hit_at').on('limit_hit').column('at_ms').execute();
  // One row: the server process that holds an SQLite data directory, and when it last said so.
  await db.schema
    .createTable('server_lock')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('heartbeat_ms', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('server_lock').execute();
  await db.schema.dropTable('limit_hit').execute();
  await db.schema.dropTable('limit_slot').execute();
  await db.schema.dropTable('limit_bucket').execute();
}
