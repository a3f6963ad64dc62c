import { PostgresAdapter, sql, type Kysely } from 'kysely';

// The database itself refuses a negative organisation balance and a second top-up with the same reference; the
// repository checks both first so that callers get a domain error, and these constraints hold if it ever does not.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ledger_account')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('balance', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addCheckConstraint('ledger_account_org_balance_not_negative', sql`org_id is null or balance >= 0`)
    .execute();
  await db.schema.createIndex('ledger_account_org_id').on('ledger_account').column('org_id').execute();

  await db.schema
    .createTable('reservation')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('cash', 'bigint', (c) => c.notNull().check(sql`cash >= 0`))
    .addColumn('bonus', 'bigint', (c) => c.notNull().check(sql`bonus >= 0`))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('settled_at', 'text')
    .execute();
  await db.schema
    .createIndex('reservation_status_created_at')
    .on('reservation')
    .columns(['status', 'created_at'])
    .execute();

  // `seq` orders the journal as it was written (timestamps can tie); the database numbers it on either dialect.
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('ledger_transaction')
    .addColumn('seq', postgres ? 'bigint' : 'integer', (c) =>
      postgres ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('reference', 'text')
    .addColumn('reservation_id', 'text', (c) => c.references('reservation.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ledger_transaction_org_id_created_at')
    .on('ledger_transaction')
    .columns(['org_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('ledger_transaction_topup_reference')
    .on('ledger_transaction')
    .columns(['org_id', 'reference'])
    .unique()
    .where(sql.ref('kind'), '=', 'topup')
    .execute();

  await db.schema
    .createTable('ledger_posting')
    .addColumn('transaction_id', 'text', (c) => c.notNull().references('ledger_transaction.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('ledger_account.id'))
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount <> 0`))
    .addPrimaryKeyConstraint('ledger_posting_pk', ['transaction_id', 'account_id'])
    .execute();
  await db.schema.createIndex('ledger_posting_account_id').on('ledger_posting').column('account_id').execute();

  // The platform's side of every transaction; its accounts exist from the start (the org accounts appear on use).
  const createdAt = new Date().toISOString();
  for (const kind of ['topups', 'grants', 'revenue']) {
    const id = `platform:${kind}`;
    const values = sql`(${id}, ${kind}, 0, ${createdAt})`;
    await sql`insert into ledger_account (id, kind, balance, created_at) values ${values}`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ledger_posting').execute();
  await db.schema.dropTable('ledger_transaction').execute();
  await db.schema.dropTable('reservation').execute();
  await db.schema.dropTable('ledger_account').execute();
}
