import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OperatorRole } from '@visage/core';
import { dialectNames } from '@visage/storage/testing';
import { consent, operator, startTestPlatform, type TestPlatform } from '../testing/test-platform.js';

const password = 'a long enough passphrase';

interface Browser {
  readonly token: string;
  readonly csrf: string;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

for (const dialect of dialectNames) {
  describe(`the admin API on ${dialect}`, () => {
    let t: TestPlatform;
    beforeAll(async () => {
      t = await startTestPlatform({ dialect, env: { VISAGE_SANDBOX_RATE_PER_SECOND: '1000' } });
    });
    afterAll(() => t.close());

    async function send(
      method: Method,
      url: string,
      options: { as?: Browser; cookie?: string; csrf?: string | null; body?: unknown } = {},
    ) {
      const csrf = options.csrf === undefined ? options.as?.csrf : options.csrf;
      const cookie = options.cookie ?? (options.as ? `visage_admin_session=${options.as.token}` : undefined);
      const response = await t.platform.app.inject({
        method,
        url,
        headers: {
          ...(cookie ? { cookie } : {}),
          ...(csrf ? { 'x-csrf-token': csrf } : {}),
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
      });
      return {
        status: response.statusCode,
        // The bodies are checked by value below; a loose type keeps the assertions readable.
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        json: (response.body === '' ? {} : response.json()) as Record<string, any> & { error?: { code: string } },
        setCookie: [response.headers['set-cookie'] ?? []].flat().join('\n'),
      };
    }

    let made = 0;
    async function operatorAccount(role: OperatorRole): Promise<string> {
      const username = `ops-${role}-${++made}`;
      await t.services.users.createOperator({ username, password, role, actor: operator });
      return username;
    }

    async function signIn(username: string): Promise<Browser> {
      const response = await send('POST', '/admin/api/session', { body: { username, password } });
      expect(response.status).toBe(200);
      const token = /visage_admin_session=([^;]+)/.exec(response.setCookie)?.[1];
      expect(token).toBeDefined();
      return { token: token!, csrf: response.json['csrf_token'] as string };
    }

    const signedIn = async (role: OperatorRole) => signIn(await operatorAccount(role));

    /** A customer registered through the console, signed in there. */
    async function consoleCustomer() {
      const username = `owner-${++made}`;
      const registered = await send('POST', '/console/api/register', {
        body: { org_name: `Shop ${made}`, username, email: `${username}@example.com`, mobile: '13800000000', password },
      });
      expect(registered.status).toBe(201);
      const signedInCustomer = await send('POST', '/console/api/session', { body: { username, password } });
      const token = /visage_session=([^;]+)/.exec(signedInCustomer.setCookie)![1]!;
      return {
        username,
        orgId: registered.json['org_id'] as string,
        token,
        csrf: signedInCustomer.json['csrf_token'] as string,
      };
    }

    describe('operator sessions', () => {
      it('signs an operator in with an httpOnly, SameSite=Strict cookie on /admin, and out again', async () => {
        const username = await operatorAccount('finance');
        const response = await send('POST', '/admin/api/session', { body: { username, password } });
        expect(response.status).toBe(200);
        expect(response.setCookie).toMatch(/^visage_admin_session=/);
        expect(response.setCookie).toMatch(/HttpOnly/);
        expect(response.setCookie).toMatch(/SameSite=Strict/);
        expect(response.setCookie).toMatch(/Path=\/admin(;|$)/);
        expect(response.json).toEqual({
          user: expect.objectContaining({ username, role: 'finance', email: null }),
          permissions: expect.arrayContaining(['finance.topups', 'customers.read']),
          csrf_token: expect.any(String),
          expires_at: expect.any(String),
        });
        expect(response.json['permissions']).not.toContain('operators.manage');
        const token = /visage_admin_session=([^;]+)/.exec(response.setCookie)![1]!;
        const browser = { token, csrf: response.json['csrf_token'] as string };

        const current = await send('GET', '/admin/api/session', { as: browser });
        expect(current.status).toBe(200);
        expect(current.json).toMatchObject({ user: { username, role: 'finance' }, csrf_token: browser.csrf });

        const out = await send('DELETE', '/admin/api/session', { as: browser });
        expect(out.status).toBe(204);
        expect(out.setCookie).toMatch(/visage_admin_session=;/);
        expect((await send('GET', '/admin/api/session', { as: browser })).json.error?.code).toBe('auth.required');
      });

      it('refuses strangers, wrong passwords and customers', async () => {
        expect((await send('GET', '/admin/api/customers')).json.error?.code).toBe('auth.required');
        const wrong = await send('POST', '/admin/api/session', {
          body: { username: await operatorAccount('admin'), password: 'not the password at all' },
        });
        expect(wrong.status).toBe(401);
        expect(wrong.setCookie).toBe('');

        const customer = await consoleCustomer();
        const refused = await send('POST', '/admin/api/session', { body: { username: customer.username, password } });
        expect(refused.status).toBe(403);
        expect(refused.json.error?.code).toBe('auth.forbidden');
        expect(refused.setCookie).toBe('');
        // The customer's console session, presented at the admin door, is refused too.
        const borrowed = await send('GET', '/admin/api/session', { cookie: `visage_admin_session=${customer.token}` });
        expect(borrowed.status).toBe(403);
        expect(borrowed.json.error?.code).toBe('auth.forbidden');
        // ...and an operator's token is no customer session either.
        const ops = await signedIn('admin');
        const console = await t.platform.app.inject({
          method: 'GET',
          url: '/console/api/organization',
          headers: { cookie: `visage_session=${ops.token}` },
        });
        expect(console.statusCode).toBe(403);
      });

      it('needs the CSRF token on writes', async () => {
        const admin = await signedIn('admin');
        const body = { username: `new-${++made}`, role: 'support' };
        const missing = await send('POST', '/admin/api/operators', { as: admin, csrf: null, body });
        expect(missing.status).toBe(403);
        expect(missing.json.error?.code).toBe('auth.csrf');
        const wrong = await send('POST', '/admin/api/operators', { as: admin, csrf: 'x'.repeat(43), body });
        expect(wrong.json.error?.code).toBe('auth.csrf');
        expect((await send('POST', '/admin/api/operators', { as: admin, body })).status).toBe(201);
      });

      it('refuses what a role may not do with auth.forbidden', async () => {
        const reviewer = await signedIn('reviewer');
        const { orgId } = await t.customer();
        for (const [method, url, body] of [
          ['GET', '/admin/api/operators'],
          ['GET', '/admin/api/audit'],
          ['POST', `/admin/api/customers/${orgId}/suspension`, { reason: 'trying' }],
          ['POST', '/admin/api/agreements', { terms_text: 'x', dpa_text: 'y', effective_at: '2030-01-01T00:00:00Z' }],
        ] as const) {
          const response = await send(method, url, { as: reviewer, ...(body ? { body } : {}) });
          expect(response.status, `${method} ${url}`).toBe(403);
          expect(response.json.error).toMatchObject({
            code: 'auth.forbidden',
            details: { permission: expect.any(String) },
          });
        }
        expect((await t.services.organizations.get(orgId)).status).toBe('active');
        // What the reviewer may do, it can.
        expect((await send('GET', '/admin/api/customers', { as: reviewer })).status).toBe(200);
        expect((await send('GET', '/admin/api/dashboard', { as: reviewer })).status).toBe(200);
      });
    });

    describe('customers', () => {
      it('searches by name, id and username, filters by state, and pages with a cursor', async () => {
        const admin = await signedIn('admin');
        const alpha = await consoleCustomer();
        const beta = await consoleCustomer();
        const byName = await send('GET', `/admin/api/customers?q=${encodeURIComponent(`shop ${made}`)}`, { as: admin });
        expect(byName.status).toBe(200);
        expect(byName.json['customers'].map((c: { id: string }) => c.id)).toContain(beta.orgId);
        const byId = await send('GET', `/admin/api/customers?q=${alpha.orgId}`, { as: admin });
        expect(byId.json['customers']).toEqual([
          expect.objectContaining({ id: alpha.orgId, owner: alpha.username, state: 'registered', status: 'active' }),
        ]);
        const byUser = await send('GET', `/admin/api/customers?q=${beta.username.toUpperCase()}`, { as: admin });
        expect(byUser.json['customers'].map((c: { id: string }) => c.id)).toEqual([beta.orgId]);
        const percent = await send('GET', `/admin/api/customers?q=%25`, { as: admin });
        expect(percent.json['customers']).toEqual([]);

        const certified = await send('GET', '/admin/api/customers?state=certified&limit=200', { as: admin });
        expect(certified.json['customers'].every((c: { state: string }) => c.state === 'certified')).toBe(true);

        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page: Awaited<ReturnType<typeof send>> = await send(
            'GET',
            `/admin/api/customers?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
            { as: admin },
          );
          expect(page.status).toBe(200);
          expect(page.json['customers'].length).toBeLessThanOrEqual(2);
          seen.push(...page.json['customers'].map((c: { id: string }) => c.id));
          cursor = page.json['next_cursor'];
        } while (cursor);
        const all = await t.services.organizations.list();
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen.sort()).toEqual(all.map((org) => org.id).sort());
        expect((await send('GET', '/admin/api/customers?cursor=nonsense', { as: admin })).status).toBe(400);
      });

      it('shows one customer in full, never a secret', async () => {
        const admin = await signedIn('support');
        const { orgId, appId, key } = await t.customer({ mode: 'live', cashFen: 1234 });
        const detail = await send('GET', `/admin/api/customers/${orgId}`, { as: admin });
        expect(detail.status).toBe(200);
        expect(detail.json).toMatchObject({
          organization: { id: orgId, state: 'certified' },
          users: [],
          apps: [{ id: appId, keys: [{ key_id: key.keyId, mode: 'live', status: 'active' }] }],
          wallet: { cash: 1234, bonus: 0, held: 0 },
          usage: { calls: 0, amount_fen: 0 },
          certification: { status: 'certified' },
          agreement_acceptances: [],
        });
        expect(JSON.stringify(detail.json)).not.toContain(key.secret);
        expect((await send('GET', '/admin/api/customers/org_missing', { as: admin })).json.error?.code).toBe(
          'org.not_found',
        );
      });

      it('shows a compromised-account freeze in the list and the detail', async () => {
        const admin = await signedIn('support');
        const customer = await consoleCustomer();
        const listed = async () =>
          (await send('GET', `/admin/api/customers?q=${customer.orgId}`, { as: admin })).json['customers'][0];
        expect(await listed()).toMatchObject({ id: customer.orgId, frozen_at: null });
        const user = (await t.services.adminQueries.usersOfOrganization(customer.orgId))[0]!;
        await t.services.complaints.file({
          orgId: customer.orgId,
          userId: user.id,
          actor: `user:${user.id}`,
          kind: 'compromised_account',
          subject: 'Leaked',
          description: 'Phished.',
        });
        const frozenAt = (await t.services.organizations.get(customer.orgId)).frozenAt;
        expect(frozenAt).toEqual(expect.any(String));
        expect(await listed()).toMatchObject({ id: customer.orgId, frozen_at: frozenAt });
        const detail = await send('GET', `/admin/api/customers/${customer.orgId}`, { as: admin });
        expect(detail.json['organization']).toMatchObject({ id: customer.orgId, frozen_at: frozenAt });
      });

      it('suspends and resumes even when the notice cannot be sent, and logs the failure', async () => {
        const admin = await signedIn('admin');
        const { orgId } = await t.customer({ mode: 'live' });
        const { notices } = t.services;
        const notify = notices.notify;
        const logged: unknown[][] = [];
        const logError = vi.spyOn(t.platform.app.log, 'error').mockImplementation((...args: unknown[]) => {
          logged.push(args);
        });
        notices.notify = async () => {
          throw new Error('inbox unavailable');
        };
        try {
          const suspended = await send('POST', `/admin/api/customers/${orgId}/suspension`, {
            as: admin,
            body: { reason: 'payment dispute' },
          });
          expect(suspended.status).toBe(200);
          expect(suspended.json).toMatchObject({ id: orgId, status: 'suspended' });
          const resumed = await send('POST', `/admin/api/customers/${orgId}/resumption`, {
            as: admin,
            body: { reason: 'settled' },
          });
          expect(resumed.status).toBe(200);
        } finally {
          notices.notify = notify;
          logError.mockRestore();
        }
        const failures = logged.filter(([, message]) => message === 'notice not sent after a committed change');
        expect(failures.map(([fields]) => (fields as { notice_kind: string }).notice_kind)).toEqual([
          'org.suspended',
          'org.resumed',
        ]);
      });

      it('suspends with a reason: the live key stops at once; the customer is told; resume brings it back', async () => {
        const admin = await signedIn('admin');
        const { orgId, key } = await t.customer({ mode: 'live', cashFen: 1000 });
        expect((await t.call(key, 'POST', '/v1/consents', consent)).status).toBe(200);

        const noReason = await send('POST', `/admin/api/customers/${orgId}/suspension`, { as: admin, body: {} });
        expect(noReason.status).toBe(400);
        const blank = await send('POST', `/admin/api/customers/${orgId}/suspension`, {
          as: admin,
          body: { reason: '   ' },
        });
        expect(blank.status).toBe(400);

        const suspended = await send('POST', `/admin/api/customers/${orgId}/suspension`, {
          as: admin,
          body: { reason: 'payment dispute' },
        });
        expect(suspended.status).toBe(200);
        expect(suspended.json).toMatchObject({ id: orgId, state: 'suspended', status: 'suspended' });
        const blocked = await t.call(key, 'POST', '/v1/consents', consent);
        expect(blocked.status).toBe(403);
        expect(blocked.json['error']).toMatchObject({ code: 'org.suspended' });

        const again = await send('POST', `/admin/api/customers/${orgId}/suspension`, {
          as: admin,
          body: { reason: 'twice' },
        });
        expect(again.json.error?.code).toBe('org.invalid_transition');

        const resumed = await send('POST', `/admin/api/customers/${orgId}/resumption`, {
          as: admin,
          body: { reason: 'paid' },
        });
        expect(resumed.json).toMatchObject({ state: 'certified', status: 'active' });
        expect((await t.call(key, 'POST', '/v1/consents', consent)).status).toBe(200);

        const inbox = await t.services.notices.inbox(orgId);
        expect(inbox.notices.map((notice) => notice.kind).sort()).toEqual(['org.resumed', 'org.suspended']);

        const terminated = await send('POST', `/admin/api/customers/${orgId}/termination`, {
          as: admin,
          body: { reason: 'contract ended' },
        });
        expect(terminated.json).toMatchObject({ state: 'terminated' });
        expect((await t.call(key, 'POST', '/v1/consents', consent)).status).toBe(403);

        const audit = await send('GET', `/admin/api/audit?subject=${orgId}&action=org.`, { as: admin });
        expect(audit.json['entries'].map((e: { action: string; reason: string }) => [e.action, e.reason])).toEqual([
          ['org.terminate', 'contract ended'],
          ['org.resume', 'paid'],
          ['org.suspend', 'payment dispute'],
          ['org.create', null],
        ]);
        expect(audit.json['entries'][0].actor).toMatch(/^operator:ops-admin-/);
      });
    });

    describe('agreements', () => {
      it('publishes versions, notifies every customer, lists them and who accepted', async () => {
        const admin = await signedIn('admin');
        const customer = await consoleCustomer();
        const published = await send('POST', '/admin/api/agreements', {
          as: admin,
          body: { terms_text: 'Terms 1', dpa_text: 'DPA 1', effective_at: new Date(Date.now() - 1000).toISOString() },
        });
        expect(published.status).toBe(201);
        const version = published.json['version'] as number;
        expect(published.json).toMatchObject({ terms_text: 'Terms 1', acceptances: 0 });
        expect(published.json['published_by']).toMatch(/^operator:/);

        const accepted = await t.platform.app.inject({
          method: 'POST',
          url: '/console/api/agreement/acceptance',
          headers: {
            cookie: `visage_session=${customer.token}`,
            'x-csrf-token': customer.csrf,
            'content-type': 'application/json',
          },
          payload: JSON.stringify({ version }),
        });
        expect(accepted.statusCode).toBe(200);

        const list = await send('GET', '/admin/api/agreements', { as: admin });
        expect(list.json['versions'][0]).toMatchObject({ version, acceptances: 1 });
        const who = await send('GET', `/admin/api/agreements/${version}/acceptances`, { as: admin });
        expect(who.json).toEqual({
          version,
          acceptances: [
            {
              org_id: customer.orgId,
              org_name: expect.any(String),
              user_id: expect.any(String),
              username: customer.username,
              accepted_at: expect.any(String),
              ip: expect.any(String),
            },
          ],
        });
        expect((await send('GET', '/admin/api/agreements/9999/acceptances', { as: admin })).status).toBe(404);

        const inbox = await t.services.notices.inbox(customer.orgId);
        expect(inbox.notices.map((notice) => notice.kind)).toContain('agreement.published');

        const detail = await send('GET', `/admin/api/customers/${customer.orgId}`, { as: admin });
        expect(detail.json['agreement_acceptances']).toEqual([
          expect.objectContaining({ version, accepted_at: expect.any(String) }),
        ]);
      });
    });

    describe('audit, dashboard and operators', () => {
      it('browses the audit log newest first with filters and a cursor, and checks the chain', async () => {
        const admin = await signedIn('admin');
        const all = await send('GET', '/admin/api/audit?limit=3', { as: admin });
        expect(all.status).toBe(200);
        const seqs = all.json['entries'].map((e: { seq: number }) => e.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
        const next = await send('GET', `/admin/api/audit?limit=3&cursor=${all.json['next_cursor']}`, { as: admin });
        expect(next.json['entries'][0].seq).toBeLessThan(seqs.at(-1));

        const logins = await send('GET', '/admin/api/audit?action=session.login&limit=500', { as: admin });
        expect(logins.json['entries'].length).toBeGreaterThan(0);
        expect(logins.json['entries'].every((e: { action: string }) => e.action === 'session.login')).toBe(true);
        const future = await send('GET', '/admin/api/audit?from=2999-01-01', { as: admin });
        expect(future.json).toEqual({ entries: [], next_cursor: null });
        const past = await send('GET', '/admin/api/audit?to=2000-01-01', { as: admin });
        expect(past.json['entries']).toEqual([]);

        const check = await send('POST', '/admin/api/audit/verification', { as: admin });
        expect(check.status).toBe(200);
        expect(check.json).toMatchObject({ ok: true, broken_seq: null, reason: null });
        expect(check.json['entries']).toBeGreaterThan(0);

        // Rewriting history is caught, and the check names the entry.
        const { db } = t.services.database;
        const victim = await db
          .selectFrom('audit_log')
          .select(['seq', 'actor'])
          .where('seq', '=', 2)
          .executeTakeFirstOrThrow();
        await db.updateTable('audit_log').set({ actor: 'operator:nobody' }).where('seq', '=', 2).execute();
        try {
          const broken = await send('POST', '/admin/api/audit/verification', { as: admin });
          expect(broken.json).toMatchObject({ ok: false, entries: 1, broken_seq: 2, reason: expect.any(String) });
        } finally {
          await db.updateTable('audit_log').set({ actor: victim.actor }).where('seq', '=', 2).execute();
        }
      });

      it('shows calls, revenue, active customers, pass rates and latency', async () => {
        const admin = await signedIn('finance');
        const { key } = await t.customer({ mode: 'live', cashFen: 10_000 });
        await t.call(key, 'POST', '/v1/consents', consent);
        const dashboard = await send('GET', '/admin/api/dashboard?days=7', { as: admin });
        expect(dashboard.status).toBe(200);
        expect(dashboard.json['days']).toHaveLength(7);
        expect(dashboard.json['to']).toBe(new Date().toISOString().slice(0, 10));
        expect(dashboard.json['totals']).toMatchObject({
          calls: expect.any(Number),
          revenue_fen: expect.any(Number),
          active_customers: expect.any(Number),
        });
        expect(dashboard.json['customers']['total']).toBe((await t.services.organizations.list()).length);
        expect((await send('GET', '/admin/api/dashboard?days=0', { as: admin })).status).toBe(400);
      });

      it('lists operators and creates one with a generated password shown once', async () => {
        const admin = await signedIn('admin');
        const created = await send('POST', '/admin/api/operators', {
          as: admin,
          body: { username: 'Reviewer.Rita', email: 'rita@ops.example', role: 'reviewer' },
        });
        expect(created.status).toBe(201);
        expect(created.json).toEqual({
          operator: expect.objectContaining({ username: 'reviewer.rita', role: 'reviewer', email: 'rita@ops.example' }),
          password: expect.stringMatching(/^\S{20,}$/),
        });
        const rita = await send('POST', '/admin/api/session', {
          body: { username: 'reviewer.rita', password: created.json['password'] },
        });
        expect(rita.json).toMatchObject({
          user: { role: 'reviewer' },
          permissions: expect.arrayContaining(['certification.review']),
        });
        const list = await send('GET', '/admin/api/operators', { as: admin });
        expect(list.json['operators'].map((o: { username: string }) => o.username)).toContain('reviewer.rita');
        expect(JSON.stringify(list.json)).not.toMatch(/password|hash/i);
        const taken = await send('POST', '/admin/api/operators', {
          as: admin,
          body: { username: 'reviewer.rita', role: 'admin' },
        });
        expect(taken.json.error?.code).toBe('account.username_taken');
      });
    });
  });
}
