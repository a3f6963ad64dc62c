import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { residentIdCheckCharacter, type OperatorRole } from '@visage/core';
import { dialectNames } from '@visage/storage/testing';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consent, fixture, operator, startTestPlatform, type TestPlatform } from '../testing/test-platform.js';

const password = 'a long enough passphrase';
const fauci1 = fixture('lfw-anthony-fauci-0001.jpg').toString('base64');
const fauci2 = fixture('lfw-anthony-fauci-0002.jpg').toString('base64');
const bassett = fixture('lfw-angela-bassett-0001.jpg').toString('base64');
const notAnImage = Buffer.from('definitely not a picture').toString('base64');
/** A plain grey picture: a valid image with no face. */
const noFace = async () =>
  (
    await sharp({ create: { width: 320, height: 320, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer()
  ).toString('base64');

/** A fictitious GB 11643 number: Dongcheng district, born 1990-03-07, sequence `seq`, with its check character. */
export function residentId(seq: number): string {
  const first17 = `11010119900307${String(seq).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}

const zhang = { name: '张三', id_number: residentId(1) };
const li = { name: '李四', id_number: residentId(2) };
const unregistered = residentId(3);

interface Operator {
  readonly token: string;
  readonly csrf: string;
}

async function signedInOperator(t: TestPlatform, role: OperatorRole, username: string): Promise<Operator> {
  await t.services.users.createOperator({ username, password, role, actor: operator });
  const response = await t.platform.app.inject({
    method: 'POST',
    url: '/admin/api/session',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ username, password }),
  });
  expect(response.statusCode).toBe(200);
  const cookies = [response.headers['set-cookie'] ?? []].flat().join('\n');
  return { token: /visage_admin_session=([^;]+)/.exec(cookies)![1]!, csrf: response.json().csrf_token as string };
}

async function admin(t: TestPlatform, as: Operator, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) {
  const response = await t.platform.app.inject({
    method,
    url,
    headers: {
      cookie: `visage_admin_session=${as.token}`,
      'x-csrf-token': as.csrf,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.statusCode, json: response.json() as Record<string, any> };
}

const registryComparison = (who: { name: string; id_number: string }) => ({ type: 'registry', ...who });

for (const dialect of dialectNames) {
  describe(`the identity registry on ${dialect}`, () => {
    let t: TestPlatform;
    let ops: Operator;
    beforeAll(async () => {
      t = await startTestPlatform({
        dialect,
        env: { VISAGE_SANDBOX_RATE_PER_SECOND: '1000', VISAGE_REGISTRY_REFUSALS_PER_KEY_PER_DAY: '3' },
      });
      await t.services.pricing.setPrice({ product: 'verification', amountFen: 100, actor: operator });
      ops = await signedInOperator(t, 'admin', 'registry-admin');
      // The same two people as live records and as sandbox records (each mode sees only its own).
      for (const sandbox of [false, true]) {
        const imported = await admin(t, ops, 'POST', '/admin/api/registry/identities', {
          records: [
            { ...zhang, photo: fauci1 },
            { ...li, photo: bassett },
          ],
          keep_photos: true,
          sandbox,
        });
        expect(imported.status).toBe(201);
        expect(imported.json).toMatchObject({ imported: 2, created: 2, updated: 0 });
      }
    });
    afterAll(() => t.close());

    it('keeps names, numbers, templates and photos encrypted, lists them masked and audits the import', async () => {
      const rows = await sql<Record<string, unknown>>`select * from identity_record`.execute(t.services.database.db);
      expect(rows.rows).toHaveLength(4);
      const stored = Buffer.concat(
        rows.rows.flatMap((row) =>
          Object.values(row).map((v) =>
            typeof v === 'string' || typeof v === 'number' ? Buffer.from(String(v)) : Buffer.from(v as Uint8Array),
          ),
        ),
      );
      for (const secret of [zhang.id_number, li.id_number, zhang.name, li.name]) {
        expect(stored.includes(Buffer.from(secret))).toBe(false);
      }
      // The photo is stored sealed: its JPEG bytes appear nowhere.
      expect(stored.includes(Buffer.from(fauci1, 'base64').subarray(0, 64))).toBe(false);

      const list = await admin(t, ops, 'GET', '/admin/api/registry/identities?limit=1');
      expect(list.status).toBe(200);
      expect(list.json['total']).toBe(4);
      expect(list.json['records']).toHaveLength(1);
      const all = [
        ...list.json['records'],
        ...(await admin(t, ops, 'GET', `/admin/api/registry/identities?after=${list.json['next_after']}`)).json[
          'records'
        ],
      ];
      expect(all.map((r: { name_masked: string }) => r.name_masked).sort()).toEqual(['张*', '张*', '李*', '李*']);
      expect(all.map((r: { id_number_masked: string }) => r.id_number_masked).sort()).toEqual(
        [zhang.id_number, li.id_number, zhang.id_number, li.id_number]
          .map((n) => `${n.slice(0, 3)}***********${n.slice(-4)}`)
          .sort(),
      );
      expect(all.filter((r: { sandbox: boolean }) => r.sandbox)).toHaveLength(2);
      expect(all.every((r: { has_photo: boolean; source: string }) => r.has_photo && r.source === 'admin-api')).toBe(
        true,
      );

      const audit = await sql<{ action: string; data: string | null }>`select * from audit_log`.execute(
        t.services.database.db,
      );
      expect(audit.rows.some((row) => row.action === 'registry.import')).toBe(true);
      const auditText = JSON.stringify(audit.rows);
      expect(auditText).not.toContain(zhang.id_number);
      expect(auditText).not.toContain(zhang.name);
    });

    it('refuses the registry to operators without registry.manage', async () => {
      const support = await signedInOperator(t, 'support', `registry-support-${dialect}`);
      for (const [method, url] of [
        ['GET', '/admin/api/registry/identities'],
        ['POST', '/admin/api/registry/identities'],
      ] as const) {
        const body = method === 'POST' ? { records: [{ ...zhang, photo: fauci1 }] } : undefined;
        const refused = await admin(t, support, method, url, body);
        expect([refused.status, refused.json['error'].code]).toEqual([403, 'auth.forbidden']);
      }
    });

    it('imports all rows or none, listing every invalid row with its line', async () => {
      const refused = await admin(t, ops, 'POST', '/admin/api/registry/identities', {
        records: [
          { name: '王五', id_number: unregistered, photo: fauci2 },
          {
            name: '赵六',
            id_number: `${residentId(4).slice(0, 17)}${residentId(4).endsWith('0') ? '1' : '0'}`,
            photo: fauci2,
          },
          { name: '孙七', id_number: residentId(5), photo: notAnImage },
          { name: ' ', id_number: unregistered, photo: bassett },
        ],
      });
      expect(refused.status).toBe(400);
      expect(refused.json['error']).toMatchObject({
        code: 'registry.invalid_import',
        details: {
          rows: [
            { line: 3, field: 'id_number', problem: 'check_digit' },
            { line: 4, field: 'photo', problem: expect.stringMatching(/^image\./) },
            { line: 5, field: 'name', problem: 'empty' },
            { line: 5, field: 'id_number', problem: 'duplicate of line 2' },
          ],
        },
      });
      expect((await admin(t, ops, 'GET', '/admin/api/registry/identities')).json['total']).toBe(4);
    });

    it('passes a second photo of a registered person and fails another person (sandbox)', async () => {
      const { key } = await t.customer({ mode: 'sandbox' });
      const same = await t.call(key, 'POST', '/v1/verifications', {
        selfie: fauci2,
        comparison: registryComparison(zhang),
        consent,
      });
      expect(same.status).toBe(200);
      expect(same.json).toMatchObject({
        match: true,
        decision_far: '1e-4',
        comparison_type: 'registry',
        identity_source: 'registry',
        sandbox: true,
        billed: false,
      });
      // LFW photos are photos of photos: passive liveness may call them spoofs; the comparison is what is tested.
      expect(['result.pass', 'result.spoof']).toContain(same.json['result_code']);
      expect((same.json['faces'] as Record<string, unknown>)['reference']).toBeUndefined();

      const other = await t.call(key, 'POST', '/v1/verifications', {
        selfie: bassett,
        comparison: registryComparison(zhang),
        consent,
      });
      expect(other.status).toBe(200);
      expect(other.json).toMatchObject({ match: false, decision: 'fail' });
      expect(other.json['similarity'] as number).toBeLessThan(
        (other.json['thresholds'] as Record<string, number>)['1e-4']!,
      );
    });

    it('never tells a sandbox key an unknown number from a wrong name', async () => {
      const { key } = await t.customer({ mode: 'sandbox' });
      const wrongName = await t.call(key, 'POST', '/v1/verifications', {
        selfie: fauci2,
        comparison: registryComparison({ name: '王五', id_number: zhang.id_number }),
        consent,
      });
      const unknown = await t.call(key, 'POST', '/v1/verifications', {
        selfie: fauci2,
        comparison: registryComparison({ name: zhang.name, id_number: unregistered }),
        consent,
      });
      const withoutRequestId = (json: Record<string, unknown>) => {
        const rest = { ...(json['error'] as Record<string, unknown>) };
        delete rest['request_id'];
        return rest;
      };
      expect(wrongName.status).toBe(422);
      expect(unknown.status).toBe(422);
      expect(withoutRequestId(wrongName.json)).toEqual(withoutRequestId(unknown.json));
      expect(withoutRequestId(unknown.json)).toEqual({
        code: 'registry.not_found',
        message: 'No identity record matches this name and ID number.',
      });
      // The call log says the same for both.
      const logged = await sql<{
        result_code: string;
      }>`select result_code from verification where request_id in (${sql.join([
        wrongName.headers['x-request-id'] as string,
        unknown.headers['x-request-id'] as string,
      ])})`.execute(t.services.database.db);
      expect(logged.rows.map((r) => r.result_code)).toEqual(['registry.not_found', 'registry.not_found']);

      const malformed = await t.call(key, 'POST', '/v1/verifications', {
        selfie: fauci2,
        comparison: registryComparison({ name: zhang.name, id_number: `${zhang.id_number.slice(0, 17)}Y` }),
        consent,
      });
      expect([malformed.status, (malformed.json['error'] as { code: string }).code]).toEqual([
        400,
        'certification.invalid_resident_id',
      ]);
    });

    it('tells a live key which part failed, charges only a completed comparison', async () => {
      const { orgId, key } = await t.customer({ mode: 'live', cashFen: 1000 });
      const cash = async () => (await t.services.wallet.balances(orgId)).cash;
      const wrongName = await t.call(key, 'POST', '/v1/verifications', {
        selfie: fauci2,
        comparison: registryComparison({ name: '王五', id_number: zhang.id_number }),
        consent,
      });
      expect([wrongName.status, (wrongName.json['error'] as { code: string }).code]).toEqual([
        422,
        'registry.name_mismatch',
      ]);
      const unknown = await t.call(key, 'POST', '/v1/verifications', {
        selfie: fauci2,
        comparison: registryComparison({ name: zhang.name, id_number: unregistered }),
        consent,
      });
      expect([unknown.status, (unknown.json['error'] as { code: string }).code]).toEqual([422, 'registry.not_found']);
      expect(await cash()).toBe(1000);
      // Spaces and a lower-case x are normalised; the name is compared without spaces.
      const spaced = `${li.id_number.slice(0, 6)} ${li.id_number.slice(6, 14)} ${li.id_number.slice(14).toLowerCase()}`;
      const passed = await t.call(key, 'POST', '/v1/verifications', {
        selfie: bassett,
        comparison: registryComparison({ name: '李 四', id_number: spaced }),
        consent,
      });
      expect(passed.status).toBe(200);
      expect(passed.json).toMatchObject({ match: true, billed: true, sandbox: false });
      expect(await cash()).toBe(900);
    });

    it('replaces a re-imported number and erases a deleted record', async () => {
      const { key } = await t.customer({ mode: 'sandbox' });
      const before = await admin(t, ops, 'GET', '/admin/api/registry/identities');
      const reimported = await admin(t, ops, 'POST', '/admin/api/registry/identities', {
        records: [{ ...li, photo: fauci1 }],
        sandbox: true,
      });
      expect(reimported.json).toMatchObject({ imported: 1, created: 0, updated: 1 });
      const liRecord = before.json['records'].find((r: { id: string }) => r.id === reimported.json['ids'][0]);
      expect(liRecord).toBeDefined();
      const after = (await admin(t, ops, 'GET', '/admin/api/registry/identities')).json['records'].find(
        (r: { id: string }) => r.id === liRecord.id,
      );
      expect(after).toMatchObject({ has_photo: false, created_at: liRecord.created_at });
      const nowFauci = await t.call(key, 'POST', '/v1/verifications', {
        selfie: fauci2,
        comparison: registryComparison(li),
        consent,
      });
      expect(nowFauci.json).toMatchObject({ match: true });

      const deleted = await admin(t, ops, 'DELETE', `/admin/api/registry/identities/${liRecord.id}`);
      expect(deleted).toEqual({ status: 200, json: { id: liRecord.id, deleted: true } });
      const again = await admin(t, ops, 'DELETE', `/admin/api/registry/identities/${liRecord.id}`);
      expect([again.status, again.json['error'].code]).toEqual([404, 'registry.record_not_found']);
      const gone = await t.call(key, 'POST', '/v1/verifications', {
        selfie: fauci2,
        comparison: registryComparison(li),
        consent,
      });
      expect((gone.json['error'] as { code: string }).code).toBe('registry.not_found');
    });

    it('shows sandbox keys only sandbox records and live keys only live records', async () => {
      const wang = { name: '王五', id_number: residentId(6) };
      const zhao = { name: '赵六', id_number: residentId(7) };
      expect(
        (await admin(t, ops, 'POST', '/admin/api/registry/identities', { records: [{ ...wang, photo: fauci1 }] }))
          .status,
      ).toBe(201);
      expect(
        (
          await admin(t, ops, 'POST', '/admin/api/registry/identities', {
            records: [{ ...zhao, photo: fauci1 }],
            sandbox: true,
          })
        ).status,
      ).toBe(201);
      const sandboxKey = (await t.customer({ mode: 'sandbox' })).key;
      const liveKey = (await t.customer({ mode: 'live', cashFen: 1000 })).key;
      const compare = (key: typeof sandboxKey, who: { name: string; id_number: string }) =>
        t.call(key, 'POST', '/v1/verifications', { selfie: fauci2, comparison: registryComparison(who), consent });
      // A real (live) identity is not there for a sandbox key, right name or not.
      const probed = await compare(sandboxKey, wang);
      expect([probed.status, (probed.json['error'] as { code: string }).code]).toEqual([422, 'registry.not_found']);
      // A sandbox identity is not there for a live key.
      const test = await compare(liveKey, zhao);
      expect([test.status, (test.json['error'] as { code: string }).code]).toEqual([422, 'registry.not_found']);
      expect((await compare(sandboxKey, zhao)).json).toMatchObject({ match: true, sandbox: true });
      expect((await compare(liveKey, wang)).json).toMatchObject({ match: true, sandbox: false, billed: true });
    });

    it('analyses the selfie before the registry: a picture without a face learns nothing about a record', async () => {
      const { key } = await t.customer({ mode: 'live', cashFen: 1000 });
      const picture = await noFace();
      for (const who of [
        zhang,
        { name: '王五', id_number: zhang.id_number },
        { name: zhang.name, id_number: unregistered },
      ]) {
        const answer = await t.call(key, 'POST', '/v1/verifications', {
          selfie: picture,
          comparison: registryComparison(who),
          consent,
        });
        expect([answer.status, (answer.json['error'] as { code: string }).code]).toEqual([422, 'face.none']);
      }
    });

    it('refuses a live key its registry comparisons for the day after too many refusals, uncharged', async () => {
      const { orgId, key } = await t.customer({ mode: 'live', cashFen: 1000 });
      const wrong = () =>
        t.call(key, 'POST', '/v1/verifications', {
          selfie: fauci2,
          comparison: registryComparison({ name: '王五', id_number: zhang.id_number }),
          consent,
        });
      for (let i = 0; i < 3; i++) {
        expect(((await wrong()).json['error'] as { code: string }).code).toBe('registry.name_mismatch');
      }
      const capped = await wrong();
      expect(capped.status).toBe(429);
      expect(capped.json['error']).toMatchObject({
        code: 'registry.refusals_exceeded',
        details: { limit: 3, window: 'utc_day' },
      });
      const retryAfter = Number(capped.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(86_400);
      // Even the right name is refused now: the cap stops the comparisons, not only the wrong answers.
      const right = await t.call(key, 'POST', '/v1/verifications', {
        selfie: fauci2,
        comparison: registryComparison(zhang),
        consent,
      });
      expect([right.status, (right.json['error'] as { code: string }).code]).toEqual([
        429,
        'registry.refusals_exceeded',
      ]);
      expect((await t.services.wallet.balances(orgId)).cash).toBe(1000);
      // Another live key is counted on its own; a sandbox key (which sees only sandbox records) is not capped.
      const other = await t.customer({ mode: 'live', cashFen: 1000 });
      const fresh = await t.call(other.key, 'POST', '/v1/verifications', {
        selfie: fauci2,
        comparison: registryComparison(zhang),
        consent,
      });
      expect(fresh.json).toMatchObject({ match: true });
      const sandbox = (await t.customer({ mode: 'sandbox' })).key;
      for (let i = 0; i < 4; i++) {
        const refused = await t.call(sandbox, 'POST', '/v1/verifications', {
          selfie: fauci2,
          comparison: registryComparison({ name: zhang.name, id_number: unregistered }),
          consent,
        });
        expect((refused.json['error'] as { code: string }).code).toBe('registry.not_found');
      }
    });

    it('keeps names and numbers out of the audit log, the call log and the idempotency records', async () => {
      const db = t.services.database.db;
      const audit = await sql<Record<string, unknown>>`select * from audit_log`.execute(db);
      expect(audit.rows.some((row) => row['action'] === 'verification.completed')).toBe(true);
      const calls = await sql<Record<string, unknown>>`select * from verification`.execute(db);
      const idempotency = await sql<Record<string, unknown>>`select * from idempotency_record`.execute(db);
      const text = JSON.stringify([audit.rows, calls.rows, idempotency.rows]);
      for (const secret of [zhang.id_number, li.id_number, unregistered, zhang.name, li.name, '王五']) {
        expect(text).not.toContain(secret);
      }
      const registryAudit = audit.rows.filter((row) => String(row['data']).includes('"comparison_type":"registry"'));
      expect(registryAudit.length).toBeGreaterThan(0);
    });
  });
}

describe('registry comparisons against an external HTTP identity source', () => {
  let t: TestPlatform;
  let source: Server;
  let available = true;
  const asked: unknown[] = [];
  beforeAll(async () => {
    source = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { name: string; id_number: string };
        asked.push({ body, authorization: request.headers.authorization });
        if (!available) {
          response.writeHead(503).end();
          return;
        }
        const answer =
          body.id_number !== zhang.id_number
            ? { result: 'not_found' }
            : body.name === zhang.name
              ? { result: 'match', photo: fauci1 }
              : { result: 'name_mismatch' };
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
    t = await startTestPlatform({
      env: {
        VISAGE_SANDBOX_RATE_PER_SECOND: '1000',
        VISAGE_IDENTITY_SOURCE_URL: `http://127.0.0.1:${(source.address() as AddressInfo).port}/identity`,
        VISAGE_IDENTITY_SOURCE_TOKEN: 'operator-source-token-0001',
      },
    });
    await t.services.pricing.setPrice({ product: 'verification', amountFen: 100, actor: operator });
  });
  afterAll(async () => {
    await t.close();
    source.closeAllConnections();
    await new Promise((resolve) => source.close(resolve));
  });

  it('compares the selfie with the photo the source returns, and maps its answers to the registry codes', async () => {
    const { orgId, key } = await t.customer({ mode: 'live', cashFen: 1000 });
    const passed = await t.call(key, 'POST', '/v1/verifications', {
      selfie: fauci2,
      comparison: registryComparison(zhang),
      consent,
    });
    expect(passed.status).toBe(200);
    expect(passed.json).toMatchObject({ match: true, identity_source: 'http', billed: true });
    expect(asked.at(-1)).toEqual({ body: zhang, authorization: 'Bearer operator-source-token-0001' });

    const other = await t.call(key, 'POST', '/v1/verifications', {
      selfie: bassett,
      comparison: registryComparison(zhang),
      consent,
    });
    expect(other.json).toMatchObject({ match: false, decision: 'fail' });

    const mismatch = await t.call(key, 'POST', '/v1/verifications', {
      selfie: fauci2,
      comparison: registryComparison({ name: '王五', id_number: zhang.id_number }),
      consent,
    });
    expect((mismatch.json['error'] as { code: string }).code).toBe('registry.name_mismatch');

    available = false;
    const down = await t.call(key, 'POST', '/v1/verifications', {
      selfie: fauci2,
      comparison: registryComparison(zhang),
      consent,
    });
    available = true;
    expect([down.status, (down.json['error'] as { code: string }).code]).toEqual([503, 'registry.source_unavailable']);
    // Two completed comparisons charged; the mismatch and the outage were not.
    expect((await t.services.wallet.balances(orgId)).cash).toBe(800);
  });

  it('never asks the external source for a sandbox key: sandbox keys see the sandbox records only', async () => {
    const ops = await signedInOperator(t, 'admin', 'source-admin');
    const imported = await admin(t, ops, 'POST', '/admin/api/registry/identities', {
      records: [{ ...li, photo: bassett }],
      sandbox: true,
    });
    expect(imported.status).toBe(201);
    const { key } = await t.customer({ mode: 'sandbox' });
    const askedBefore = asked.length;
    // The source knows zhang; the sandbox key does not get to see that.
    const real = await t.call(key, 'POST', '/v1/verifications', {
      selfie: fauci2,
      comparison: registryComparison(zhang),
      consent,
    });
    expect([real.status, (real.json['error'] as { code: string }).code]).toEqual([422, 'registry.not_found']);
    const test = await t.call(key, 'POST', '/v1/verifications', {
      selfie: bassett,
      comparison: registryComparison(li),
      consent,
    });
    expect(test.json).toMatchObject({ match: true, identity_source: 'registry', sandbox: true });
    expect(asked.length).toBe(askedBefore);
  });
});
