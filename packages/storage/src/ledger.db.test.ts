import { createHash, randomBytes } from 'node:crypto';
import { createAuditLog, createWallet, DomainError, type Wallet } from '@visage/core';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLogRepository } from './audit-log.repository.js';
import type { VisageDatabase } from './database.js';
import { createLedgerRepository } from './ledger.repository.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';

const crypto = {
  sha256Hex: (text: string) => createHash('sha256').update(text).digest('hex'),
  randomId: (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`,
};
const operator = 'operator:alice';

const codeOf = (error: unknown) => (error instanceof DomainError ? error.code : error);
const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, codeOf);

/** What must hold after any sequence of wallet operations, checked against the raw tables. */
async function expectLedgerInvariants({ db }: VisageDatabase): Promise<void> {
  const accounts = await db.selectFrom('ledger_account').selectAll().execute();
  const postings = await db
    .selectFrom('ledger_posting as p')
    .innerJoin('ledger_transaction as t', 't.id', 'p.transaction_id')
    .select(['p.transaction_id', 'p.account_id', 'p.amount', 't.kind'])
    .execute();
  const reservations = await db.selectFrom('reservation').selectAll().execute();
  const sum = (values: number[]) => values.reduce((total, value) => total + Number(value), 0);

  expect(sum(accounts.map((account) => account.balance))).toBe(0);
  expect(accounts.filter((account) => account.org_id !== null && Number(account.balance) < 0)).toEqual([]);

  const transactions = await db.selectFrom('ledger_transaction').select('id').execute();
  for (const { id } of transactions) {
    const lines = postings.filter((posting) => posting.transaction_id === id);
    expect({ id, lines: lines.length >= 2, sum: sum(lines.map((line) => line.amount)) }).toEqual({
      id,
      lines: true,
      sum: 0,
    });
  }
  expect(new Set(postings.map((posting) => posting.transaction_id)).size).toBe(transactions.length);
  for (const account of accounts) {
    const posted = sum(
      postings.filter((posting) => posting.account_id === account.id).map((posting) => posting.amount),
    );
    expect({ account: account.id, balance: Number(account.balance) }).toEqual({ account: account.id, balance: posted });
  }

  for (const orgId of new Set(accounts.flatMap((account) => (account.org_id ? [account.org_id] : [])))) {
    const balance = (kind: string) => Number(accounts.find((account) => account.id === `${orgId}:${kind}`)?.balance);
    const credited = (kind: string, account: string) =>
      sum(postings.filter((p) => p.kind === kind && p.account_id === `${orgId}:${account}`).map((p) => p.amount));
    const reserved = (status: string) =>
      sum(
        reservations
          .filter((reservation) => reservation.org_id === orgId && reservation.status === status)
          .map((reservation) => Number(reservation.cash) + Number(reservation.bonus)),
      );
    expect({ orgId, wallet: balance('cash') + balance('bonus'), held: balance('held') }).toEqual({
      orgId,
      wallet: credited('topup', 'cash') + credited('bonus', 'bonus') - reserved('posted') - reserved('held'),
      held: reserved('held'),
    });
  }
}

for (const dialect of dialectNames) {
  describe(`wallet and ledger on ${dialect}`, () => {
    let database: VisageDatabase;
    let wallet: Wallet;
    let now: Date;
    const clock = { now: () => now };
    const at = (iso: string) => (now = new Date(iso));

    beforeEach(async () => {
      at('2026-11-29T09:00:00Z');
      database = await freshDatabase(dialect);
      const audit = createAuditLog({ repository: createAuditLogRepository(database), clock, crypto });
      wallet = createWallet({ ledger: createLedgerRepository(database, clock), clock, crypto, audit });
    });
    afterEach(() => database.destroy());

    const revenue = async () =>
      Number(
        (
          await database.db
            .selectFrom('ledger_account')
            .select('balance')
            .where('id', '=', 'platform:revenue')
            .executeTakeFirstOrThrow()
        ).balance,
      );

    it('credits top-ups to cash and grants to bonus, and audits both', async () => {
      expect(await wallet.balances('org_a')).toEqual({ cash: 0, bonus: 0, held: 0 });
      await wallet.topUp({ orgId: 'org_a', amountFen: 10_000, reference: ' BANK-1 ', actor: operator });
      await wallet.grantBonus({ orgId: 'org_a', amountFen: 500, reason: 'launch offer', actor: operator });
      expect(await wallet.balances('org_a')).toEqual({ cash: 10_000, bonus: 500, held: 0 });
      expect(await wallet.balances('org_b')).toEqual({ cash: 0, bonus: 0, held: 0 });

      const audited = await createAuditLogRepository(database).listAfter(0, 10);
      expect(audited.map(({ action, subject, data }) => ({ action, subject, amount: data?.['amount_fen'] }))).toEqual([
        { action: 'wallet.topup', subject: 'org_a', amount: 10_000 },
        { action: 'wallet.bonus_grant', subject: 'org_a', amount: 500 },
      ]);
      expect(audited[0]?.data?.['reference']).toBe('BANK-1');
      await expectLedgerInvariants(database);
    });

    it('credits a top-up reference once per organisation, even when sent concurrently', async () => {
      await wallet.topUp({ orgId: 'org_a', amountFen: 100, reference: 'BANK-1', actor: operator });
      expect(
        await rejection(wallet.topUp({ orgId: 'org_a', amountFen: 100, reference: 'BANK-1', actor: operator })),
      ).toBe('billing.duplicate_reference');
      await wallet.topUp({ orgId: 'org_b', amountFen: 100, reference: 'BANK-1', actor: operator });

      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () =>
          rejection(wallet.topUp({ orgId: 'org_a', amountFen: 7, reference: 'BANK-2', actor: operator })),
        ),
      );
      expect(outcomes.filter((outcome) => outcome === undefined)).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === 'billing.duplicate_reference')).toHaveLength(9);
      expect(await wallet.balances('org_a')).toEqual({ cash: 107, bonus: 0, held: 0 });
      await expectLedgerInvariants(database);
    });

    it('refuses amounts that are not positive whole fen', async () => {
      for (const amountFen of [0, -5, 2.5]) {
        expect(
          await rejection(wallet.topUp({ orgId: 'org_a', amountFen, reference: `R${amountFen}`, actor: operator })),
        ).toBe('billing.invalid_amount');
        expect(await rejection(wallet.grantBonus({ orgId: 'org_a', amountFen, reason: 'x', actor: operator }))).toBe(
          'billing.invalid_amount',
        );
      }
      expect(await rejection(wallet.reserve({ orgId: 'org_a', amountFen: -1, reference: 'call_1' }))).toBe(
        'billing.invalid_amount',
      );
      expect(await rejection(wallet.topUp({ orgId: 'org_a', amountFen: 1, reference: '  ', actor: operator }))).toBe(
        'request.invalid',
      );
      expect(await wallet.balances('org_a')).toEqual({ cash: 0, bonus: 0, held: 0 });
    });

    it('reserves bonus first, then posts the charge to revenue', async () => {
      await wallet.topUp({ orgId: 'org_a', amountFen: 100, reference: 'BANK-1', actor: operator });
      await wallet.grantBonus({ orgId: 'org_a', amountFen: 30, reason: 'welcome', actor: operator });

      const reservation = await wallet.reserve({ orgId: 'org_a', amountFen: 50, reference: 'call_1' });
      expect(reservation).toMatchObject({ orgId: 'org_a', bonus: 30, cash: 20, status: 'held', reference: 'call_1' });
      expect(await wallet.balances('org_a')).toEqual({ cash: 80, bonus: 0, held: 50 });

      expect(await wallet.post(reservation.id)).toMatchObject({ status: 'posted', settledAt: now.toISOString() });
      expect(await wallet.balances('org_a')).toEqual({ cash: 80, bonus: 0, held: 0 });
      expect(await revenue()).toBe(50);

      // Settling again changes nothing, whichever way it is asked.
      expect((await wallet.post(reservation.id)).status).toBe('posted');
      expect((await wallet.void(reservation.id)).status).toBe('posted');
      expect(await wallet.balances('org_a')).toEqual({ cash: 80, bonus: 0, held: 0 });
      await expectLedgerInvariants(database);
    });

    it('voids a reservation back into the balances it came from', async () => {
      await wallet.topUp({ orgId: 'org_a', amountFen: 100, reference: 'BANK-1', actor: operator });
      await wallet.grantBonus({ orgId: 'org_a', amountFen: 30, reason: 'welcome', actor: operator });
      const reservation = await wallet.reserve({ orgId: 'org_a', amountFen: 50, reference: 'call_1' });

      expect((await wallet.void(reservation.id)).status).toBe('voided');
      expect(await wallet.balances('org_a')).toEqual({ cash: 100, bonus: 30, held: 0 });
      expect((await wallet.post(reservation.id)).status).toBe('voided');
      expect(await revenue()).toBe(0);
      await expectLedgerInvariants(database);
    });

    it('refuses a reservation the balances cannot cover, and stores nothing for it', async () => {
      await wallet.topUp({ orgId: 'org_a', amountFen: 6, reference: 'BANK-1', actor: operator });
      await wallet.grantBonus({ orgId: 'org_a', amountFen: 3, reason: 'welcome', actor: operator });
      expect(await rejection(wallet.reserve({ orgId: 'org_a', amountFen: 10, reference: 'call_1' }))).toBe(
        'billing.insufficient_balance',
      );
      expect(await rejection(wallet.reserve({ orgId: 'org_new', amountFen: 1, reference: 'call_2' }))).toBe(
        'billing.insufficient_balance',
      );
      expect(await wallet.balances('org_a')).toEqual({ cash: 6, bonus: 3, held: 0 });
      expect(await database.db.selectFrom('reservation').selectAll().execute()).toEqual([]);
      await expectLedgerInvariants(database);
    });

    it('keeps a zero-price reservation without moving money, even on an empty wallet', async () => {
      const reservation = await wallet.reserve({ orgId: 'org_a', amountFen: 0, reference: 'call_free' });
      expect(reservation).toMatchObject({ cash: 0, bonus: 0, status: 'held' });
      expect((await wallet.post(reservation.id)).status).toBe('posted');
      expect(await database.db.selectFrom('ledger_transaction').selectAll().execute()).toEqual([]);
      expect(await wallet.balances('org_a')).toEqual({ cash: 0, bonus: 0, held: 0 });
    });

    it('fails loudly when asked to settle a reservation that does not exist', async () => {
      await expect(wallet.post('rsv_missing')).rejects.toThrow(RangeError);
    });

    it('voids reservations a crash left held, and only those older than the cut-off', async () => {
      await wallet.topUp({ orgId: 'org_a', amountFen: 100, reference: 'BANK-1', actor: operator });
      const abandoned = await wallet.reserve({ orgId: 'org_a', amountFen: 40, reference: 'call_crashed' });
      const posted = await wallet.reserve({ orgId: 'org_a', amountFen: 10, reference: 'call_done' });
      await wallet.post(posted.id);
      at('2026-11-29T09:10:00Z');
      const recent = await wallet.reserve({ orgId: 'org_a', amountFen: 5, reference: 'call_running' });

      expect(await wallet.voidStale(new Date('2026-11-29T09:05:00Z'))).toBe(1);
      expect((await wallet.post(abandoned.id)).status).toBe('voided');
      expect((await wallet.post(recent.id)).status).toBe('posted');
      expect(await wallet.balances('org_a')).toEqual({ cash: 85, bonus: 0, held: 0 });
      expect(await wallet.voidStale(new Date('2026-11-29T10:00:00Z'))).toBe(0);
      await expectLedgerInvariants(database);
    });

    it('reports a month: its entries per balance, and opening and closing balances that agree with them', async () => {
      at('2026-11-05T10:00:00Z');
      await wallet.topUp({ orgId: 'org_a', amountFen: 1000, reference: 'BANK-1', actor: operator });
      await wallet.topUp({ orgId: 'org_other', amountFen: 999, reference: 'BANK-1', actor: operator });
      at('2026-11-10T10:00:00Z');
      await wallet.grantBonus({ orgId: 'org_a', amountFen: 200, reason: 'welcome', actor: operator });
      at('2026-11-20T10:00:00Z');
      const charged = await wallet.reserve({ orgId: 'org_a', amountFen: 300, reference: 'call_1' });
      await wallet.post(charged.id);
      at('2026-11-30T23:59:59.999Z');
      const spanning = await wallet.reserve({ orgId: 'org_a', amountFen: 50, reference: 'call_2' });
      at('2026-12-01T00:00:00Z');
      await wallet.void(spanning.id);
      at('2026-12-02T08:00:00Z');
      await wallet.topUp({ orgId: 'org_a', amountFen: 500, reference: 'BANK-2', actor: operator });

      const november = await wallet.statement('org_a', '2026-11');
      expect(november.opening).toEqual({ cash: 0, bonus: 0, held: 0 });
      expect(
        november.entries.map(({ kind, cash, bonus, held, reference }) => ({ kind, cash, bonus, held, reference })),
      ).toEqual([
        { kind: 'topup', cash: 1000, bonus: 0, held: 0, reference: 'BANK-1' },
        { kind: 'bonus', cash: 0, bonus: 200, held: 0, reference: 'welcome' },
        { kind: 'reserve', cash: -100, bonus: -200, held: 300, reference: 'call_1' },
        { kind: 'post', cash: 0, bonus: 0, held: -300, reference: 'call_1' },
        { kind: 'reserve', cash: -50, bonus: 0, held: 50, reference: 'call_2' },
      ]);
      expect(november.entries[2]?.reservationId).toBe(charged.id);
      expect(november.entries[0]?.createdAt).toBe('2026-11-05T10:00:00.000Z');
      expect(november.closing).toEqual({ cash: 850, bonus: 0, held: 50 });

      const december = await wallet.statement('org_a', '2026-12');
      expect(december.opening).toEqual(november.closing);
      expect(december.entries.map((entry) => entry.kind)).toEqual(['void', 'topup']);
      expect(december.closing).toEqual({ cash: 1400, bonus: 0, held: 0 });
      expect(december.closing).toEqual(await wallet.balances('org_a'));

      for (const statement of [november, december]) {
        const moved = (kind: 'cash' | 'bonus' | 'held') =>
          statement.entries.reduce((total, entry) => total + entry[kind], statement.opening[kind]);
        expect({ cash: moved('cash'), bonus: moved('bonus'), held: moved('held') }).toEqual(statement.closing);
      }
      expect((await wallet.statement('org_a', '2026-10')).entries).toEqual([]);
      expect(await rejection(wallet.statement('org_a', '2026-13'))).toBe('request.invalid');
      await expectLedgerInvariants(database);
    });

    it('lets the schema itself refuse a negative organisation balance', async () => {
      await wallet.topUp({ orgId: 'org_a', amountFen: 5, reference: 'BANK-1', actor: operator });
      await expect(
        sql`update ledger_account set balance = -1 where id = ${'org_a:cash'}`.execute(database.db),
      ).rejects.toThrow();
      await sql`update ledger_account set balance = balance - 5 where id = ${'platform:revenue'}`.execute(database.db);
      expect(await revenue()).toBe(-5);
    });

    it('has invariant checks that notice a balance moved outside the ledger', async () => {
      await wallet.topUp({ orgId: 'org_a', amountFen: 5, reference: 'BANK-1', actor: operator });
      await expectLedgerInvariants(database);
      await sql`update ledger_account set balance = 4 where id = ${'org_a:cash'}`.execute(database.db);
      await expect(expectLedgerInvariants(database)).rejects.toThrow();
    });

    it('charges exactly what the wallet holds when 200 calls race for it', async () => {
      await wallet.topUp({ orgId: 'org_a', amountFen: 700, reference: 'BANK-1', actor: operator });
      await wallet.grantBonus({ orgId: 'org_a', amountFen: 300, reason: 'welcome', actor: operator });

      const outcomes = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          rejection(
            (async () => {
              const reservation = await wallet.reserve({ orgId: 'org_a', amountFen: 10, reference: `call_${i}` });
              await wallet.post(reservation.id);
            })(),
          ),
        ),
      );
      expect(outcomes.filter((outcome) => outcome === undefined)).toHaveLength(100);
      expect(outcomes.filter((outcome) => outcome === 'billing.insufficient_balance')).toHaveLength(100);
      expect(await wallet.balances('org_a')).toEqual({ cash: 0, bonus: 0, held: 0 });
      expect(await revenue()).toBe(1000);
      await expectLedgerInvariants(database);
    });

    it('settles a reservation once when a post and a void race for it', async () => {
      await wallet.topUp({ orgId: 'org_a', amountFen: 1000, reference: 'BANK-1', actor: operator });
      await wallet.grantBonus({ orgId: 'org_a', amountFen: 100, reason: 'welcome', actor: operator });
      const reservations = await Promise.all(
        Array.from({ length: 20 }, (_, i) => wallet.reserve({ orgId: 'org_a', amountFen: 30, reference: `call_${i}` })),
      );

      const races = await Promise.all(
        reservations.map((reservation) => Promise.all([wallet.post(reservation.id), wallet.void(reservation.id)])),
      );
      for (const [afterPost, afterVoid] of races) expect(afterPost.status).toBe(afterVoid.status);

      const settlements = await database.db
        .selectFrom('ledger_transaction')
        .select(['reservation_id', 'kind'])
        .where('kind', 'in', ['post', 'void'])
        .execute();
      expect(settlements).toHaveLength(20);
      for (const [settled] of races) {
        const kinds = settlements.filter((row) => row.reservation_id === settled.id).map((row) => row.kind);
        expect(kinds).toEqual([settled.status === 'posted' ? 'post' : 'void']);
      }
      const posted = races.filter(([settled]) => settled.status === 'posted').length;
      expect(await revenue()).toBe(30 * posted);
      const { cash, bonus, held } = await wallet.balances('org_a');
      expect({ wallet: cash + bonus, held }).toEqual({ wallet: 1100 - 30 * posted, held: 0 });
      await expectLedgerInvariants(database);
    });
  });
}
