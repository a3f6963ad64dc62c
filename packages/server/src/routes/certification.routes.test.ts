import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperatorRole } from '@visage/core';
import { dialectNames } from '@visage/storage/testing';
import { fixture, operator, startTestPlatform, type TestPlatform } from '../testing/test-platform.js';

const password = 'a long enough passphrase';
const jpeg = fixture('lfw-anthony-fauci-0001.jpg');
const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');

interface Browser {
  readonly cookie: string;
  readonly csrf: string;
}

type Method = 'GET' | 'POST' | 'PUT';

const application = {
  company_name: 'Shenzhen Example Technology Co., Ltd.',
  credit_code: '9144030071526726XG',
  legal_rep_name: 'Wang Fang',
  legal_rep_id_number: '11010519491231002X',
  contact_name: 'Li Lei',
  contact_phone: '+86 138 0013 8000',
  address: '1 Keji Road, Nanshan, Shenzhen',
  industry_code: 'telecom',
};

function multipart(fields: Record<string, string>, file: { name: string; filename: string; bytes: Buffer }) {
  const boundary = `----visage${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

for (const dialect of dialectNames) {
  describe(`certification through the consoles on ${dialect}`, () => {
    let t: TestPlatform;
    beforeAll(async () => {
      t = await startTestPlatform({ dialect });
    });
    afterAll(() => t.close());

    async function send(
      method: Method,
      url: string,
      options: { as?: Browser; body?: unknown; raw?: { payload: Buffer; contentType: string } } = {},
    ) {
      const { as, body, raw } = options;
      const response = await t.platform.app.inject({
        method,
        url,
        headers: {
          ...(as ? { cookie: as.cookie, 'x-csrf-token': as.csrf } : {}),
          ...(raw ? { 'content-type': raw.contentType } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(raw ? { payload: raw.payload } : {}),
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      const isJson = String(response.headers['content-type'] ?? '').startsWith('application/json');
      return {
        status: response.statusCode,
        headers: response.headers,
        raw: response.rawPayload,
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        json: (isJson && response.body !== '' ? response.json() : {}) as Record<string, any>,
      };
    }

    let made = 0;
    async function customer(): Promise<Browser & { orgId: string }> {
      const username = `cert-owner-${++made}`;
      const registered = await send('POST', '/console/api/register', {
        body: { org_name: `Org ${made}`, username, email: `${username}@example.com`, mobile: '13800000000', password },
      });
      expect(registered.status).toBe(201);
      const response = await t.platform.app.inject({
        method: 'POST',
        url: '/console/api/session',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ username, password }),
      });
      const token = /visage_session=([^;]+)/.exec([response.headers['set-cookie']].flat().join('\n'))![1]!;
      return {
        cookie: `visage_session=${token}`,
        csrf: response.json()['csrf_token'],
        orgId: registered.json['org_id'],
      };
    }

    async function operatorOf(role: OperatorRole): Promise<Browser> {
      const username = `cert-ops-${role}-${++made}`;
      await t.services.users.createOperator({ username, password, role, actor: operator });
      const response = await t.platform.app.inject({
        method: 'POST',
        url: '/admin/api/session',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ username, password }),
      });
      expect(response.statusCode).toBe(200);
      const token = /visage_admin_session=([^;]+)/.exec([response.headers['set-cookie']].flat().join('\n'))![1]!;
      return { cookie: `visage_admin_session=${token}`, csrf: response.json()['csrf_token'] };
    }

    const upload = (as: Browser, kind: string, bytes: Buffer) =>
      send('POST', '/console/api/certification/documents', {
        as,
        raw: multipart({ kind }, { name: 'file', filename: 'scan.bin', bytes }),
      });

    it('lists the industry catalogue and refuses a wrong check character with a clear error', async () => {
      const owner = await customer();
      const industries = await send('GET', '/console/api/industries', { as: owner });
      expect(industries.status).toBe(200);
      expect(industries.json['industries']).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            code: 'telecom',
            licences: [expect.objectContaining({ code: 'icp_licence', name_zh: expect.stringContaining('ICP') })],
          }),
        ]),
      );

      const wrongCode = await send('PUT', '/console/api/certification', {
        as: owner,
        body: { credit_code: '9144030071526726XH' },
      });
      expect(wrongCode.status).toBe(400);
      expect(wrongCode.json['error']).toMatchObject({
        code: 'certification.invalid_credit_code',
        message: expect.stringMatching(/credit code/),
        details: { field: 'credit_code', problem: 'check_character' },
      });
      const wrongId = await send('PUT', '/console/api/certification', {
        as: owner,
        body: { legal_rep_id_number: '110105194912310021' },
      });
      expect(wrongId.json['error']).toMatchObject({
        code: 'certification.invalid_resident_id',
        details: { field: 'legal_rep_id_number', problem: 'check_digit' },
      });

      const empty = await send('GET', '/console/api/certification', { as: owner });
      expect(empty.json).toEqual({
        state: 'registered',
        certification: 'registered',
        editable: true,
        application: null,
        documents: [],
        required_documents: [expect.objectContaining({ kind: 'business_licence', document_id: null })],
        decision: null,
      });
    });

    it('runs the whole review: upload, submit with screening, reject, resubmit, approve', async () => {
      const reviewer = await operatorOf('reviewer');
      const imported = await send('POST', '/admin/api/sanctions/lists', {
        as: reviewer,
        body: {
          csv: 'name,aliases,list,program\n"EXAMPLE TECHNOLOGY CO., LTD.","示例科技; Example Tech",Entity List,EAR\n',
        },
      });
      expect(imported.status).toBe(201);
      expect(imported.json).toEqual({ lists: [{ name: 'Entity List', entries: 1 }] });
      const lists = await send('GET', '/admin/api/sanctions/lists', { as: reviewer });
      expect(lists.json['lists']).toEqual([
        expect.objectContaining({ name: 'Entity List', entries: 1, imported_by: expect.stringMatching(/^operator:/) }),
      ]);

      const owner = await customer();
      const saved = await send('PUT', '/console/api/certification', { as: owner, body: application });
      expect(saved.status).toBe(200);
      expect(saved.json['application']).toMatchObject({
        credit_code: '9144030071526726XG',
        legal_rep_id_masked: '110***********002X',
      });
      expect(JSON.stringify(saved.json)).not.toContain('11010519491231002X');
      expect(saved.json['required_documents'].map((d: { kind: string }) => d.kind)).toEqual([
        'business_licence',
        'licence:icp_licence',
      ]);

      const licence = await upload(owner, 'business_licence', jpeg);
      expect(licence.status).toBe(201);
      expect(licence.json).toMatchObject({ kind: 'business_licence', content_type: 'image/jpeg', bytes: jpeg.length });
      const huge = Buffer.concat([jpeg, Buffer.alloc(5 * 1024 * 1024)]);
      const tooLarge = await upload(owner, 'business_licence', huge);
      expect([tooLarge.status, tooLarge.json['error']?.code]).toEqual([413, 'document.too_large']);
      expect(tooLarge.json['error']?.details).toEqual({ bytes: huge.length, max_bytes: 5 * 1024 * 1024 });
      const notADocument = await upload(owner, 'business_licence', Buffer.from('GIF89a....'));
      expect([notADocument.status, notADocument.json['error']?.code]).toEqual([415, 'document.unsupported_type']);

      const incomplete = await send('POST', '/console/api/certification/submission', { as: owner });
      expect(incomplete.status).toBe(422);
      expect(incomplete.json['error']).toMatchObject({
        code: 'certification.incomplete',
        details: { missing: ['licence:icp_licence'] },
      });
      const icp = await upload(owner, 'licence:icp_licence', pdf);
      expect(icp.status).toBe(201);

      const read = await send('GET', `/console/api/certification/documents/${licence.json['document_id']}`, {
        as: owner,
      });
      expect(read.status).toBe(200);
      expect(read.headers['content-type']).toBe('image/jpeg');
      expect(read.headers['x-content-type-options']).toBe('nosniff');
      expect(Buffer.compare(read.raw, jpeg)).toBe(0);
      const stranger = await customer();
      const foreign = await send('GET', `/console/api/certification/documents/${licence.json['document_id']}`, {
        as: stranger,
      });
      expect([foreign.status, foreign.json['error']?.code]).toEqual([404, 'document.not_found']);

      const submitted = await send('POST', '/console/api/certification/submission', { as: owner });
      expect(submitted.status).toBe(200);
      expect(submitted.json).toMatchObject({ state: 'pending', editable: false });
      expect(JSON.stringify(submitted.json)).not.toContain('Entity List');
      const locked = await send('PUT', '/console/api/certification', { as: owner, body: { address: 'elsewhere' } });
      expect([locked.status, locked.json['error']?.code]).toEqual([409, 'certification.not_editable']);

      const queue = await send('GET', '/admin/api/certifications', { as: reviewer });
      expect(queue.status).toBe(200);
      expect(queue.json['applications']).toContainEqual(
        expect.objectContaining({ org_id: owner.orgId, match_count: 1, company_name: application.company_name }),
      );

      const detail = await send('GET', `/admin/api/certifications/${owner.orgId}`, { as: reviewer });
      expect(detail.status).toBe(200);
      expect(detail.json).toMatchObject({
        org: { id: owner.orgId, state: 'pending' },
        application: { legal_rep_id_masked: '110***********002X' },
        industry: { code: 'telecom' },
        licence_check: [
          { kind: 'business_licence', present: true },
          { kind: 'licence:icp_licence', present: true },
        ],
        screening: {
          entries_screened: 1,
          matches: [
            {
              subject: 'company_name',
              list: 'Entity List',
              program: 'EAR',
              entry_name: 'EXAMPLE TECHNOLOGY CO., LTD.',
              score: expect.any(Number),
            },
          ],
        },
      });
      const adminRead = await send(
        'GET',
        `/admin/api/certifications/${owner.orgId}/documents/${icp.json['document_id']}`,
        { as: reviewer },
      );
      expect([adminRead.status, adminRead.headers['content-type']]).toEqual([200, 'application/pdf']);
      expect(Buffer.compare(adminRead.raw, pdf)).toBe(0);

      const noReason = await send('POST', `/admin/api/certifications/${owner.orgId}/rejection`, {
        as: reviewer,
        body: {},
      });
      expect(noReason.status).toBe(400);
      const rejected = await send('POST', `/admin/api/certifications/${owner.orgId}/rejection`, {
        as: reviewer,
        body: { reason: 'The business licence photo is blurred.' },
      });
      expect(rejected.json).toEqual({ org_id: owner.orgId, state: 'rejected', certification: 'rejected' });
      const seen = await send('GET', '/console/api/certification', { as: owner });
      expect(seen.json).toMatchObject({
        state: 'rejected',
        editable: true,
        decision: { reason: 'The business licence photo is blurred.' },
      });

      const inbox = await send('GET', '/console/api/notices', { as: owner });
      expect(inbox.json['notices']).toContainEqual(
        expect.objectContaining({
          kind: 'certification.rejected',
          data: expect.objectContaining({ reason: 'The business licence photo is blurred.' }),
        }),
      );

      expect((await upload(owner, 'business_licence', jpeg)).status).toBe(201);
      expect((await send('POST', '/console/api/certification/submission', { as: owner })).json['state']).toBe(
        'pending',
      );
      const approved = await send('POST', `/admin/api/certifications/${owner.orgId}/approval`, {
        as: reviewer,
        body: { reason: 'Documents check out.' },
      });
      expect(approved.json).toEqual({ org_id: owner.orgId, state: 'certified', certification: 'certified' });
      const again = await send('POST', `/admin/api/certifications/${owner.orgId}/approval`, { as: reviewer, body: {} });
      expect([again.status, again.json['error']?.code]).toEqual([409, 'org.invalid_transition']);
      expect((await t.services.organizations.get(owner.orgId)).certification).toBe('certified');
    });

    it('lets only operators with the permission review, and lets reviewers edit the catalogue', async () => {
      const finance = await operatorOf('finance');
      for (const [method, url] of [
        ['GET', '/admin/api/certifications'],
        ['GET', '/admin/api/industries'],
        ['GET', '/admin/api/sanctions/lists'],
      ] as const) {
        const refused = await send(method, url, { as: finance });
        expect([refused.status, refused.json['error']?.code], url).toEqual([403, 'auth.forbidden']);
      }
      const owner = await customer();
      const asCustomer = await send('GET', '/admin/api/certifications', { as: owner });
      expect(asCustomer.status).toBe(401);

      const reviewer = await operatorOf('reviewer');
      const current = await send('GET', '/admin/api/industries', { as: reviewer });
      const industries = [
        ...current.json['industries'],
        {
          code: 'gaming',
          name_zh: '网络游戏',
          name_en: 'Online games',
          licences: [{ code: 'game_licence', name_zh: '网络文化经营许可证', name_en: 'Online culture licence' }],
        },
      ];
      const replaced = await send('PUT', '/admin/api/industries', { as: reviewer, body: { industries } });
      expect(replaced.status).toBe(200);
      expect((await send('GET', '/console/api/industries', { as: owner })).json['industries']).toEqual(industries);
      await send('PUT', '/admin/api/industries', { as: reviewer, body: { industries: current.json['industries'] } });

      const badCsv = await send('POST', '/admin/api/sanctions/lists', {
        as: reviewer,
        body: { csv: 'aliases,list\nx,SDN\n' },
      });
      expect([badCsv.status, badCsv.json['error']?.code]).toEqual([400, 'sanctions.invalid_csv']);

      // The import has its own body limit (20 MiB), below the server's 30 MiB, and says which limit applied.
      const huge = await send('POST', '/admin/api/sanctions/lists', {
        as: reviewer,
        body: { csv: `name,aliases,list,program\n${'Someone,,SDN,X\n'.repeat(1_500_000)}` },
      });
      expect([huge.status, huge.json['error']?.code, huge.json['error']?.details]).toEqual([
        413,
        'request.body_too_large',
        { limit_bytes: 20 * 1024 * 1024 },
      ]);
    });
  });
}
