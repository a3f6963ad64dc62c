import { createCertification, createOrganizations, type NoticeRequest } from '@visage/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCertificationRepository, createIndustryRepository } from './certification.repository.js';
import type { VisageDatabase } from './database.js';
import { createOrganizationRepository } from './organization.repository.js';
import { createSanctionsRepository } from './sanctions.repository.js';
import { aesGcmSecretBox, auditOn, manualClock, nodeCrypto } from './testing/account-ports.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';

const owner = 'user:usr_owner';
const reviewer = 'operator:rita';
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const pdf = new TextEncoder().encode('%PDF-1.7\n...');
const complete = {
  companyName: 'Shenzhen Example Technology Co., Ltd.',
  creditCode: '9144030071526726XG',
  legalRepName: 'Wang Fang',
  legalRepIdNumber: '11010519491231002X',
  contactName: 'Li Lei',
  contactPhone: '+86 138 0013 8000',
  address: '1 Keji Road, Nanshan, Shenzhen',
  industryCode: 'internet',
};

for (const dialect of dialectNames) {
  describe(`certification on ${dialect}`, () => {
    let database: VisageDatabase;
    let clock: ReturnType<typeof manualClock>;
    let audited: ReturnType<typeof auditOn>;
    let certification: ReturnType<typeof createCertification>;
    let organizations: ReturnType<typeof createOrganizations>;
    let sent: NoticeRequest[];
    let failNotices: boolean;
    let noticeFailures: { error: unknown; request: NoticeRequest }[];
    let orgId: string;

    beforeEach(async () => {
      database = await freshDatabase(dialect);
      clock = manualClock();
      audited = auditOn(database, clock);
      sent = [];
      failNotices = false;
      noticeFailures = [];
      organizations = createOrganizations({
        repo: createOrganizationRepository(database),
        clock,
        crypto: nodeCrypto,
        audit: audited.audit,
      });
      certification = createCertification({
        applications: createCertificationRepository(database),
        industries: createIndustryRepository(database),
        sanctions: createSanctionsRepository(database),
        organizations,
        notices: {
          notify: async (request) => {
            if (failNotices) throw new Error('inbox unavailable');
            sent.push(request);
            return { count: 1 };
          },
        },
        secretBox: aesGcmSecretBox(),
        clock,
        crypto: nodeCrypto,
        audit: audited.audit,
        onError: (error, request) => noticeFailures.push({ error, request }),
      });
      orgId = (await organizations.create('Example', {}, 'operator:setup')).id;
    });
    afterEach(() => database.destroy());

    it('starts with a seeded industry catalogue, some needing licences, and lets the operator replace it', async () => {
      const seeded = await certification.industries();
      expect(seeded.map((i) => i.code)).toEqual(expect.arrayContaining(['finance', 'telecom', 'healthcare', 'other']));
      expect(seeded.find((i) => i.code === 'telecom')?.licences).toEqual([
        expect.objectContaining({ code: 'icp_licence', nameEn: expect.stringContaining('ICP') }),
      ]);
      const replaced = [
        {
          code: 'bank',
          nameZh: '银行',
          nameEn: 'Bank',
          licences: [{ code: 'bank_licence', nameZh: '金融许可证', nameEn: 'Banking licence' }],
        },
        { code: 'other', nameZh: '其他', nameEn: 'Other', licences: [] },
      ];
      await certification.replaceIndustries(replaced, reviewer);
      expect(await certification.industries()).toEqual(replaced);
      await expect(certification.replaceIndustries([replaced[1]!, replaced[1]!], reviewer)).rejects.toMatchObject({
        code: 'request.invalid',
      });
      expect(await audited.recordedActions()).toContain('certification.industries_replace');
    });

    it('saves a draft field by field, validating codes and sealing the ID number', async () => {
      await expect(certification.save(orgId, { creditCode: '914403001922038217' }, owner)).rejects.toMatchObject({
        code: 'certification.invalid_credit_code',
        details: { field: 'credit_code', problem: 'check_character' },
      });
      await expect(certification.save(orgId, { legalRepIdNumber: '110105194912310021' }, owner)).rejects.toMatchObject({
        code: 'certification.invalid_resident_id',
        details: { field: 'legal_rep_id_number', problem: 'check_digit' },
      });
      await expect(certification.save(orgId, { industryCode: 'mining' }, owner)).rejects.toMatchObject({
        code: 'certification.unknown_industry',
      });
      await certification.save(orgId, { companyName: ' Example Ltd ', legalRepIdNumber: '11010519491231002x' }, owner);
      const saved = await certification.save(orgId, { creditCode: '9144030071526726xg' }, owner);
      expect(saved).toMatchObject({
        companyName: 'Example Ltd',
        creditCode: '9144030071526726XG',
        legalRepIdMasked: '110***********002X',
      });
      expect(new TextDecoder().decode(saved.legalRepIdSealed!)).not.toContain('110105');
      const entries = await audited.recorded();
      expect(JSON.stringify(entries)).not.toContain('11010519491231002X');
    });

    it('stores documents sealed, checks their type and size, and shows each only to its organisation', async () => {
      const doc = await certification.uploadDocument({ orgId, kind: 'business_licence', bytes: png, actor: owner });
      expect(doc).toMatchObject({ contentType: 'image/png', bytes: png.length, kind: 'business_licence' });
      expect((await certification.readDocument(orgId, doc.id)).bytes).toEqual(png);
      const stored = await database.db.selectFrom('certification_document').select('sealed').executeTakeFirstOrThrow();
      expect(Buffer.from(stored.sealed).includes(Buffer.from(png))).toBe(false);

      const other = (await organizations.create('Other', {}, 'operator:setup')).id;
      await expect(certification.readDocument(other, doc.id)).rejects.toMatchObject({ code: 'document.not_found' });
      await expect(
        certification.uploadDocument({
          orgId,
          kind: 'business_licence',
          bytes: new TextEncoder().encode('GIF89a'),
          actor: owner,
        }),
      ).rejects.toMatchObject({ code: 'document.unsupported_type' });
      const huge = new Uint8Array(5 * 1024 * 1024 + 1);
      huge.set(png);
      await expect(
        certification.uploadDocument({ orgId, kind: 'business_licence', bytes: huge, actor: owner }),
      ).rejects.toMatchObject({ code: 'document.too_large', details: { max_bytes: 5 * 1024 * 1024 } });
      await expect(
        certification.uploadDocument({ orgId, kind: 'passport', bytes: png, actor: owner }),
      ).rejects.toMatchObject({ code: 'request.invalid' });

      clock.advanceSeconds(1);
      const newer = await certification.uploadDocument({ orgId, kind: 'business_licence', bytes: pdf, actor: owner });
      const { documents } = await certification.application(orgId);
      expect(documents.map((d) => d.id)).toEqual([newer.id]);
    });

    it('submits only a complete application, with the licences its industry requires', async () => {
      await expect(certification.submit(orgId, owner)).rejects.toMatchObject({
        code: 'certification.incomplete',
        details: { missing: expect.arrayContaining(['company_name', 'legal_rep_id_number', 'business_licence']) },
      });
      await certification.save(orgId, { ...complete, industryCode: 'telecom' }, owner);
      await certification.uploadDocument({ orgId, kind: 'business_licence', bytes: png, actor: owner });
      await expect(certification.submit(orgId, owner)).rejects.toMatchObject({
        code: 'certification.incomplete',
        details: { missing: ['licence:icp_licence'] },
      });
      await certification.uploadDocument({ orgId, kind: 'licence:icp_licence', bytes: pdf, actor: owner });
      const { org, application } = await certification.submit(orgId, owner);
      expect(org.certification).toBe('pending');
      expect(application?.screening).toMatchObject({ entriesScreened: 0, matches: [] });
      await expect(certification.save(orgId, { address: 'elsewhere' }, owner)).rejects.toMatchObject({
        code: 'certification.not_editable',
        details: { state: 'pending' },
      });
    });

    it('screens the company name and the legal representative against imported lists at submission', async () => {
      await certification.importSanctions(
        [
          { list: 'SDN', program: 'SDGT', name: 'Example Technology Company', aliases: [] },
          { list: 'SDN', program: 'GLOMAG', name: 'FANG, Wang', aliases: ['Wang Fong'] },
          { list: 'EL', program: 'EAR', name: 'Unrelated Widgets', aliases: [] },
        ],
        reviewer,
      );
      expect(await certification.sanctionsLists()).toEqual([
        { name: 'EL', entries: 1, importedAt: clock.now().toISOString(), importedBy: reviewer },
        { name: 'SDN', entries: 2, importedAt: clock.now().toISOString(), importedBy: reviewer },
      ]);
      // Importing a list again replaces it, and leaves the others alone.
      await certification.importSanctions(
        [
          { list: 'SDN', program: 'SDGT', name: 'Shenzhen Example Technology', aliases: ['深圳示例科技'] },
          { list: 'SDN', program: 'GLOMAG', name: 'FANG, Wang', aliases: [] },
        ],
        reviewer,
      );
      expect((await certification.sanctionsLists()).map((l) => [l.name, l.entries])).toEqual([
        ['EL', 1],
        ['SDN', 2],
      ]);
      // Entries that would make every screening slow are refused, and the lists stay as they were.
      for (const entry of [
        { list: 'SDN', program: 'X', name: 'x'.repeat(301), aliases: [] },
        { list: 'SDN', program: 'X', name: 'Someone', aliases: ['y'.repeat(301)] },
        { list: 'SDN', program: 'X', name: 'Someone', aliases: Array.from({ length: 101 }, (_, n) => `alias ${n}`) },
      ]) {
        await expect(certification.importSanctions([entry], reviewer)).rejects.toMatchObject({
          code: 'request.invalid',
        });
      }
      expect((await certification.sanctionsLists()).map((l) => [l.name, l.entries])).toEqual([
        ['EL', 1],
        ['SDN', 2],
      ]);

      await certification.save(orgId, complete, owner);
      await certification.uploadDocument({ orgId, kind: 'business_licence', bytes: png, actor: owner });
      const { application } = await certification.submit(orgId, owner);
      expect(application?.screening?.entriesScreened).toBe(3);
      expect(application?.screening?.matches).toEqual([
        expect.objectContaining({ subject: 'company_name', list: 'SDN', program: 'SDGT', score: 1 }),
        expect.objectContaining({ subject: 'legal_rep_name', matchedName: 'FANG, Wang', score: 1 }),
      ]);
      const [queued] = await certification.queue('pending', 10);
      expect(queued).toMatchObject({ orgId, matchCount: 2, companyName: complete.companyName });
    });

    it('lets neither a save racing a submission change the screened names nor undo the submission', async () => {
      await certification.importSanctions(
        [{ list: 'SDN', program: 'SDGT', name: 'Evil Front Company', aliases: [] }],
        reviewer,
      );
      await certification.save(orgId, { ...complete, companyName: 'Harmless Trading' }, owner);
      await certification.uploadDocument({ orgId, kind: 'business_licence', bytes: png, actor: owner });
      clock.advanceSeconds(1);
      // The customer saves a listed name while submitting: the submission lands between the save's state check
      // and its write.
      const repo = createCertificationRepository(database);
      let submission: Promise<unknown> | undefined;
      const racing = createCertification({
        applications: {
          ...repo,
          saveApplication: async (application, expected) => {
            submission ??= certification.submit(orgId, owner);
            await submission;
            return repo.saveApplication(application, expected);
          },
        },
        industries: createIndustryRepository(database),
        sanctions: createSanctionsRepository(database),
        organizations,
        notices: { notify: async () => ({ count: 1 }) },
        secretBox: aesGcmSecretBox(),
        clock,
        crypto: nodeCrypto,
        audit: audited.audit,
      });
      await expect(racing.save(orgId, { companyName: 'Evil Front Company' }, owner)).rejects.toMatchObject({
        code: 'certification.not_editable',
        details: { state: 'pending' },
      });
      const [queued] = await certification.queue('pending', 10);
      expect(queued).toMatchObject({ orgId, companyName: 'Harmless Trading', submittedAt: expect.any(String) });
      const review = await certification.review(orgId);
      expect(review.application).toMatchObject({ companyName: 'Harmless Trading', screening: { matches: [] } });
    });

    it('screens what a save that passed its state check wrote while the submission moved the state', async () => {
      await certification.importSanctions(
        [{ list: 'SDN', program: 'SDGT', name: 'Evil Front Company', aliases: [] }],
        reviewer,
      );
      await certification.save(orgId, { ...complete, companyName: 'Harmless Trading' }, owner);
      await certification.uploadDocument({ orgId, kind: 'business_licence', bytes: png, actor: owner });
      const repo = createCertificationRepository(database);
      const read = (await repo.findApplication(orgId))!;
      const racing = createCertification({
        applications: repo,
        industries: createIndustryRepository(database),
        sanctions: createSanctionsRepository(database),
        organizations: {
          ...organizations,
          submitForCertification: async (id, options) => {
            // The save's write (over what it read, the state still editable when it checked) lands now.
            clock.advanceSeconds(1);
            const changed = { ...read, companyName: 'Evil Front Company', updatedAt: clock.now().toISOString() };
            expect(await repo.saveApplication(changed, read)).toBe(true);
            return organizations.submitForCertification(id, options);
          },
        },
        notices: { notify: async () => ({ count: 1 }) },
        secretBox: aesGcmSecretBox(),
        clock,
        crypto: nodeCrypto,
        audit: audited.audit,
      });
      const { application } = await racing.submit(orgId, owner);
      expect(application).toMatchObject({ companyName: 'Evil Front Company', submittedAt: expect.any(String) });
      expect(application?.screening?.matches).toEqual([
        expect.objectContaining({ subject: 'company_name', entryName: 'Evil Front Company', score: 1 }),
      ]);
      expect((await certification.review(orgId)).application).toMatchObject({
        companyName: 'Evil Front Company',
        screening: { matches: [expect.objectContaining({ entryName: 'Evil Front Company' })] },
      });
    });

    it('decides even when the notice fails: the decision stands and the failure is reported', async () => {
      const second = (await organizations.create('Second', {}, 'operator:setup')).id;
      for (const id of [orgId, second]) {
        await certification.save(id, complete, owner);
        await certification.uploadDocument({ orgId: id, kind: 'business_licence', bytes: png, actor: owner });
        await certification.submit(id, owner);
      }
      failNotices = true;
      expect((await certification.approve(orgId, { actor: reviewer })).certification).toBe('certified');
      expect((await certification.reject(second, { actor: reviewer, reason: 'Blurred.' })).certification).toBe(
        'rejected',
      );
      expect(noticeFailures.map(({ error, request }) => [request.kind, request.orgIds, String(error)])).toEqual([
        ['certification.approved', [orgId], 'Error: inbox unavailable'],
        ['certification.rejected', [second], 'Error: inbox unavailable'],
      ]);
      expect((await certification.application(orgId)).application).toMatchObject({ decidedBy: reviewer });
    });

    it('approves only what was submitted through an application', async () => {
      await organizations.submitForCertification(orgId, { actor: owner });
      await expect(certification.approve(orgId, { actor: reviewer })).rejects.toMatchObject({
        code: 'certification.not_found',
      });
      const registered = (await organizations.create('Registered', {}, 'operator:setup')).id;
      await expect(certification.approve(registered, { actor: reviewer })).rejects.toMatchObject({
        code: 'org.invalid_transition',
        details: { from: 'registered', to: 'certified' },
      });
      expect(sent).toEqual([]);
    });

    it('queues submissions oldest first; a reviewer rejects with a reason, the customer corrects and resubmits', async () => {
      const second = (await organizations.create('Second', {}, 'operator:setup')).id;
      for (const id of [orgId, second]) {
        await certification.save(id, complete, owner);
        await certification.uploadDocument({ orgId: id, kind: 'business_licence', bytes: png, actor: owner });
        await certification.submit(id, owner);
        clock.advanceSeconds(60);
      }
      expect((await certification.queue('pending', 10)).map((q) => q.orgId)).toEqual([orgId, second]);

      await expect(certification.reject(orgId, { actor: reviewer, reason: ' ' })).rejects.toMatchObject({
        code: 'request.invalid',
      });
      await certification.reject(orgId, { actor: reviewer, reason: 'The licence photo is unreadable.' });
      expect(sent).toEqual([
        {
          orgIds: [orgId],
          kind: 'certification.rejected',
          data: { reason: 'The licence photo is unreadable.' },
          email: true,
        },
      ]);
      const rejected = await certification.application(orgId);
      expect(rejected.org.certification).toBe('rejected');
      expect(rejected.application).toMatchObject({
        decisionReason: 'The licence photo is unreadable.',
        decidedBy: reviewer,
      });

      await certification.uploadDocument({ orgId, kind: 'business_licence', bytes: pdf, actor: owner });
      await certification.submit(orgId, owner);
      const review = await certification.review(orgId);
      expect(review.licenceCheck).toEqual([
        expect.objectContaining({ code: 'business_licence', documentId: review.documents[0]!.id }),
      ]);
      await certification.approve(orgId, { actor: reviewer });
      expect((await organizations.get(orgId)).certification).toBe('certified');
      expect(sent.at(-1)).toEqual({ orgIds: [orgId], kind: 'certification.approved', email: true });
      await expect(certification.approve(orgId, { actor: reviewer })).rejects.toMatchObject({
        code: 'org.invalid_transition',
      });
      const actions = await audited.recordedActions();
      expect(actions).toEqual(expect.arrayContaining(['certification.submit', 'org.reject', 'org.certify']));
    });
  });
}
