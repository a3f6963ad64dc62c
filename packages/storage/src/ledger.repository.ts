import {
  DomainError,
  zeroBalances,
  type Balances,
  type Clock,
  type LedgerEntry,
  type LedgerRepository,
  type LedgerTransaction,
  type OrgAccount,
  type Posting,
  type Reservation,
} from '@visage/core';
import type { Selectable, Transaction } from 'kysely';
import type { VisageDatabase } from './database.js';
import type { ReservationTable } from './ledger.table.js';
import type { Database } from './schema.js';

const orgAccounts: readonly OrgAccount[] = ['bonus', 'cash', 'held'];
const isOrgAccount = (account: string): account is OrgAccount => (orgAccounts as readonly string[]).includes(account);
const accountId = (orgId: string, account: Posting['account']) =>
  isOrgAccount(account) ? `${orgId}:${account}` : account;

/**
 * The ledger's writes inside a caller's database transaction, shared by the ledger repository and by writers that
 * change their own rows in the same transaction as a ledger entry (a confirmed top-up request). On PostgreSQL,
 * writers of one organisation queue on its account rows (SELECT … FOR NO KEY UPDATE, then conditional updates);
 * SQLite runs one transaction at a time.
 */
export function ledgerWrites({ dialect }: Pick<VisageDatabase, 'dialect'>) {
  /** Creates the organisation's accounts if missing and reads their balances, locked until the transaction ends. */
  async function lockBalances(trx: Transaction<Database>, orgId: string, createdAt: string): Promise<Balances> {
    await trx
      .insertInto('ledger_account')
      .values(
        orgAccounts.map((kind) => ({
          id: accountId(orgId, kind),
          org_id: orgId,
          kind,
          balance: 0,
          created_at: createdAt,
        })),
      )
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    let query = trx.selectFrom('ledger_account').select(['kind', 'balance']).where('org_id', '=', orgId).orderBy('id');
    if (dialect.rowLocks) query = query.forNoKeyUpdate();
    return toBalances(await query.execute());
  }

  /**
   * Moves the balances and stores the journal transaction; an org account that would go negative aborts it all.
   * The balances move first: the journal row is numbered only once this writer holds the organisation's rows, so
   * the journal's order is the order in which the organisation's balances changed.
   */
  async function store(trx: Transaction<Database>, transaction: LedgerTransaction): Promise<void> {
    if (transaction.postings.reduce((sum, posting) => sum + posting.amount, 0) !== 0) {
      throw new RangeError(`ledger transaction ${transaction.id} does not balance`);
    }
    // Every writer updates accounts in one order (the organisation's, then the platform's, each by id), so that
    // concurrent transactions queue on the rows instead of deadlocking.
    const ordered = [...transaction.postings].sort(
      (a, b) => Number(isOrgAccount(b.account)) - Number(isOrgAccount(a.account)) || (a.account < b.account ? -1 : 1),
    );
    for (const { account, amount } of ordered) {
      const guarded = isOrgAccount(account) && amount < 0;
      let update = trx
        .updateTable('ledger_account')
        .set((eb) => ({ balance: eb('balance', '+', amount) }))
        .where('id', '=', accountId(transaction.orgId, account));
      if (guarded) update = update.where('balance', '>=', -amount);
      const { numUpdatedRows } = await update.executeTakeFirst();
      if (Number(numUpdatedRows) === 1) continue;
      if (guarded) throw new DomainError('billing.insufficient_balance', { required_fen: -amount });
      throw new Error(`ledger account ${accountId(transaction.orgId, account)} does not exist`);
    }
    await trx
      .insertInto('ledger_transaction')
      .values({
        id: transaction.id,
        kind: transaction.kind,
        org_id: transaction.orgId,
        reference: transaction.reference,
        reservation_id: transaction.reservationId,
        created_at: transaction.createdAt,
        created_by: transaction.createdBy,
      })
      .execute();
    await trx
      .insertInto('ledger_posting')
      .values(
        transaction.postings.map((posting) => ({
          transaction_id: transaction.id,
          account_id: accountId(transaction.orgId, posting.account),
          amount: posting.amount,
        })),
      )
      .execute();
  }

  /**
   * Stores a top-up or grant; the organisation's balances must already be locked by `lockBalances` in `trx`.
   * A top-up whose reference the organisation already used: 'billing.duplicate_reference'.
   */
  async function appendLocked(trx: Transaction<Database>, transaction: LedgerTransaction): Promise<void> {
    if (transaction.kind === 'topup' && transaction.reference !== null) {
      // Checked under the organisation's lock, so a concurrent top-up with the same reference sees this one.
      const earlier = await trx
        .selectFrom('ledger_transaction')
        .select('id')
        .where('org_id', '=', transaction.orgId)
        .where('kind', '=', 'topup')
        .where('reference', '=', transaction.reference)
        .executeTakeFirst();
      if (earlier) throw new DomainError('billing.duplicate_reference', { reference: transaction.reference });
    }
    await store(trx, transaction);
  }

  return { lockBalances, store, appendLocked };
}

/**
 * The ledger on both dialects. Every write runs in one database transaction (see `ledgerWrites` for the locking).
 * Balances are also guarded by the schema: an organisation account cannot go negative.
 */
export function createLedgerRepository(database: VisageDatabase, clock: Clock): LedgerRepository {
  const { db } = database;
  const writes = ledgerWrites(database);
  const lockBalances = (trx: Transaction<Database>, orgId: string) =>
    writes.lockBalances(trx, orgId, clock.now().toISOString());
  const { store } = writes;

  return {
    append(transaction) {
      return db.transaction().execute(async (trx) => {
        await lockBalances(trx, transaction.orgId);
        await writes.appendLocked(trx, transaction);
      });
    },

    reserve(orgId, plan) {
      return db.transaction().execute(async (trx) => {
        const { reservation, transaction } = plan(await lockBalances(trx, orgId));
        await trx
          .insertInto('reservation')
          .values({
            id: reservation.id,
            org_id: reservation.orgId,
            cash: reservation.cash,
            bonus: reservation.bonus,
            status: reservation.status,
            reference: reservation.reference,
            created_at: reservation.createdAt,
            settled_at: reservation.settledAt,
          })
          .execute();
        if (transaction) await store(trx, transaction);
        return reservation;
      });
    },

    settle(reservationId, status, settledAt, transaction) {
      return db.transaction().execute(async (trx) => {
        // The status moves once: of a concurrent post and void, the second finds it no longer held.
        const { numUpdatedRows } = await trx
          .updateTable('reservation')
          .set({ status, settled_at: settledAt })
          .where('id', '=', reservationId)
          .where('status', '=', 'held')
          .executeTakeFirst();
        if (Number(numUpdatedRows) === 1 && transaction) await store(trx, transaction);
        const row = await trx
          .selectFrom('reservation')
          .selectAll()
          .where('id', '=', reservationId)
          .executeTakeFirstOrThrow();
        return fromReservationRow(row);
      });
    },

    async findReservation(id) {
      const row = await db.selectFrom('reservation').selectAll().where('id', '=', id).executeTakeFirst();
      return row && fromReservationRow(row);
    },

    async heldCreatedBefore(createdBefore, limit) {
      const rows = await db
        .selectFrom('reservation')
        .select('id')
        .where('status', '=', 'held')
        .where('created_at', '<', createdBefore)
        .orderBy('created_at')
        .limit(limit)
        .execute();
      return rows.map((row) => row.id);
    },

    async balances(orgId, before) {
      if (before === undefined) {
        return toBalances(
          await db.selectFrom('ledger_account').select(['kind', 'balance']).where('org_id', '=', orgId).execute(),
        );
      }
      const rows = await db
        .selectFrom('ledger_posting as p')
        .innerJoin('ledger_transaction as t', 't.id', 'p.transaction_id')
        .innerJoin('ledger_account as a', 'a.id', 'p.account_id')
        .select((eb) => ['a.kind', eb.fn.sum<number | string>('p.amount').as('balance')])
        .where('t.org_id', '=', orgId)
        .where('a.org_id', '=', orgId)
        .where('t.created_at', '<', before)
        .groupBy('a.kind')
        .execute();
      return toBalances(rows);
    },

    async entries(orgId, from, to) {
      const rows = await db
        .selectFrom('ledger_transaction as t')
        .innerJoin('ledger_posting as p', 'p.transaction_id', 't.id')
        .innerJoin('ledger_account as a', 'a.id', 'p.account_id')
        .select(['t.id', 't.kind', 't.reference', 't.reservation_id', 't.created_at', 'a.kind as account', 'p.amount'])
        .where('t.org_id', '=', orgId)
        .where('a.org_id', '=', orgId)
        .where('t.created_at', '>=', from)
        .where('t.created_at', '<', to)
        .orderBy('t.seq')
        .execute();
      const entries = new Map<string, LedgerEntry>();
      for (const row of rows) {
        const entry = entries.get(row.id) ?? {
          transactionId: row.id,
          kind: row.kind as LedgerEntry['kind'],
          reference: row.reference,
          reservationId: row.reservation_id,
          createdAt: row.created_at,
          ...zeroBalances,
        };
        entries.set(row.id, { ...entry, [row.account]: Number(row.amount) });
      }
      return [...entries.values()];
    },
  };
}

/** PostgreSQL returns SUM over bigint as a numeric string; both dialects' values become numbers here. */
function toBalances(rows: readonly { kind: string; balance: number | string | null }[]): Balances {
  const balances: Record<OrgAccount, number> = { ...zeroBalances };
  for (const { kind, balance } of rows) {
    if (isOrgAccount(kind)) balances[kind] = Number(balance ?? 0);
  }
  return balances;
}

function fromReservationRow(row: Selectable<ReservationTable>): Reservation {
  return {
    id: row.id,
    orgId: row.org_id,
    cash: Number(row.cash),
    bonus: Number(row.bonus),
    reference: row.reference,
    status: row.status as Reservation['status'],
    createdAt: row.created_at,
    settledAt: row.settled_at,
  };
}
