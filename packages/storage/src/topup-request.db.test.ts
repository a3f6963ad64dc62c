import { createHash, randomBytes } from 'node:crypto';
import {
  createAuditLog,
  createBalanceAlerts,
  createTopupRequests,
  createWallet,
  DomainError,
  type BalanceAlerts,
  type NoticeRequest,
  type TopupRequests,
  type Wallet,
} from '@visage/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLogRepository } from './audit-log.repository.js';
import { createBalanceAlertRepository } from './balance-alert.repository.js';
import type { VisageDatabase } from './database.js';
import { createLedgerRepository } from './ledger.repository.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';
import { createTopupRequestRepository } from './topup-request.repository.js';

const crypto = {
  sha256Hex: (text: string) => createHash('sha256').update(text).digest('hex'),
  randomId: (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`,
};
const operator = 'operator:finn';
const customer = 'user:usr_1';

const codeOf = (error: unknown) => (error instanceof DomainError ? error.code : error);
const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, codeOf);

for (const dialect of dialectNames) {
  describe(`top-up requests and low-balance alerts on ${dialect}`, () => {
    let database: VisageDatabase;
    let wallet: Wallet;
    let topups: TopupRequests;
    let alerts: BalanceAlerts;
    let sent: NoticeRequest[];
    let failNotices: boolean;
    let now: Date;
    const clock = { now: () => now };

    beforeEach(async () => {
      now = new Date('2026-11-30T09:00:00Z');
      sent = [];
      failNotices = false;
      database = await freshDatabase(dialect);
      const audit = createAuditLog({ repository: createAuditLogRepository(database), clock, crypto });
      const notices = {
        notify: async (request: NoticeRequest) => {
          if (failNotices) throw new Error('inbox unavailable');
          sent.push(request);
          return { count: 1 };
        },
      };
      const ledger = createLedgerRepository(database, clock);
      alerts = createBalanceAlerts({
        repo: createBalanceAlertRepository(database),
        balances: (orgId) => ledger.balances(orgId),
        notices,
        clock,
        audit,
      });
      wallet = createWallet({ ledger, clock, crypto, audit, watcher: alerts });
      topups = createTopupRequests({
        repo: createTopupRequestRepository(database),
        wallet,
        notices,
        clock,
        crypto,
        audit,
      });
    });
    afterEach(async () => {
      await alerts.idle();
      await database.destroy();
    });

    it('files a request, confirms it once (crediting cash under the bank reference) and tells the customer', async () => {
      const filed = await topups.request({
        orgId: 'org_a',
        amountFen: 50_000,
        reference: ' TX-0001 ',
        actor: customer,
      });
      expect(filed).toMatchObject({ orgId: 'org_a', amountFen: 50_000, reference: 'TX-0001', status: 'pending' });
      expect(await wallet.balances('org_a')).toEqual({ cash: 0, bonus: 0, held: 0 });
      expect(await topups.listForOrg('org_a')).toEqual([filed]);
      expect(await topups.listForOrg('org_b')).toEqual([]);
      expect((await topups.list({ status: 'pending' })).map((r) => r.id)).toEqual([filed.id]);

      now = new Date('2026-11-30T10:00:00Z');
      const confirmed = await topups.confirm({ id: filed.id, actor: operator, reason: 'seen on the bank statement' });
      expect(confirmed).toMatchObject({
        status: 'confirmed',
        decidedBy: operator,
        decidedAt: '2026-11-30T10:00:00.000Z',
        decisionReason: 'seen on the bank statement',
      });
      expect(await wallet.balances('org_a')).toEqual({ cash: 50_000, bonus: 0, held: 0 });
      const statement = await wallet.statement('org_a', '2026-11');
      expect(statement.entries.map(({ kind, reference, cash }) => ({ kind, reference, cash }))).toEqual([
        { kind: 'topup', reference: 'TX-0001', cash: 50_000 },
      ]);
      expect(sent).toEqual([
        {
          orgIds: ['org_a'],
          kind: 'topup.confirmed',
          data: { topup_request_id: filed.id, amount_fen: 50_000, reference: 'TX-0001' },
          email: true,
        },
      ]);
      expect(await rejection(topups.confirm({ id: filed.id, actor: operator }))).toBe('topup.not_pending');
      expect(await rejection(topups.reject({ id: filed.id, actor: operator, reason: 'no' }))).toBe('topup.not_pending');
      expect(await wallet.balances('org_a')).toEqual({ cash: 50_000, bonus: 0, held: 0 });
      const actions = (await createAuditLogRepository(database).listAfter(0, 20)).map((entry) => entry.action);
      expect(actions).toEqual(['topup.request', 'wallet.topup', 'topup.confirm']);
    });

    it('credits exactly once under concurrent confirmations, and a rejection racing them changes nothing', async () => {
      const filed = await topups.request({ orgId: 'org_a', amountFen: 700, reference: 'TX-RACE', actor: customer });
      const outcomes = await Promise.all([
        ...Array.from({ length: 8 }, () => rejection(topups.confirm({ id: filed.id, actor: operator }))),
        rejection(topups.reject({ id: filed.id, actor: operator, reason: 'duplicate' })),
      ]);
      expect(outcomes.filter((outcome) => outcome === undefined)).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === 'topup.not_pending')).toHaveLength(8);
      const final = await topups.get(filed.id);
      const credited = final.status === 'confirmed' ? 700 : 0;
      expect(await wallet.balances('org_a')).toEqual({ cash: credited, bonus: 0, held: 0 });
      const topupRows = await database.db
        .selectFrom('ledger_transaction')
        .select('id')
        .where('kind', '=', 'topup')
        .execute();
      expect(topupRows).toHaveLength(credited === 0 ? 0 : 1);
    });

    it('rejects with a reason, which the customer is told; the reference can then be used again', async () => {
      const filed = await topups.request({ orgId: 'org_a', amountFen: 100, reference: 'TX-9', actor: customer });
      expect(await rejection(topups.reject({ id: filed.id, actor: operator, reason: '  ' }))).toBe('request.invalid');
      const rejected = await topups.reject({ id: filed.id, actor: operator, reason: 'no such transfer' });
      expect(rejected).toMatchObject({ status: 'rejected', decisionReason: 'no such transfer' });
      expect(sent.map((notice) => [notice.kind, notice.data?.['reason']])).toEqual([
        ['topup.rejected', 'no such transfer'],
      ]);
      expect(await wallet.balances('org_a')).toEqual({ cash: 0, bonus: 0, held: 0 });
      const again = await topups.request({ orgId: 'org_a', amountFen: 1000, reference: 'TX-9', actor: customer });
      expect(again.status).toBe('pending');
    });

    it('refuses bad amounts, bad references and a reference already pending or credited', async () => {
      for (const amountFen of [0, -1, 1.5, 1_000_000_001]) {
        expect(await rejection(topups.request({ orgId: 'org_a', amountFen, reference: 'R', actor: customer }))).toBe(
          'request.invalid',
        );
      }
      for (const reference of ['', '   ', 'x'.repeat(65)]) {
        expect(await rejection(topups.request({ orgId: 'org_a', amountFen: 1, reference, actor: customer }))).toBe(
          'request.invalid',
        );
      }
      await topups.request({ orgId: 'org_a', amountFen: 1, reference: 'TX-1', actor: customer });
      expect(
        await rejection(topups.request({ orgId: 'org_a', amountFen: 2, reference: 'TX-1', actor: customer })),
      ).toBe('billing.duplicate_reference');
      await topups.request({ orgId: 'org_b', amountFen: 2, reference: 'TX-1', actor: customer });
      expect(await rejection(topups.get('tpr_missing'))).toBe('topup.not_found');
      expect(await rejection(topups.confirm({ id: 'tpr_missing', actor: operator }))).toBe('topup.not_found');
    });

    it('puts a confirmation back to pending when the reference was already credited by other means', async () => {
      const filed = await topups.request({ orgId: 'org_a', amountFen: 300, reference: 'TX-CLI', actor: customer });
      await wallet.topUp({ orgId: 'org_a', amountFen: 300, reference: 'TX-CLI', actor: 'operator:cli' });
      expect(await rejection(topups.confirm({ id: filed.id, actor: operator }))).toBe('billing.duplicate_reference');
      expect((await topups.get(filed.id)).status).toBe('pending');
      expect(await wallet.balances('org_a')).toEqual({ cash: 300, bonus: 0, held: 0 });
      await topups.reject({ id: filed.id, actor: operator, reason: 'already credited from the CLI' });
    });

    it('files a reference once under concurrent requests (the unique index of live requests decides)', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          rejection(topups.request({ orgId: 'org_a', amountFen: 100 + i, reference: 'TX-SAME', actor: customer })),
        ),
      );
      expect(outcomes.filter((outcome) => outcome === undefined)).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === 'billing.duplicate_reference')).toHaveLength(7);
      const rows = await database.db.selectFrom('topup_request').select(['id', 'status']).execute();
      expect(rows).toHaveLength(1);
      // Once rejected, the reference is free again; a different organisation has its own references.
      await topups.reject({ id: rows[0]!.id, actor: operator, reason: 'wrong amount' });
      await topups.request({ orgId: 'org_a', amountFen: 100, reference: 'TX-SAME', actor: customer });
      await topups.request({ orgId: 'org_b', amountFen: 100, reference: 'TX-SAME', actor: customer });
      await expect(
        database.db
          .insertInto('topup_request')
          .values({
            id: 'tpr_raw',
            org_id: 'org_a',
            amount_fen: 1,
            reference: 'TX-SAME',
            status: 'pending',
            created_at: now.toISOString(),
            created_by: customer,
          })
          .execute(),
      ).rejects.toThrow();
    });

    it('confirms and credits in one transaction: a failed credit leaves the request pending', async () => {
      const filed = await topups.request({ orgId: 'org_a', amountFen: 400, reference: 'TX-ATOM', actor: customer });
      const repo = createTopupRequestRepository(database);
      const decision = {
        status: 'confirmed' as const,
        decidedAt: now.toISOString(),
        decidedBy: operator,
        reason: null,
      };
      // A credit that cannot be stored (it does not balance): the status update rolls back with it.
      const unbalanced = {
        ...wallet.prepareTopUp({ orgId: 'org_a', amountFen: 400, reference: 'TX-ATOM', actor: operator }),
        postings: [{ account: 'cash' as const, amount: 400 }],
      };
      await expect(repo.confirmWithCredit(filed.id, decision, unbalanced)).rejects.toThrow(RangeError);
      expect((await topups.get(filed.id)).status).toBe('pending');
      expect(await wallet.balances('org_a')).toEqual({ cash: 0, bonus: 0, held: 0 });
      const credit = wallet.prepareTopUp({ orgId: 'org_a', amountFen: 400, reference: 'TX-ATOM', actor: operator });
      expect(await repo.confirmWithCredit(filed.id, decision, credit)).toBe(true);
      expect(await repo.confirmWithCredit(filed.id, decision, credit)).toBe(false);
      expect((await topups.get(filed.id)).status).toBe('confirmed');
      expect(await wallet.balances('org_a')).toEqual({ cash: 400, bonus: 0, held: 0 });
    });

    it('keeps a confirmation that was credited even when what follows the commit fails', async () => {
      const filed = await topups.request({ orgId: 'org_a', amountFen: 250, reference: 'TX-AFTER', actor: customer });
      const failing = createTopupRequests({
        repo: createTopupRequestRepository(database),
        wallet: {
          prepareTopUp: wallet.prepareTopUp,
          toppedUp: async () => {
            throw new Error('audit log unavailable');
          },
        },
        notices: { notify: async () => ({ count: 0 }) },
        clock,
        crypto,
        audit: { record: async () => undefined },
      });
      await expect(failing.confirm({ id: filed.id, actor: operator })).rejects.toThrow('audit log unavailable');
      // Confirmed if and only if credited: never pending with the money moved (a retry would be refused forever).
      expect((await topups.get(filed.id)).status).toBe('confirmed');
      expect(await wallet.balances('org_a')).toEqual({ cash: 250, bonus: 0, held: 0 });
      expect(await rejection(topups.confirm({ id: filed.id, actor: operator }))).toBe('topup.not_pending');
    });

    it('credits once when a confirmation races a direct top-up with the same reference', async () => {
      const filed = await topups.request({ orgId: 'org_a', amountFen: 600, reference: 'TX-BOTH', actor: customer });
      const outcomes = await Promise.all([
        rejection(topups.confirm({ id: filed.id, actor: operator })),
        rejection(wallet.topUp({ orgId: 'org_a', amountFen: 600, reference: 'TX-BOTH', actor: 'operator:cli' })),
      ]);
      expect(outcomes.filter((outcome) => outcome === undefined)).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === 'billing.duplicate_reference')).toHaveLength(1);
      expect(await wallet.balances('org_a')).toEqual({ cash: 600, bonus: 0, held: 0 });
      expect((await topups.get(filed.id)).status).toBe(outcomes[0] === undefined ? 'confirmed' : 'pending');
    });

    it('still confirms when the notice cannot be sent', async () => {
      failNotices = true;
      const filed = await topups.request({ orgId: 'org_a', amountFen: 300, reference: 'TX-N', actor: customer });
      expect((await topups.confirm({ id: filed.id, actor: operator })).status).toBe('confirmed');
      expect(await wallet.balances('org_a')).toEqual({ cash: 300, bonus: 0, held: 0 });
    });

    describe('the low-balance alert', () => {
      async function charge(orgId: string, amountFen: number) {
        const reservation = await wallet.reserve({
          orgId,
          amountFen,
          reference: `call_${randomBytes(4).toString('hex')}`,
        });
        await wallet.post(reservation.id);
        await alerts.idle();
      }
      const lowNotices = () => sent.filter((notice) => notice.kind === 'balance.low');

      it('sends one notice with email when a charge takes cash + bonus below the threshold, then re-arms', async () => {
        await wallet.topUp({ orgId: 'org_a', amountFen: 1000, reference: 'TX-1', actor: operator });
        await wallet.grantBonus({ orgId: 'org_a', amountFen: 100, reason: 'welcome', actor: operator });
        expect(await alerts.get('org_a')).toEqual({ orgId: 'org_a', thresholdFen: null, alertedAt: null });
        await alerts.set({ orgId: 'org_a', thresholdFen: 500, actor: customer });
        expect((await alerts.get('org_a')).thresholdFen).toBe(500);

        await charge('org_a', 500); // 600 left: at or above
        expect(lowNotices()).toEqual([]);
        await charge('org_a', 101); // 499 left
        expect(lowNotices()).toEqual([
          { orgIds: ['org_a'], kind: 'balance.low', data: { balance_fen: 499, threshold_fen: 500 }, email: true },
        ]);
        await charge('org_a', 100);
        await charge('org_a', 100);
        expect(lowNotices()).toHaveLength(1);
        expect((await alerts.get('org_a')).alertedAt).not.toBeNull();

        await wallet.topUp({ orgId: 'org_a', amountFen: 201, reference: 'TX-2', actor: operator }); // 500: re-armed
        await alerts.idle();
        expect((await alerts.get('org_a')).alertedAt).toBeNull();
        expect(lowNotices()).toHaveLength(1);
        await charge('org_a', 1);
        expect(lowNotices()).toHaveLength(2);
        expect(lowNotices()[1]?.data).toEqual({ balance_fen: 499, threshold_fen: 500 });
      });

      it('fires once under concurrent charges, not for organisations without a threshold, and not after clearing it', async () => {
        await wallet.topUp({ orgId: 'org_a', amountFen: 1000, reference: 'TX-1', actor: operator });
        await wallet.topUp({ orgId: 'org_b', amountFen: 1000, reference: 'TX-1', actor: operator });
        await alerts.set({ orgId: 'org_a', thresholdFen: 900, actor: customer });
        const reservations = await Promise.all(
          Array.from({ length: 6 }, (_, i) => wallet.reserve({ orgId: 'org_a', amountFen: 50, reference: `c${i}` })),
        );
        await Promise.all(reservations.map((reservation) => wallet.post(reservation.id)));
        await alerts.idle();
        expect(lowNotices()).toHaveLength(1);

        await charge('org_b', 999);
        expect(lowNotices()).toHaveLength(1);

        await alerts.set({ orgId: 'org_a', thresholdFen: null, actor: customer });
        await charge('org_a', 10);
        expect(lowNotices()).toHaveLength(1);
        expect(await rejection(alerts.set({ orgId: 'org_a', thresholdFen: 0, actor: customer }))).toBe(
          'request.invalid',
        );
      });

      it('never fails or un-charges the call when the notice fails, and tries again on the next charge', async () => {
        await wallet.topUp({ orgId: 'org_a', amountFen: 1000, reference: 'TX-1', actor: operator });
        await alerts.set({ orgId: 'org_a', thresholdFen: 900, actor: customer });
        failNotices = true;
        await charge('org_a', 200);
        expect(await wallet.balances('org_a')).toEqual({ cash: 800, bonus: 0, held: 0 });
        expect((await alerts.get('org_a')).alertedAt).toBeNull();
        failNotices = false;
        await charge('org_a', 1);
        expect(lowNotices()).toHaveLength(1);
      });
    });
  });
}
