import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectNames } from '@visage/storage/testing';
import { consent, fixture, operator, startTestPlatform, type TestPlatform } from '../testing/test-platform.js';

const fauci1 = fixture('lfw-anthony-fauci-0001.jpg').toString('base64');
const fauci2 = fixture('lfw-anthony-fauci-0002.jpg').toString('base64');
const notAnImage = Buffer.from('definitely not a picture').toString('base64');
const password = 'a long enough passphrase';
const graceSeconds = 600;

interface Browser {
  /** The session token from the cookie. */
  readonly token: string;
  readonly csrf: string;
}

interface Customer extends Browser {
  readonly orgId: string;
  readonly userId: string;
  readonly username: string;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

const utcDay = (offsetDays = 0) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

for (const dialect of dialectNames) {
  describe(`the console API on ${dialect}`, () => {
    let t: TestPlatform;
    beforeAll(async () => {
      t = await startTestPlatform({
        dialect,
        env: { VISAGE_SANDBOX_RATE_PER_SECOND: '1000', VISAGE_KEY_ROTATION_GRACE_SECONDS: String(graceSeconds) },
      });
    });
    afterAll(() => t.close());

    /** A browser's request: the session cookie, and the CSRF header unless `csrf` says otherwise (null: none). */
    async function send(
      method: Method,
      url: string,
      options: { as?: Browser; csrf?: string | null; body?: unknown; remoteAddress?: string } = {},
    ) {
      const csrf = options.csrf === undefined ? options.as?.csrf : options.csrf;
      const response = await t.platform.app.inject({
        method,
        url,
        headers: {
          ...(options.as ? { cookie: `visage_session=${options.as.token}` } : {}),
          ...(csrf ? { 'x-csrf-token': csrf } : {}),
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
        ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
      });
      return {
        status: response.statusCode,
        json: (response.body === '' ? {} : response.json()) as Record<string, unknown> & {
          error?: { code: string };
        },
        text: response.body,
        setCookie: [response.headers['set-cookie'] ?? []].flat().join('\n'),
      };
    }

    async function signIn(username: string): Promise<Browser & { response: Awaited<ReturnType<typeof send>> }> {
      const response = await send('POST', '/console/api/session', { body: { username, password } });
      expect(response.status).toBe(200);
      const token = /visage_session=([^;]+)/.exec(response.setCookie)?.[1];
      expect(token).toBeDefined();
      return { token: token!, csrf: response.json['csrf_token'] as string, response };
    }

    let registered = 0;
    async function customer(): Promise<Customer> {
      const username = `owner-${++registered}`;
      const { status, json } = await send('POST', '/console/api/register', {
        body: {
          org_name: `Org ${registered}`,
          username,
          email: `${username}@example.com`,
          mobile: '+8613800000000',
          password,
        },
      });
      expect(status).toBe(201);
      const browser = await signIn(username);
      return { ...browser, orgId: json['org_id'] as string, userId: json['user_id'] as string, username };
    }

    async function appOf(owner: Browser, name = 'Web shop') {
      const { status, json } = await send('POST', '/console/api/apps', { as: owner, body: { name } });
      expect(status).toBe(201);
      return json['id'] as string;
    }

    describe('registration and sessions', () => {
      it('registers an organisation with its owner and signs in with an httpOnly, SameSite=Strict cookie', async () => {
        const registration = await send('POST', '/console/api/register', {
          body: {
            org_name: ' Acme Ltd ',
            username: 'Acme-Owner',
            email: 'owner@acme.example',
            mobile: '13800000000',
            password,
          },
        });
        expect(registration.status).toBe(201);
        expect(registration.json).toEqual({
          org_id: expect.stringMatching(/^org_/),
          user_id: expect.stringMatching(/^usr_/),
          username: 'acme-owner',
        });
        const org = await t.services.organizations.get(registration.json['org_id'] as string);
        expect(org).toMatchObject({ name: 'Acme Ltd', certification: 'registered', status: 'active' });

        const { response, token } = await signIn('ACME-owner');
        expect(response.json).toEqual({
          csrf_token: expect.any(String),
          user: {
            id: registration.json['user_id'],
            username: 'acme-owner',
            role: 'owner',
            org_id: org.id,
            email: 'owner@acme.example',
            email_verified: false,
          },
          expires_at: expect.any(String),
        });
        expect(Date.parse(response.json['expires_at'] as string)).toBeGreaterThan(Date.now() + 11 * 3600_000);
        expect(response.setCookie).toMatch(/HttpOnly/);
        expect(response.setCookie).toMatch(/SameSite=Strict/);
        expect(response.setCookie).toMatch(/Path=\/console(;|$)/);
        expect(response.setCookie).not.toMatch(/Secure/);
        expect(response.text).not.toContain(token);

        const current = await send('GET', '/console/api/session', { as: { token, csrf: '' } });
        // After a page reload the console asks for the CSRF token again: the session's own, not a new one.
        expect(current.json).toMatchObject({
          user: { username: 'acme-owner', role: 'owner' },
          csrf_token: response.json['csrf_token'],
        });
      });

      it('refuses a taken username, weak passwords and wrong credentials without a cookie', async () => {
        const owner = await customer();
        const taken = await send('POST', '/console/api/register', {
          body: {
            org_name: 'Again',
            username: owner.username.toUpperCase(),
            email: 'a@b.example',
            mobile: '13800000001',
            password,
          },
        });
        expect(taken.status).toBe(409);
        expect(taken.json.error?.code).toBe('account.username_taken');
        const weak = await send('POST', '/console/api/register', {
          body: {
            org_name: 'Weak',
            username: 'weakling',
            email: 'a@b.example',
            mobile: '13800000001',
            password: 'qwertyuiop',
          },
        });
        expect(weak.json.error?.code).toBe('account.weak_password');
        const unknownField = await send('POST', '/console/api/register', {
          body: {
            org_name: 'X',
            username: 'xx-user',
            email: 'a@b.example',
            mobile: '1380000',
            password,
            role: 'admin',
          },
        });
        expect(unknownField.json.error?.code).toBe('request.invalid');

        const wrong = await send('POST', '/console/api/session', {
          body: { username: owner.username, password: 'wrong passphrase' },
        });
        expect(wrong.status).toBe(401);
        expect(wrong.json.error?.code).toBe('auth.invalid_credentials');
        expect(wrong.setCookie).toBe('');
      });

      it('locks an account after 5 failed sign-ins, even for the right password (auth.too_many_attempts)', async () => {
        const owner = await customer();
        const attempt = (pw: string) =>
          send('POST', '/console/api/session', {
            body: { username: owner.username, password: pw },
            remoteAddress: '10.9.9.9',
          });
        for (let i = 0; i < 5; i++) expect((await attempt(`guess ${i} of a password`)).status).toBe(401);
        const locked = await attempt(password);
        expect(locked.status).toBe(429);
        expect(locked.json.error?.code).toBe('auth.too_many_attempts');
        expect(locked.setCookie).toBe('');
      });

      it('requires the session cookie: auth.required without it or with an unknown one', async () => {
        const missing = await send('GET', '/console/api/organization');
        expect(missing.status).toBe(401);
        expect(missing.json.error?.code).toBe('auth.required');
        const forged = await send('GET', '/console/api/apps', { as: { token: 'forged', csrf: 'x' } });
        expect(forged.status).toBe(401);
        expect(forged.json.error?.code).toBe('auth.required');
        // The session check comes before the body: a stranger's malformed body is still a 401.
        const malformed = await t.platform.app.inject({
          method: 'POST',
          url: '/console/api/apps',
          headers: { 'content-type': 'application/json' },
          payload: '{not json',
        });
        expect(malformed.statusCode).toBe(401);
      });

      it('requires the session’s CSRF token on every write (auth.csrf), and changes nothing without it', async () => {
        const owner = await customer();
        const other = await customer();
        for (const csrf of [null, 'wrong', other.csrf]) {
          const refused = await send('POST', '/console/api/apps', { as: owner, csrf, body: { name: 'Sneaky' } });
          expect(refused.status).toBe(403);
          expect(refused.json.error?.code).toBe('auth.csrf');
        }
        const list = await send('GET', '/console/api/apps', { as: owner, csrf: null });
        expect(list.status).toBe(200);
        expect(list.json).toEqual({ apps: [] });
        const logout = await send('DELETE', '/console/api/session', { as: owner, csrf: null });
        expect(logout.json.error?.code).toBe('auth.csrf');
      });

      it('lists the user’s sessions, signs one out, then every one', async () => {
        const owner = await customer();
        const second = await signIn(owner.username);

        const listed = await send('GET', '/console/api/sessions', { as: owner });
        const sessions = listed.json['sessions'] as { id: string; current: boolean; ip: string | null }[];
        expect(sessions).toHaveLength(2);
        expect(sessions.filter((session) => session.current)).toHaveLength(1);
        expect(sessions[0]).toEqual({
          id: expect.stringMatching(/^[0-9a-f]{16}$/),
          created_at: expect.any(String),
          last_seen_at: expect.any(String),
          expires_at: expect.any(String),
          ip: '127.0.0.1',
          user_agent: 'lightMyRequest',
          current: expect.any(Boolean),
        });

        const logout = await send('DELETE', '/console/api/session', { as: owner });
        expect(logout.status).toBe(204);
        expect(logout.setCookie).toMatch(/visage_session=;.*Expires=Thu, 01 Jan 1970/);
        expect((await send('GET', '/console/api/organization', { as: owner })).json.error?.code).toBe('auth.required');
        expect((await send('GET', '/console/api/organization', { as: second })).status).toBe(200);

        const third = await signIn(owner.username);
        const everywhere = await send('DELETE', '/console/api/sessions', { as: third });
        expect(everywhere.json).toEqual({ revoked: 2 });
        for (const browser of [second, third]) {
          expect((await send('GET', '/console/api/sessions', { as: browser })).status).toBe(401);
        }
      });

      it('lets operators sign in but keeps them out of customer routes (auth.forbidden)', async () => {
        await t.services.users.createOperator({ username: 'ops-alice', password, actor: operator });
        const ops = await signIn('ops-alice');
        expect(ops.response.json['user']).toMatchObject({ role: 'admin', org_id: null });
        expect((await send('GET', '/console/api/sessions', { as: ops })).status).toBe(200);
        for (const [method, url] of [
          ['GET', '/console/api/organization'],
          ['GET', '/console/api/apps'],
          ['POST', '/console/api/apps'],
          ['GET', '/console/api/wallet'],
        ] as const) {
          const refused = await send(method, url, { as: ops, ...(method === 'POST' ? { body: { name: 'x' } } : {}) });
          expect(refused.status, url).toBe(403);
          expect(refused.json.error?.code, url).toBe('auth.forbidden');
        }
      });
    });

    describe('organisation and agreement', () => {
      it('shows the organisation; certification goes through the application, not a bare submit', async () => {
        const owner = await customer();
        const shown = await send('GET', '/console/api/organization', { as: owner });
        expect(shown.json).toEqual({
          id: owner.orgId,
          name: expect.stringMatching(/^Org /),
          state: 'registered',
          certification: 'registered',
          status: 'active',
          frozen_at: null,
          created_at: expect.any(String),
        });
        // The application (console-certification.routes.ts) is the only way to pending: a bare submit is gone.
        const bare = await send('POST', '/console/api/organization/certification', { as: owner });
        expect(bare.status).toBe(404);
      });

      it('shows the agreement in force and records an acceptance with user, time, IP and text hashes', async () => {
        const owner = await customer();
        const before = await send('GET', '/console/api/agreement', { as: owner });
        expect(before.json).toEqual({ current: null, upcoming: [], accepted_current: true });
        expect(
          (await send('POST', '/console/api/agreement/acceptance', { as: owner, body: { version: 1 } })).json.error
            ?.code,
        ).toBe('agreement.none_published');

        const v1 = await t.services.agreement.publish({
          termsText: 'Terms v1',
          dpaText: 'DPA v1',
          effectiveAt: new Date(Date.now() - 60_000).toISOString(),
          actor: operator,
        });
        const v2 = await t.services.agreement.publish({
          termsText: 'Terms v2',
          dpaText: 'DPA v2',
          // Soon, so that the next test's version (which may not take effect before this one) comes soon too.
          effectiveAt: new Date(Date.now() + 5_000).toISOString(),
          actor: operator,
        });
        const shown = await send('GET', '/console/api/agreement', { as: owner });
        expect(shown.json).toEqual({
          current: {
            version: 1,
            terms_text: 'Terms v1',
            dpa_text: 'DPA v1',
            terms_sha256: v1.termsSha256,
            dpa_sha256: v1.dpaSha256,
            effective_at: v1.effectiveAt,
          },
          upcoming: [expect.objectContaining({ version: 2, effective_at: v2.effectiveAt, accepted: false })],
          accepted_current: false,
        });

        const unpublished = await send('POST', '/console/api/agreement/acceptance', {
          as: owner,
          body: { version: 3 },
        });
        expect(unpublished.status).toBe(409);
        expect(unpublished.json.error).toMatchObject({
          code: 'agreement.version_mismatch',
          details: { current_version: 1, upcoming_versions: [2] },
        });
        const accepted = await send('POST', '/console/api/agreement/acceptance', {
          as: owner,
          body: { version: 1 },
          remoteAddress: '203.0.113.7',
        });
        expect(accepted.status).toBe(200);
        expect(accepted.json).toEqual({ version: 1, accepted_at: expect.any(String) });
        expect((await send('GET', '/console/api/agreement', { as: owner })).json).toMatchObject({
          accepted_current: true,
          upcoming: [{ version: 2, accepted: false }],
        });

        // The upcoming version can be accepted in advance; accepting it again changes nothing.
        const early = await send('POST', '/console/api/agreement/acceptance', {
          as: owner,
          body: { version: 2 },
          remoteAddress: '203.0.113.8',
        });
        expect(early.status).toBe(200);
        expect(early.json).toEqual({ version: 2, accepted_at: expect.any(String) });
        const again = await send('POST', '/console/api/agreement/acceptance', { as: owner, body: { version: 2 } });
        expect(again.json).toEqual(early.json);
        expect((await send('GET', '/console/api/agreement', { as: owner })).json).toMatchObject({
          accepted_current: true,
          upcoming: [{ version: 2, accepted: true }],
        });

        const stored = await t.services.database.db
          .selectFrom('agreement_acceptance')
          .selectAll()
          .where('org_id', '=', owner.orgId)
          .orderBy('version')
          .execute();
        expect(stored).toEqual([
          expect.objectContaining({
            version: 1,
            user_id: owner.userId,
            ip: '203.0.113.7',
            accepted_at: accepted.json['accepted_at'],
            terms_sha256: v1.termsSha256,
            dpa_sha256: v1.dpaSha256,
          }),
          expect.objectContaining({
            version: 2,
            agreement_id: v2.id,
            user_id: owner.userId,
            ip: '203.0.113.8',
            accepted_at: early.json['accepted_at'],
            terms_sha256: v2.termsSha256,
            dpa_sha256: v2.dpaSha256,
          }),
        ]);
      });

      it('keeps live keys working until an upcoming version takes effect; then only if it was accepted', async () => {
        /** A registered, certified organisation that accepted what is in force, with a live and a sandbox key. */
        async function certifiedCustomer() {
          const owner = await customer();
          await t.services.organizations.submitForCertification(owner.orgId, { actor: `user:${owner.userId}` });
          await t.services.organizations.certify(owner.orgId, { actor: operator });
          const appId = await appOf(owner);
          const keyOf = async (mode: 'live' | 'sandbox') => {
            const created = await send('POST', `/console/api/apps/${appId}/keys`, { as: owner, body: { mode } });
            expect(created.status).toBe(201);
            return { keyId: created.json['key_id'] as string, secret: created.json['secret'] as string };
          };
          const shown = (await send('GET', '/console/api/agreement', { as: owner })).json as {
            current: { version: number } | null;
            upcoming: { version: number; effective_at: string }[];
          };
          for (const { version } of [...(shown.current ? [shown.current] : []), ...shown.upcoming]) {
            expect(
              (await send('POST', '/console/api/agreement/acceptance', { as: owner, body: { version } })).status,
            ).toBe(200);
          }
          return { owner, live: await keyOf('live'), sandbox: await keyOf('sandbox'), upcoming: shown.upcoming };
        }
        const early = await certifiedCustomer();
        const late = await certifiedCustomer();
        const works = async (key: { keyId: string; secret: string }) => {
          const response = await t.call(key, 'POST', '/v1/consents', consent);
          return response.status === 200 ? 'ok' : (response.json['error'] as { code: string }).code;
        };

        // A version taking effect a few seconds from now (and not before the versions published earlier).
        const after = Math.max(Date.now(), ...early.upcoming.map((v) => Date.parse(v.effective_at)));
        const next = await t.services.agreement.publish({
          termsText: 'Terms, soon',
          dpaText: 'DPA, soon',
          effectiveAt: new Date(after + 3_000).toISOString(),
          actor: operator,
        });
        const accepted = await send('POST', '/console/api/agreement/acceptance', {
          as: early.owner,
          body: { version: next.version },
        });
        expect(accepted.status).toBe(200);
        expect(await works(early.live)).toBe('ok');
        expect(await works(late.live)).toBe('ok');
        expect((await send('GET', '/console/api/agreement', { as: late.owner })).json).toMatchObject({
          accepted_current: true,
          upcoming: expect.arrayContaining([expect.objectContaining({ version: next.version, accepted: false })]),
        });

        await new Promise((resolve) => setTimeout(resolve, Date.parse(next.effectiveAt) - Date.now() + 50));
        expect(await works(early.live)).toBe('ok');
        expect(await works(late.live)).toBe('agreement.not_accepted');
        expect(await works(late.sandbox)).toBe('ok');
        expect((await send('GET', '/console/api/agreement', { as: late.owner })).json).toMatchObject({
          current: { version: next.version },
          accepted_current: false,
        });

        const caughtUp = await send('POST', '/console/api/agreement/acceptance', {
          as: late.owner,
          body: { version: next.version },
        });
        expect(caughtUp.status).toBe(200);
        expect(await works(late.live)).toBe('ok');
      });
    });

    describe('apps and keys', () => {
      it('creates, lists, shows and changes apps', async () => {
        const owner = await customer();
        const created = await send('POST', '/console/api/apps', {
          as: owner,
          body: { name: 'Web shop', description: 'Checkout', domains: ['Shop.Example.com'] },
        });
        expect(created.status).toBe(201);
        expect(created.json).toEqual({
          id: expect.stringMatching(/^app_/),
          name: 'Web shop',
          description: 'Checkout',
          domains: ['shop.example.com'],
          decision_far: '1e-4',
          image_retention_seconds: 0,
          result_retention_seconds: 86_400,
          allow_multiple_faces: false,
          webhook_url: null,
          created_at: expect.any(String),
          updated_at: expect.any(String),
        });
        const appId = created.json['id'] as string;
        expect((await send('GET', '/console/api/apps', { as: owner })).json).toEqual({ apps: [created.json] });

        const changed = await send('PATCH', `/console/api/apps/${appId}`, {
          as: owner,
          body: { decision_far: '1e-5', allow_multiple_faces: true, webhook_url: 'https://93.184.215.14/hook' },
        });
        expect(changed.status).toBe(200);
        expect(changed.json).toMatchObject({ decision_far: '1e-5', allow_multiple_faces: true, name: 'Web shop' });
        // The first webhook URL issued the app's signing secret, shown in this answer only.
        const { webhook_secret: firstSecret, ...changedApp } = changed.json;
        expect(firstSecret).toMatchObject({ secret: expect.stringMatching(/^whsec_/), previous_expires_at: null });
        expect((await send('GET', `/console/api/apps/${appId}`, { as: owner })).json).toEqual(changedApp);

        for (const body of [{}, { decision_far: '1e-9' }, { result_retention_seconds: 10 ** 9 }, { id: 'app_x' }]) {
          const refused = await send('PATCH', `/console/api/apps/${appId}`, { as: owner, body });
          expect(refused.status, JSON.stringify(body)).toBe(400);
          expect(refused.json.error?.code).toBe('request.invalid');
        }
      });

      it('lets a suspended organisation look at its apps but not create or change them', async () => {
        const owner = await customer();
        const appId = await appOf(owner);
        await t.services.organizations.suspend(owner.orgId, { actor: 'operator:test', reason: 'unpaid' });
        expect((await send('GET', '/console/api/apps', { as: owner })).status).toBe(200);
        const refused = await send('POST', '/console/api/apps', { as: owner, body: { name: 'Another' } });
        expect([refused.status, refused.json.error?.code]).toEqual([403, 'org.suspended']);
        const key = await send('POST', `/console/api/apps/${appId}/keys`, { as: owner, body: { mode: 'sandbox' } });
        expect(key.json.error?.code).toBe('org.suspended');
      });

      it('answers another organisation’s apps and keys like missing ones', async () => {
        const owner = await customer();
        const stranger = await customer();
        const appId = await appOf(owner);
        const key = await send('POST', `/console/api/apps/${appId}/keys`, { as: owner, body: { mode: 'sandbox' } });
        const keyId = key.json['key_id'] as string;

        for (const [method, url, body] of [
          ['GET', `/console/api/apps/${appId}`],
          ['PATCH', `/console/api/apps/${appId}`, { name: 'Mine now' }],
          ['GET', `/console/api/apps/${appId}/keys`],
          ['POST', `/console/api/apps/${appId}/keys`, { mode: 'sandbox' }],
        ] as const) {
          const refused = await send(method, url, { as: stranger, body });
          expect(refused.status, url).toBe(404);
          expect(refused.json.error?.code, url).toBe('app.not_found');
        }
        for (const [method, url, body] of [
          ['POST', `/console/api/keys/${keyId}/rotation`],
          ['DELETE', `/console/api/keys/${keyId}`],
          ['PUT', `/console/api/keys/${keyId}/ip-allowlist`, { cidrs: [] }],
        ] as const) {
          const refused = await send(method, url, { as: stranger, body });
          expect(refused.status, url).toBe(404);
          expect(refused.json.error?.code, url).toBe('key.not_found');
        }
        expect((await send('GET', `/console/api/apps/${appId}`, { as: owner })).json['name']).toBe('Web shop');
      });

      it('shows a key’s secret only when creating and rotating it', async () => {
        const owner = await customer();
        const appId = await appOf(owner);
        const created = await send('POST', `/console/api/apps/${appId}/keys`, { as: owner, body: { mode: 'sandbox' } });
        expect(created.status).toBe(201);
        expect(created.json).toEqual({
          key_id: expect.stringMatching(/^ak_test_/),
          app_id: appId,
          mode: 'sandbox',
          ip_allowlist: [],
          status: 'active',
          created_at: expect.any(String),
          revoked_at: null,
          expires_at: null,
          replaced_by: null,
          secret: expect.stringMatching(/^[\w-]{43}$/),
        });
        const oldId = created.json['key_id'] as string;
        const oldSecret = created.json['secret'] as string;

        const rotated = await send('POST', `/console/api/keys/${oldId}/rotation`, { as: owner });
        expect(rotated.status).toBe(201);
        const newId = rotated.json['key_id'] as string;
        const newSecret = rotated.json['secret'] as string;
        expect(newId).not.toBe(oldId);
        expect(newSecret).toMatch(/^[\w-]{43}$/);
        expect(newSecret).not.toBe(oldSecret);
        const replaced = rotated.json['replaced'] as { key_id: string; expires_at: string };
        expect(replaced.key_id).toBe(oldId);
        expect(Math.abs(Date.parse(replaced.expires_at) - (Date.now() + graceSeconds * 1000))).toBeLessThan(10_000);

        const again = await send('POST', `/console/api/keys/${oldId}/rotation`, { as: owner });
        expect(again.status).toBe(409);
        expect(again.json.error?.code).toBe('key.not_active');

        const allowlisted = await send('PUT', `/console/api/keys/${newId}/ip-allowlist`, {
          as: owner,
          body: { cidrs: ['203.0.113.0/24', '2001:db8::1'] },
        });
        expect(allowlisted.status).toBe(200);
        expect(allowlisted.json['ip_allowlist']).toEqual(['203.0.113.0/24', '2001:db8::1/128']);
        const badCidr = await send('PUT', `/console/api/keys/${newId}/ip-allowlist`, {
          as: owner,
          body: { cidrs: ['not-an-address'] },
        });
        expect(badCidr.json.error?.code).toBe('request.invalid');

        const listed = await send('GET', `/console/api/apps/${appId}/keys`, { as: owner });
        const keys = listed.json['keys'] as Record<string, unknown>[];
        expect(keys.map((key) => [key['key_id'], key['replaced_by'], key['expires_at']])).toEqual([
          [oldId, newId, replaced.expires_at],
          [newId, null, null],
        ]);

        const revoked = await send('DELETE', `/console/api/keys/${newId}`, { as: owner });
        expect(revoked.status).toBe(200);
        expect(revoked.json).toMatchObject({ key_id: newId, status: 'revoked', revoked_at: expect.any(String) });
        const revokedAgain = await send('DELETE', `/console/api/keys/${newId}`, { as: owner });
        expect(revokedAgain.json['revoked_at']).toBe(revoked.json['revoked_at']);
        for (const [method, url, body] of [
          ['POST', `/console/api/keys/${newId}/rotation`],
          ['PUT', `/console/api/keys/${newId}/ip-allowlist`, { cidrs: [] }],
        ] as const) {
          const refused = await send(method, url, { as: owner, body });
          expect(refused.status, url).toBe(409);
          expect(refused.json.error?.code, url).toBe('key.not_active');
        }

        for (const response of [listed, allowlisted, revoked, revokedAgain]) {
          expect(response.text).not.toContain(oldSecret);
          expect(response.text).not.toContain(newSecret);
          expect(response.text).not.toContain('secret');
        }
      });
    });

    describe('wallet, prices and usage', () => {
      it('shows balances, the month’s statement and prices', async () => {
        const owner = await customer();
        expect((await send('GET', '/console/api/wallet', { as: owner })).json).toEqual({ cash: 0, bonus: 0, held: 0 });
        await t.services.wallet.topUp({ orgId: owner.orgId, amountFen: 10_000, reference: 'bank-77', actor: operator });
        await t.services.wallet.grantBonus({ orgId: owner.orgId, amountFen: 500, reason: 'welcome', actor: operator });
        expect((await send('GET', '/console/api/wallet', { as: owner })).json).toEqual({
          cash: 10_000,
          bonus: 500,
          held: 0,
        });

        const period = new Date().toISOString().slice(0, 7);
        const statement = await send('GET', `/console/api/wallet/statement?period=${period}`, { as: owner });
        expect(statement.status).toBe(200);
        expect(statement.json).toMatchObject({
          period,
          opening: { cash: 0, bonus: 0, held: 0 },
          closing: { cash: 10_000, bonus: 500, held: 0 },
        });
        expect(statement.json['entries']).toEqual([
          expect.objectContaining({ kind: 'topup', reference: 'bank-77', cash: 10_000, bonus: 0, held: 0 }),
          expect.objectContaining({ kind: 'bonus', reference: 'welcome', cash: 0, bonus: 500, held: 0 }),
        ]);
        for (const query of ['', '?period=2026-13', '?period=november']) {
          const refused = await send('GET', `/console/api/wallet/statement${query}`, { as: owner });
          expect(refused.status, query).toBe(400);
        }

        await t.services.pricing.setPrice({ product: 'compare', amountFen: 50, actor: operator });
        await t.services.pricing.setPrice({
          product: 'compare',
          amountFen: 40,
          effectiveAt: '2099-01-01T00:00:00Z',
          actor: operator,
        });
        const prices = (await send('GET', '/console/api/prices', { as: owner })).json['prices'] as {
          product: string;
        }[];
        expect(prices.map((price) => price.product)).toEqual(['compare', 'liveness', 'verification', 'id_card_ocr']);
        expect(prices[0]).toEqual({
          product: 'compare',
          current: { amount_fen: 50, effective_at: expect.any(String) },
          upcoming: [{ amount_fen: 40, effective_at: '2099-01-01T00:00:00.000Z' }],
        });
      });

      it('counts a sandbox call made with a key created in the console, and logs its metadata only', async () => {
        const owner = await customer();
        const appId = await appOf(owner);
        const otherAppId = await appOf(owner, 'Other app');
        const created = await send('POST', `/console/api/apps/${appId}/keys`, { as: owner, body: { mode: 'sandbox' } });
        const key = { keyId: created.json['key_id'] as string, secret: created.json['secret'] as string };
        const first = await t.call(key, 'POST', '/v1/compare', {
          image1: fauci1,
          image2: fauci2,
          consent,
          biz_no: 'o-1',
        });
        expect(first.status).toBe(200);
        const second = await t.call(key, 'POST', '/v1/compare', { image1: notAnImage, image2: fauci2, consent });
        expect(second.json['error']).toMatchObject({ code: 'image.unsupported_format' });

        const range = `from=${utcDay(-1)}&to=${utcDay(1)}`;
        const usage = await send('GET', `/console/api/usage?${range}`, { as: owner });
        expect(usage.status).toBe(200);
        expect(usage.json).toEqual({
          days: [
            {
              day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
              product: 'compare',
              calls: 2,
              billed_calls: 0,
              sandbox_calls: 2,
              amount_fen: 0,
              result_codes: { 'result.match': 1, 'image.unsupported_format': 1 },
            },
          ],
        });
        const ofOtherApp = await send('GET', `/console/api/usage?${range}&app_id=${otherAppId}`, { as: owner });
        expect(ofOtherApp.json).toEqual({ days: [] });
        const backwards = await send('GET', `/console/api/usage?from=${utcDay(1)}&to=${utcDay(-1)}`, { as: owner });
        expect(backwards.json.error?.code).toBe('request.invalid');

        const page1 = await send('GET', '/console/api/calls?limit=1', { as: owner });
        expect(page1.status).toBe(200);
        const [newest] = page1.json['calls'] as Record<string, unknown>[];
        expect(newest).toEqual({
          id: expect.any(String),
          app_id: appId,
          key_id: key.keyId,
          product: 'compare',
          result_code: 'image.unsupported_format',
          billed: false,
          amount_fen: 0,
          sandbox: true,
          biz_no: null,
          request_id: expect.stringMatching(/^req_/),
          created_at: expect.any(String),
          time_used_ms: expect.any(Number),
        });
        const cursor = page1.json['next_cursor'] as string;
        expect(cursor).toEqual(expect.any(String));
        const page2 = await send('GET', `/console/api/calls?limit=1&cursor=${cursor}`, { as: owner });
        expect(page2.json).toEqual({
          calls: [
            expect.objectContaining({
              result_code: 'result.match',
              biz_no: 'o-1',
              request_id: first.json['request_id'],
            }),
          ],
          next_cursor: null,
        });
        expect(page2.text).not.toContain(consent.subject_ref);

        const matches = await send('GET', '/console/api/calls?result_code=result.match&biz_no=o-1', { as: owner });
        expect((matches.json['calls'] as unknown[]).length).toBe(1);
        const stranger = await customer();
        expect((await send('GET', '/console/api/calls', { as: stranger })).json).toEqual({
          calls: [],
          next_cursor: null,
        });
        for (const query of ['cursor=garbage', 'limit=0', 'limit=201', 'from=2026-02-30']) {
          const refused = await send('GET', `/console/api/calls?${query}`, { as: owner });
          expect(refused.status, query).toBe(400);
          expect(refused.json.error?.code, query).toBe('request.invalid');
        }
      });
    });
  });
}
