import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperatorRole } from '@visage/core';
import { dialectNames } from '@visage/storage/testing';
import { consent, fixture, operator, startTestPlatform, type TestPlatform } from '../testing/test-platform.js';

const password = 'a long enough passphrase';
const fauci1 = fixture('lfw-anthony-fauci-0001.jpg').toString('base64');
const fauci2 = fixture('lfw-anthony-fauci-0002.jpg').toString('base64');

interface Browser {
  readonly cookie: string;
  readonly csrf: string;
}

type Method = 'GET' | 'POST' | 'PUT';

for (const dialect of dialectNames) {
  describe(`money in the consoles on ${dialect}`, () => {
    let t: TestPlatform;
    beforeAll(async () => {
      t = await startTestPlatform({ dialect });
    });
    afterAll(() => t.close());

    async function send(method: Method, url: string, options: { as?: Browser; body?: unknown; csrf?: null } = {}) {
      const csrf = options.csrf === null ? undefined : options.as?.csrf;
      const response = await t.platform.app.inject({
        method,
        url,
        headers: {
          ...(options.as ? { cookie: options.as.cookie } : {}),
          ...(csrf ? { 'x-csrf-token': csrf } : {}),
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
      });
      const isJson = String(response.headers['content-type'] ?? '').startsWith('application/json');
      return {
        status: response.statusCode,
        // Bodies are checked field by field against the schemas; loosely typed to keep the assertions short.
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        json: (isJson ? response.json() : {}) as Record<string, any> & { error?: { code: string } },
        body: response.body,
        rawPayload: response.rawPayload,
        headers: response.headers,
      };
    }

    let made = 0;
    async function signedInOperator(role: OperatorRole): Promise<Browser> {
      const username = `fin-${role}-${++made}`;
      await t.services.users.createOperator({ username, password, role, actor: operator });
      const response = await t.platform.app.inject({
        method: 'POST',
        url: '/admin/api/session',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ username, password }),
      });
      expect(response.statusCode).toBe(200);
      const token = /visage_admin_session=([^;]+)/.exec(String(response.headers['set-cookie']))![1]!;
      return { cookie: `visage_admin_session=${token}`, csrf: response.json()['csrf_token'] as string };
    }

    async function customer(): Promise<Browser & { orgId: string }> {
      const username = `payer-${++made}`;
      const registered = await t.platform.app.inject({
        method: 'POST',
        url: '/console/api/register',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({
          org_name: `付款公司 ${made}`,
          username,
          email: `${username}@example.com`,
          mobile: '13800000000',
          password,
        }),
      });
      expect(registered.statusCode).toBe(201);
      const signedIn = await t.platform.app.inject({
        method: 'POST',
        url: '/console/api/session',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ username, password }),
      });
      const token = /visage_session=([^;]+)/.exec(String(signedIn.headers['set-cookie']))![1]!;
      return {
        cookie: `visage_session=${token}`,
        csrf: signedIn.json()['csrf_token'] as string,
        orgId: registered.json()['org_id'] as string,
      };
    }

    const kindsIn = async (orgId: string) =>
      (await t.services.notices.inbox(orgId)).notices.map((notice) => notice.kind);

    describe('top-up requests', () => {
      it('files a request, which a finance operator confirms once: the wallet is credited and the customer told', async () => {
        const payer = await customer();
        const finance = await signedInOperator('finance');
        const filed = await send('POST', '/console/api/wallet/topup-requests', {
          as: payer,
          body: { amount_fen: 123_456, reference: '工行 2026-11-30 #88' },
        });
        expect(filed.status).toBe(201);
        expect(filed.json).toEqual({
          id: expect.stringMatching(/^tpr_/),
          org_id: payer.orgId,
          amount_fen: 123_456,
          reference: '工行 2026-11-30 #88',
          status: 'pending',
          created_at: expect.any(String),
          decided_at: null,
          decision_reason: null,
        });
        const id = filed.json['id'] as string;
        expect((await send('GET', '/console/api/wallet/topup-requests', { as: payer })).json).toEqual({
          requests: [filed.json],
        });

        const queue = await send('GET', '/admin/api/topup-requests?status=pending', { as: finance });
        expect(queue.status).toBe(200);
        expect(queue.json['requests']).toContainEqual({
          ...filed.json,
          org_name: `付款公司 ${made - 1}`,
          created_by: expect.stringMatching(/^user:usr_/),
          decided_by: null,
        });

        const reviewer = await signedInOperator('reviewer');
        const forbidden = await send('POST', `/admin/api/topup-requests/${id}/confirmation`, {
          as: reviewer,
          body: {},
        });
        expect(forbidden.status).toBe(403);
        expect(forbidden.json.error?.code).toBe('auth.forbidden');
        expect((await send('GET', '/admin/api/topup-requests', { as: reviewer })).status).toBe(403);
        const noCsrf = await send('POST', `/admin/api/topup-requests/${id}/confirmation`, {
          as: finance,
          body: {},
          csrf: null,
        });
        expect(noCsrf.json.error?.code).toBe('auth.csrf');
        expect(await t.services.wallet.balances(payer.orgId)).toEqual({ cash: 0, bonus: 0, held: 0 });

        // Concurrent confirmations (a double click, two operators): one credit.
        const confirmations = await Promise.all(
          Array.from({ length: 5 }, () =>
            send('POST', `/admin/api/topup-requests/${id}/confirmation`, {
              as: finance,
              body: { reason: 'on the bank statement' },
            }),
          ),
        );
        expect(confirmations.map((each) => each.status).sort()).toEqual([200, 409, 409, 409, 409]);
        const confirmed = confirmations.find((each) => each.status === 200)!;
        expect(confirmed.json).toMatchObject({
          status: 'confirmed',
          decision_reason: 'on the bank statement',
          decided_by: expect.stringMatching(/^operator:fin-finance-/),
        });
        expect(confirmations.find((each) => each.status === 409)!.json.error?.code).toBe('topup.not_pending');
        expect(await t.services.wallet.balances(payer.orgId)).toEqual({ cash: 123_456, bonus: 0, held: 0 });
        expect(await kindsIn(payer.orgId)).toContain('topup.confirmed');

        const period = new Date().toISOString().slice(0, 7);
        const statement = await send('GET', `/admin/api/customers/${payer.orgId}/statement?period=${period}`, {
          as: finance,
        });
        expect(statement.status).toBe(200);
        expect(statement.json).toMatchObject({ org_id: payer.orgId, period, closing: { cash: 123_456 } });
        expect(statement.json['entries']).toEqual([
          expect.objectContaining({ kind: 'topup', reference: '工行 2026-11-30 #88', cash: 123_456 }),
        ]);

        // The same reference cannot be filed again while pending or once credited.
        const again = await send('POST', '/console/api/wallet/topup-requests', {
          as: payer,
          body: { amount_fen: 1, reference: '工行 2026-11-30 #88' },
        });
        expect(again.status).toBe(409);
        expect(again.json.error?.code).toBe('billing.duplicate_reference');
      });

      it('rejects with a reason the customer sees, and refuses bad input', async () => {
        const payer = await customer();
        const finance = await signedInOperator('finance');
        for (const body of [
          { amount_fen: 0, reference: 'R' },
          { amount_fen: 1.5, reference: 'R' },
          { amount_fen: 1_000_000_001, reference: 'R' },
          { amount_fen: 100, reference: '' },
          { amount_fen: 100, reference: 'x'.repeat(65) },
          { amount_fen: 100 },
          { amount_fen: 100, reference: 'R', extra: true },
        ]) {
          const refused = await send('POST', '/console/api/wallet/topup-requests', { as: payer, body });
          expect(refused.status, JSON.stringify(body)).toBe(400);
        }
        const filed = await send('POST', '/console/api/wallet/topup-requests', {
          as: payer,
          body: { amount_fen: 500, reference: 'NO-SUCH-TRANSFER' },
        });
        const id = filed.json['id'] as string;
        const noReason = await send('POST', `/admin/api/topup-requests/${id}/rejection`, { as: finance, body: {} });
        expect(noReason.status).toBe(400);
        const rejected = await send('POST', `/admin/api/topup-requests/${id}/rejection`, {
          as: finance,
          body: { reason: 'No transfer with this reference arrived.' },
        });
        expect(rejected.status).toBe(200);
        expect(rejected.json).toMatchObject({
          status: 'rejected',
          decision_reason: 'No transfer with this reference arrived.',
        });
        const mine = await send('GET', '/console/api/wallet/topup-requests', { as: payer });
        expect(mine.json['requests'][0]).toMatchObject({ status: 'rejected', decision_reason: expect.any(String) });
        expect(await kindsIn(payer.orgId)).toContain('topup.rejected');
        const late = await send('POST', `/admin/api/topup-requests/${id}/confirmation`, { as: finance, body: {} });
        expect(late.json.error?.code).toBe('topup.not_pending');
        const missing = await send('POST', '/admin/api/topup-requests/tpr_nope/confirmation', {
          as: finance,
          body: {},
        });
        expect(missing.status).toBe(404);
        expect(await t.services.wallet.balances(payer.orgId)).toEqual({ cash: 0, bonus: 0, held: 0 });
      });

      it('lets a suspended organisation file a request but not a terminated one', async () => {
        const payer = await customer();
        await t.services.organizations.suspend(payer.orgId, { actor: operator, reason: 'unpaid' });
        const suspended = await send('POST', '/console/api/wallet/topup-requests', {
          as: payer,
          body: { amount_fen: 100, reference: 'PAY-ARREARS' },
        });
        expect(suspended.status).toBe(201);
        await t.services.organizations.terminate(payer.orgId, { actor: operator, reason: 'closed' });
        const terminated = await send('POST', '/console/api/wallet/topup-requests', {
          as: payer,
          body: { amount_fen: 100, reference: 'PAY-2' },
        });
        expect(terminated.status).toBe(403);
        expect(terminated.json.error?.code).toBe('org.suspended');
        expect((await send('GET', '/console/api/wallet/topup-requests', { as: payer })).status).toBe(200);
      });
    });

    describe('bonus, wallet and statement CSV', () => {
      it('grants bonus with a reason (finance.bonus) and tells the customer', async () => {
        const payer = await customer();
        const finance = await signedInOperator('finance');
        const support = await signedInOperator('support');
        const url = `/admin/api/customers/${payer.orgId}/bonus`;
        expect((await send('POST', url, { as: support, body: { amount_fen: 100, reason: 'x' } })).status).toBe(403);
        expect((await send('POST', url, { as: finance, body: { amount_fen: 100 } })).status).toBe(400);
        expect((await send('POST', url, { as: finance, body: { amount_fen: 0, reason: 'x' } })).status).toBe(400);
        const missing = await send('POST', '/admin/api/customers/org_nope/bonus', {
          as: finance,
          body: { amount_fen: 100, reason: 'x' },
        });
        expect(missing.status).toBe(404);
        const granted = await send('POST', url, { as: finance, body: { amount_fen: 2_000, reason: '开业礼金' } });
        expect(granted.status).toBe(200);
        expect(granted.json).toEqual({
          org_id: payer.orgId,
          balances: { cash: 0, bonus: 2_000, held: 0 },
          notified: true,
        });
        expect(await kindsIn(payer.orgId)).toContain('bonus.granted');
        const wallet = await send('GET', `/admin/api/customers/${payer.orgId}/wallet`, { as: finance });
        expect(wallet.json).toEqual({ org_id: payer.orgId, cash: 0, bonus: 2_000, held: 0, alert_threshold_fen: null });
        expect((await send('GET', `/admin/api/customers/${payer.orgId}/wallet`, { as: support })).status).toBe(403);
      });

      it('exports the month’s statement as CSV with a BOM, quoting, exact yuan and running balances', async () => {
        const payer = await customer();
        await t.services.wallet.topUp({
          orgId: payer.orgId,
          amountFen: 10_005,
          reference: 'BANK "1", 工行',
          actor: operator,
        });
        await t.services.wallet.grantBonus({
          orgId: payer.orgId,
          amountFen: 50,
          reason: '=HYPERLINK("x")',
          actor: operator,
        });
        const period = new Date().toISOString().slice(0, 7);
        const csv = await send('GET', `/console/api/wallet/statement.csv?period=${period}`, { as: payer });
        expect(csv.status).toBe(200);
        expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect(csv.headers['content-disposition']).toBe(`attachment; filename="visage-statement-${period}.csv"`);
        expect([...csv.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
        const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
        expect(lines[0]).toBe(
          'created_at,kind,reference,transaction_id,cash_change_yuan,bonus_change_yuan,held_change_yuan,' +
            'cash_balance_yuan,bonus_balance_yuan,held_balance_yuan',
        );
        expect(lines[1]).toMatch(/^\d{4}-\d{2}-01T00:00:00.000Z,opening,,,,,,0.00,0.00,0.00$/);
        expect(lines[2]).toMatch(/^[^,]+,topup,"BANK ""1"", 工行",ltx_[^,]+,100.05,0.00,0.00,100.05,0.00,0.00$/);
        expect(lines[3]).toMatch(/^[^,]+,bonus,"'=HYPERLINK\(""x""\)",ltx_[^,]+,0.00,0.50,0.00,100.05,0.50,0.00$/);
        expect(lines[4]).toMatch(/,closing,,,,,,100.05,0.50,0.00$/);
        expect(lines[5]).toBe('');
        expect((await send('GET', '/console/api/wallet/statement.csv?period=2026-13', { as: payer })).status).toBe(400);
        expect((await send('GET', `/console/api/wallet/statement.csv?period=${period}`)).status).toBe(401);
      });
    });

    describe('prices', () => {
      it('schedules a change (prices.manage) that every customer is told of and sees among the upcoming prices', async () => {
        const payer = await customer();
        const finance = await signedInOperator('finance');
        const reviewer = await signedInOperator('reviewer');
        const change = { product: 'liveness', amount_fen: 30, effective_at: '2099-02-01', reason: 'new model' };
        expect((await send('POST', '/admin/api/prices', { as: reviewer, body: change })).status).toBe(403);
        expect((await send('GET', '/admin/api/prices', { as: reviewer })).status).toBe(403);
        const past = await send('POST', '/admin/api/prices', {
          as: finance,
          body: { ...change, effective_at: '2020-01-01' },
        });
        expect(past.status).toBe(400);
        expect((await send('POST', '/admin/api/prices', { as: finance, body: { ...change, reason: '' } })).status).toBe(
          400,
        );

        const scheduled = await send('POST', '/admin/api/prices', { as: finance, body: change });
        expect(scheduled.status).toBe(201);
        expect(scheduled.json).toEqual({
          price: {
            id: expect.stringMatching(/^prc_/),
            product: 'liveness',
            amount_fen: 30,
            effective_at: '2099-02-01T00:00:00.000Z',
            created_at: expect.any(String),
            created_by: expect.stringMatching(/^operator:fin-finance-/),
          },
          notified: expect.any(Number),
        });
        expect(scheduled.json['notified']).toBeGreaterThanOrEqual(1);
        expect(await kindsIn(payer.orgId)).toContain('price.scheduled');

        const list = await send('GET', '/admin/api/prices', { as: finance });
        expect(list.json['prices'].find((p: { product: string }) => p.product === 'liveness').upcoming).toContainEqual(
          expect.objectContaining({ amount_fen: 30, effective_at: '2099-02-01T00:00:00.000Z' }),
        );
        const seen = await send('GET', '/console/api/prices', { as: payer });
        expect(seen.json['prices'].find((p: { product: string }) => p.product === 'liveness').upcoming).toContainEqual({
          amount_fen: 30,
          effective_at: '2099-02-01T00:00:00.000Z',
        });
      });
    });

    describe('the low-balance alert', () => {
      it('is set by the customer and fires once when a charged call takes cash + bonus below it', async () => {
        const payer = await customer();
        expect((await send('GET', '/console/api/wallet/alert', { as: payer })).json).toEqual({
          threshold_fen: null,
          alerted: false,
        });
        expect((await send('PUT', '/console/api/wallet/alert', { as: payer, body: { threshold_fen: 0 } })).status).toBe(
          400,
        );
        const set = await send('PUT', '/console/api/wallet/alert', { as: payer, body: { threshold_fen: 1_000 } });
        expect(set.json).toEqual({ threshold_fen: 1_000, alerted: false });
        const finance = await signedInOperator('finance');
        expect((await send('GET', `/admin/api/customers/${payer.orgId}/wallet`, { as: finance })).json).toMatchObject({
          alert_threshold_fen: 1_000,
        });
        const off = await send('PUT', '/console/api/wallet/alert', { as: payer, body: { threshold_fen: null } });
        expect(off.json).toEqual({ threshold_fen: null, alerted: false });
      });

      it('tells the organisation once after a live compare call leaves it below the threshold', async () => {
        await t.services.pricing.setPrice({ product: 'compare', amountFen: 40, actor: operator });
        const live = await t.customer({ mode: 'live', cashFen: 1_060 });
        await t.services.balanceAlerts.set({ orgId: live.orgId, thresholdFen: 1_000, actor: operator });
        const lowNotices = async () =>
          (await t.services.notices.inbox(live.orgId)).notices.filter((notice) => notice.kind === 'balance.low');

        const call = () => t.call(live.key, 'POST', '/v1/compare', { image1: fauci1, image2: fauci2, consent });
        expect((await call()).status).toBe(200); // 1020 left
        await t.services.balanceAlerts.idle();
        expect(await lowNotices()).toEqual([]);
        expect((await call()).status).toBe(200); // 980 left
        await t.services.balanceAlerts.idle();
        expect((await call()).status).toBe(200); // 940 left: no second notice
        await t.services.balanceAlerts.idle();
        const notices = await lowNotices();
        expect(notices).toHaveLength(1);
        expect(notices[0]).toMatchObject({ email: true, data: { balance_fen: 980, threshold_fen: 1_000 } });
        expect(await t.services.wallet.balances(live.orgId)).toEqual({ cash: 940, bonus: 0, held: 0 });
      });
    });
  });
}
