import { sql, type Kysely } from 'kysely';

// A customer's top-up request waits for the operator, who confirms (the ledger is credited under the request's bank
// reference) or rejects it; the status leaves 'pending' once, by a conditional update. An organisation's low-balance
// alert is one row: the threshold it set and when the alert last fired (null: armed).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('topup_request')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'confirmed', 'rejected')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decision_reason', 'text')
    .execute();
  await db.schema
    .createIndex('topup_request_org_id_created_at')
    .on('topup_request')
    .columns(['org_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('topup_request_status_created_at')
    .on('topup_request')
    .columns(['status', 'created_at'])
    .execute();
  // One live (pending or confirmed) request per organisation and bank reference, even under concurrent requests; a
  // rejected one leaves the reference free again.
  await db.schema
    .createIndex('topup_request_live_reference')
    .on('topup_request')
    .columns(['org_id', 'reference'])
    .unique()
    .where(sql<boolean>`status in ('pending', 'confirmed')`)
    .execute();

  await db.schema
    .createTable('balance_alert')
    .addColumn('org_id', 'text', (c) => c.primaryKey())
    .addColumn('threshold_fen', 'bigint', (c) => c.check(sql`threshold_fen > 0`))
    .addColumn('alerted_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('balance_alert').execute();
  await db.schema.dropTable('topup_request').execute();
}
