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

type Method = 'GET' | 'POST' | 'DELETE';

for (const dialect of dialectNames) {
  describe(`notices, announcements, complaints and privacy on ${dialect}`, () => {
    let t: TestPlatform;
    beforeAll(async () => {
      t = await startTestPlatform({ dialect, env: { VISAGE_SANDBOX_RATE_PER_SECOND: '1000' } });
    });
    afterAll(() => t.close());

    async function send(method: Method, url: string, options: { as?: Browser; body?: unknown } = {}) {
      const response = await t.platform.app.inject({
        method,
        url,
        headers: {
          ...(options.as ? { cookie: options.as.cookie, 'x-csrf-token': options.as.csrf } : {}),
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
      });
      return {
        status: response.statusCode,
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked by the assertions
        json: (response.body === '' ? {} : response.json()) as Record<string, any> & { error?: { code: string } },
        setCookie: [response.headers['set-cookie'] ?? []].flat().join('\n'),
      };
    }

    let made = 0;
    async function signedInOperator(role: OperatorRole): Promise<Browser> {
      const username = `ops-${role}-${++made}`;
      await t.services.users.createOperator({ username, password, role, actor: operator });
      const response = await send('POST', '/admin/api/session', { body: { username, password } });
      expect(response.status).toBe(200);
      const token = /visage_admin_session=([^;]+)/.exec(response.setCookie)![1]!;
      return { cookie: `visage_admin_session=${token}`, csrf: response.json['csrf_token'] as string };
    }

    async function signIn(username: string): Promise<Browser> {
      const response = await send('POST', '/console/api/session', { body: { username, password } });
      expect(response.status).toBe(200);
      const token = /visage_session=([^;]+)/.exec(response.setCookie)![1]!;
      return { cookie: `visage_session=${token}`, csrf: response.json['csrf_token'] as string };
    }

    async function customer(): Promise<Browser & { orgId: string; username: string }> {
      const username = `cust-${++made}`;
      const registered = await send('POST', '/console/api/register', {
        body: {
          org_name: `客户公司 ${made}`,
          username,
          email: `${username}@example.com`,
          mobile: '13800000000',
          password,
        },
      });
      expect(registered.status).toBe(201);
      return { ...(await signIn(username)), orgId: registered.json['org_id'] as string, username };
    }

    describe('notices', () => {
      it('lists the inbox newest first with the unread count, in either language, and marks notices read', async () => {
        const owner = await customer();
        const other = await customer();
        await t.services.notices.notify({ orgIds: [owner.orgId], kind: 'org.suspended', data: { reason: '欠费' } });
        await new Promise((resolve) => setTimeout(resolve, 5));
        await t.services.notices.notify({
          orgIds: [owner.orgId, other.orgId],
          kind: 'topup.confirmed',
          data: { amount_fen: 12_345 },
        });

        const zh = await send('GET', '/console/api/notices', { as: owner });
        expect(zh.status).toBe(200);
        expect(zh.json).toMatchObject({ unread_count: 2, next_cursor: null });
        expect(zh.json['notices']).toEqual([
          {
            id: expect.stringMatching(/^ntc_/),
            kind: 'topup.confirmed',
            title: '充值已到账',
            body: expect.stringContaining('¥123.45'),
            data: { amount_fen: 12_345 },
            created_at: expect.any(String),
            read_at: null,
          },
          expect.objectContaining({ kind: 'org.suspended', body: expect.stringContaining('原因：欠费') }),
        ]);
        const en = await send('GET', '/console/api/notices?lang=en&limit=1', { as: owner });
        expect(en.json['notices']).toMatchObject([{ title: 'Top-up confirmed' }]);
        const next = await send('GET', `/console/api/notices?lang=en&limit=1&cursor=${en.json['next_cursor']}`, {
          as: owner,
        });
        expect(next.json['notices']).toMatchObject([{ kind: 'org.suspended', title: 'Organisation suspended' }]);
        expect(next.json['next_cursor']).toBeNull();

        const firstId = zh.json['notices'][0].id as string;
        expect(await send('POST', `/console/api/notices/${firstId}/read`, { as: owner })).toMatchObject({
          status: 200,
          json: { unread_count: 1 },
        });
        // The other organisation received the same notice: it marks its own copy, and unknown ids are not found.
        expect((await send('POST', `/console/api/notices/${firstId}/read`, { as: other })).status).toBe(200);
        const notMine = await send('POST', `/console/api/notices/ntc_nope/read`, { as: other });
        expect(notMine).toMatchObject({ status: 404, json: { error: { code: 'notice.not_found' } } });
        expect(await send('POST', '/console/api/notices/read-all', { as: owner })).toMatchObject({
          status: 200,
          json: { unread_count: 0, marked: 1 },
        });
        // Without the CSRF header the write is refused.
        const noCsrf = await t.platform.app.inject({
          method: 'POST',
          url: '/console/api/notices/read-all',
          headers: { cookie: owner.cookie },
        });
        expect(noCsrf.statusCode).toBe(403);
      });

      it('stays readable by a suspended organisation', async () => {
        const owner = await customer();
        await t.services.organizations.suspend(owner.orgId, { actor: operator, reason: 'test' });
        await t.services.notices.notify({ orgIds: [owner.orgId], kind: 'org.suspended', data: { reason: 'test' } });
        const inbox = await send('GET', '/console/api/notices', { as: owner });
        expect(inbox).toMatchObject({ status: 200, json: { unread_count: 1 } });
        expect((await send('POST', '/console/api/notices/read-all', { as: owner })).status).toBe(200);
      });
    });

    describe('announcements', () => {
      it('lets support broadcast to all or to chosen customers, lists what was sent, and refuses finance', async () => {
        const a = await customer();
        const b = await customer();
        const support = await signedInOperator('support');
        // Notices are mailed only to verified addresses: a's owner has confirmed theirs.
        await t.services.database.db
          .updateTable('user_account')
          .set({ email_verified_at: new Date().toISOString() })
          .where('org_id', '=', a.orgId)
          .execute();
        const toOne = await send('POST', '/admin/api/announcements', {
          as: support,
          body: {
            title: '维护通知',
            body: '今晚 02:00 维护。',
            org_ids: [a.orgId],
            email: true,
            reason: 'maintenance',
          },
        });
        expect(toOne.status).toBe(201);
        expect(toOne.json).toMatchObject({
          id: expect.stringMatching(/^ntc_/),
          title: '维护通知',
          audience: 'orgs',
          email: true,
          recipient_count: 1,
          mailed: 1,
          mail_failures: 0,
          sent_by: expect.stringMatching(/^operator:/),
        });
        const toAll = await send('POST', '/admin/api/announcements', {
          as: support,
          body: { title: 'Hello', body: 'Everyone.', email: false },
        });
        expect(toAll.status).toBe(201);
        expect(toAll.json['recipient_count']).toBeGreaterThanOrEqual(2);
        expect(toAll.json['mailed']).toBe(0);

        const inboxA = await send('GET', '/console/api/notices', { as: a });
        expect(inboxA.json['notices'].map((n: { title: string }) => n.title)).toEqual(['Hello', '维护通知']);
        const inboxB = await send('GET', '/console/api/notices', { as: b });
        expect(inboxB.json['notices'].map((n: { title: string }) => n.title)).toEqual(['Hello']);

        const listed = await send('GET', '/admin/api/announcements', { as: support });
        expect(listed.status).toBe(200);
        expect(listed.json['announcements'].slice(0, 2).map((n: { id: string }) => n.id)).toEqual([
          toAll.json['id'],
          toOne.json['id'],
        ]);

        const finance = await signedInOperator('finance');
        const refused = await send('POST', '/admin/api/announcements', {
          as: finance,
          body: { title: 'x', body: 'y', email: false },
        });
        expect(refused).toMatchObject({ status: 403, json: { error: { code: 'auth.forbidden' } } });
        expect((await send('GET', '/admin/api/announcements', { as: finance })).status).toBe(403);
        const blank = await send('POST', '/admin/api/announcements', {
          as: support,
          body: { title: '  ', body: 'y', email: false },
        });
        expect(blank).toMatchObject({ status: 400, json: { error: { code: 'request.invalid' } } });
      });
    });

    describe('complaints', () => {
      it('files an infringement report the customer can follow through the operator’s notes', async () => {
        const owner = await customer();
        const support = await signedInOperator('support');
        const filed = await send('POST', '/console/api/complaints', {
          as: owner,
          body: {
            kind: 'infringement',
            subject: 'Copied app',
            description: 'Someone copied our app.',
            contact: 'a@b.c',
          },
        });
        expect(filed.status).toBe(201);
        expect(filed.json).toMatchObject({
          id: expect.stringMatching(/^cmp_/),
          kind: 'infringement',
          status: 'open',
          froze_org: false,
          signed_out: false,
          notes: [],
        });
        expect(filed.setCookie).toBe('');
        const id = filed.json['id'] as string;

        const queue = await send('GET', '/admin/api/complaints?status=open', { as: support });
        expect(queue.json['complaints'].map((c: { id: string }) => c.id)).toContain(id);
        const noNote = await send('POST', `/admin/api/complaints/${id}`, { as: support, body: { status: 'resolved' } });
        expect(noNote.status).toBe(400);
        const resolved = await send('POST', `/admin/api/complaints/${id}`, {
          as: support,
          body: { status: 'resolved', note: '已下架侵权应用' },
        });
        expect(resolved).toMatchObject({ status: 200, json: { status: 'resolved', unfrozen: false } });
        const again = await send('POST', `/admin/api/complaints/${id}`, {
          as: support,
          body: { status: 'dismissed', note: 'x' },
        });
        expect(again).toMatchObject({ status: 409, json: { error: { code: 'complaint.closed' } } });

        const own = await send('GET', '/console/api/complaints', { as: owner });
        expect(own.json['complaints']).toMatchObject([
          { id, status: 'resolved', notes: [{ status: 'resolved', note: '已下架侵权应用' }] },
        ]);
        expect(own.json['complaints'][0].notes[0].actor).toBeUndefined();
        const inbox = await send('GET', '/console/api/notices', { as: owner });
        expect(inbox.json['notices'][0]).toMatchObject({ kind: 'complaint.updated', data: { complaint_id: id } });
        const reviewer = await signedInOperator('reviewer');
        expect((await send('GET', '/admin/api/complaints', { as: reviewer })).status).toBe(403);
        const audited = await t.services.database.db
          .selectFrom('audit_log')
          .select(['action', 'actor', 'reason'])
          .where('subject', '=', id)
          .orderBy('seq')
          .execute();
        expect(audited.map((entry) => entry.action)).toEqual(['complaint.file', 'complaint.update']);
        expect(audited[1]).toMatchObject({ actor: expect.stringMatching(/^operator:/), reason: '已下架侵权应用' });
      });

      it('freezes the organisation on a compromised-account report: live keys stop, sandbox works, sessions end', async () => {
        const owner = await customer();
        await t.services.organizations.certify(owner.orgId, { actor: operator });
        const app = await t.services.apps.create({ orgId: owner.orgId, name: 'Shop', actor: operator });
        const live = await t.services.keys.create({ orgId: owner.orgId, appId: app.id, mode: 'live', actor: operator });
        const sandbox = await t.services.keys.create({
          orgId: owner.orgId,
          appId: app.id,
          mode: 'sandbox',
          actor: operator,
        });
        const liveKey = { keyId: live.keyId, secret: live.secret };
        const sandboxKey = { keyId: sandbox.keyId, secret: sandbox.secret };
        const before = await t.call(liveKey, 'GET', '/v1/verifications/ver_nope');
        expect(before.json['error']).toMatchObject({ code: 'verification.not_found' });
        const secondSession = await signIn(owner.username);

        const filed = await send('POST', '/console/api/complaints', {
          as: owner,
          body: { kind: 'compromised_account', subject: 'Password leaked', description: 'Phished.' },
        });
        expect(filed.status).toBe(201);
        expect(filed.json).toMatchObject({ froze_org: true, signed_out: true });
        expect(filed.setCookie).toMatch(/visage_session=;/);

        const refused = await t.call(liveKey, 'GET', '/v1/verifications/ver_nope');
        expect(refused.status).toBe(403);
        expect(refused.json['error']).toMatchObject({ code: 'org.frozen' });
        const sandboxWorks = await t.call(sandboxKey, 'POST', '/v1/consents', consent);
        expect(sandboxWorks.status).toBe(200);
        for (const session of [owner, secondSession]) {
          const gone = await send('GET', '/console/api/notices', { as: session });
          expect(gone).toMatchObject({ status: 401, json: { error: { code: 'auth.required' } } });
        }

        // Signing in is refused until the operator has reviewed the report (after the password check: a wrong
        // password still gets the usual answer), and the refusal is not a failed attempt; a reset can be requested.
        const wrong = await send('POST', '/console/api/session', {
          body: { username: owner.username, password: 'not the password' },
        });
        expect(wrong).toMatchObject({ status: 401, json: { error: { code: 'auth.invalid_credentials' } } });
        for (let attempt = 0; attempt < 6; attempt++) {
          const frozenSignIn = await send('POST', '/console/api/session', {
            body: { username: owner.username, password },
          });
          expect(frozenSignIn).toMatchObject({ status: 403, json: { error: { code: 'org.frozen' } } });
          expect(frozenSignIn.setCookie).toBe('');
        }
        const reset = await send('POST', '/console/api/password-reset', {
          body: { username_or_email: owner.username },
        });
        expect(reset.status).toBe(202);
        const frozenOrg = await t.services.organizations.get(owner.orgId);
        expect(frozenOrg.frozenAt).toEqual(expect.any(String));

        const support = await signedInOperator('support');
        const id = filed.json['id'] as string;
        const detail = await send('GET', `/admin/api/complaints/${id}`, { as: support });
        expect(detail.json).toMatchObject({ org_id: owner.orgId, kind: 'compromised_account', froze_org: true });
        const progress = await send('POST', `/admin/api/complaints/${id}`, {
          as: support,
          body: { status: 'in_progress', note: 'Checking sign-ins' },
        });
        expect(progress.json).toMatchObject({ status: 'in_progress', unfrozen: false });
        expect((await t.call(liveKey, 'GET', '/v1/verifications/ver_nope')).status).toBe(403);
        const resolved = await send('POST', `/admin/api/complaints/${id}`, {
          as: support,
          body: { status: 'resolved', note: 'Password changed, keys rotated' },
        });
        expect(resolved.json).toMatchObject({ status: 'resolved', unfrozen: true });
        const after = await t.call(liveKey, 'GET', '/v1/verifications/ver_nope');
        expect(after.json['error']).toMatchObject({ code: 'verification.not_found' });
        // Once resolved, signing in works again; the customer sees the freeze in the inbox.
        const back = await signIn(owner.username);
        expect((await send('GET', '/console/api/organization', { as: back })).json['frozen_at']).toBeNull();
        const inbox = await send('GET', '/console/api/notices?lang=en', { as: back });
        expect(inbox.json['notices']).toEqual(
          expect.arrayContaining([expect.objectContaining({ kind: 'org.frozen', title: 'Organisation frozen' })]),
        );
      });
    });

    describe('privacy', () => {
      it('erases by verification id or subject_ref across the organisation’s apps, lists receipts, counts consents', async () => {
        const owner = await customer();
        const shop = await t.services.apps.create({ orgId: owner.orgId, name: 'Shop', actor: operator });
        const bank = await t.services.apps.create({ orgId: owner.orgId, name: 'Bank', actor: operator });
        const keyOf = async (appId: string) => {
          const issued = await t.services.keys.create({ orgId: owner.orgId, appId, mode: 'sandbox', actor: operator });
          return { keyId: issued.keyId, secret: issued.secret };
        };
        const shopKey = await keyOf(shop.id);
        const bankKey = await keyOf(bank.id);
        const created = await t.call(shopKey, 'POST', '/v1/verifications', {
          selfie: fauci1,
          comparison: { type: 'reference', image: fauci2 },
          consent: { ...consent, subject_ref: 'person-1' },
        });
        expect(created.status).toBe(200);
        for (const key of [shopKey, bankKey, bankKey]) {
          expect((await t.call(key, 'POST', '/v1/consents', { ...consent, subject_ref: 'person-2' })).status).toBe(200);
        }

        const summary = await send('GET', '/console/api/consents/summary', { as: owner });
        expect(summary.status).toBe(200);
        expect(summary.json['total']).toBe(4);
        const month = new Date().toISOString().slice(0, 7);
        expect(summary.json['months']).toEqual(
          expect.arrayContaining([
            { app_id: shop.id, app_name: 'Shop', month, count: 2 },
            { app_id: bank.id, app_name: 'Bank', month, count: 2 },
          ]),
        );

        const byId = await send('POST', '/console/api/deletion-requests', {
          as: owner,
          body: { verification_id: created.json['id'] },
        });
        expect(byId.status).toBe(201);
        expect(byId.json).toMatchObject({
          receipt_id: expect.stringMatching(/^del_/),
          scope: 'verification',
          target: created.json['id'],
          actor: expect.stringMatching(/^user:/),
        });
        const other = await customer();
        const notTheirs = await send('POST', '/console/api/deletion-requests', {
          as: other,
          body: { verification_id: created.json['id'] },
        });
        expect(notTheirs).toMatchObject({ status: 404, json: { error: { code: 'verification.not_found' } } });

        const bySubject = await send('POST', '/console/api/deletion-requests', {
          as: owner,
          body: { subject_ref: 'person-2' },
        });
        expect(bySubject.status).toBe(201);
        expect(bySubject.json).toMatchObject({ scope: 'subject', erased: { consents: 3 } });
        expect(bySubject.json['target']).not.toContain('person-2');
        const both = await send('POST', '/console/api/deletion-requests', {
          as: owner,
          body: { subject_ref: 'x', verification_id: 'y' },
        });
        expect(both.status).toBe(400);

        const receipts = await send('GET', '/console/api/deletion-receipts?limit=1', { as: owner });
        expect(receipts.json['receipts'].map((r: { receipt_id: string }) => r.receipt_id)).toEqual([
          bySubject.json['receipt_id'],
        ]);
        const rest = await send('GET', `/console/api/deletion-receipts?cursor=${receipts.json['next_cursor']}`, {
          as: owner,
        });
        expect(rest.json).toMatchObject({ receipts: [{ receipt_id: byId.json['receipt_id'] }], next_cursor: null });
        expect((await send('GET', '/console/api/consents/summary', { as: owner })).json['total']).toBe(1);
      });
    });
  });
}
