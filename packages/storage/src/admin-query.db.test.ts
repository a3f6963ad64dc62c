import {
  createAgreement,
  createOrganizations,
  createUsers,
  createWallet,
  type AdminQueryRepository,
  type VerificationRecord,
} from '@visage/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdminQueryRepository } from './admin-query.repository.js';
import { createAgreementRepository } from './agreement.repository.js';
import type { VisageDatabase } from './database.js';
import { createLedgerRepository } from './ledger.repository.js';
import { createOrganizationRepository } from './organization.repository.js';
import { auditOn, fastHasher, manualClock, nodeCrypto as crypto } from './testing/account-ports.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';
import { createUserRepository } from './user-account.repository.js';
import { createVerificationRepository } from './verification.repository.js';

const operator = 'operator:test';

function call(id: string, overrides: Partial<VerificationRecord>): VerificationRecord {
  return {
    id,
    orgId: 'org_x',
    appId: 'app_1',
    keyId: 'ak_1',
    product: 'compare',
    sandbox: false,
    subjectRef: null,
    consentId: null,
    bizNo: null,
    requestId: `req_${id}`,
    resultCode: 'result.match',
    billed: true,
    amountFen: 10,
    createdAt: '2026-11-28T09:00:00.000Z',
    timeUsedMs: 100,
    resultSealed: null,
    resultExpiresAt: null,
    ...overrides,
  };
}

for (const dialect of dialectNames) {
  describe(`admin queries on ${dialect}`, () => {
    let database: VisageDatabase;
    let queries: AdminQueryRepository;
    const clock = manualClock('2026-11-28T08:00:00Z');

    beforeEach(async () => {
      database = await freshDatabase(dialect);
      queries = createAdminQueryRepository(database);
    });
    afterEach(() => database.destroy());

    const services = () => {
      const { audit } = auditOn(database, clock);
      const repo = createOrganizationRepository(database);
      return {
        audit,
        organizations: createOrganizations({ repo, clock, crypto, audit }),
        users: createUsers({ users: createUserRepository(database), hasher: fastHasher, clock, crypto, audit }),
      };
    };

    it('searches organisations by name, id, username and email, by state, newest first with keyset paging', async () => {
      const { organizations, users } = services();
      const { org: acme } = await users.registerOrganisationOwner({
        orgName: 'Acme 100% Ltd',
        username: 'acme_boss',
        email: 'boss@acme.example',
        mobile: '13800000000',
        password: 'a long enough passphrase',
      });
      clock.advanceSeconds(1);
      const beta = await organizations.create('Beta Trading', { certified: true }, operator);
      clock.advanceSeconds(1);
      const gamma = await organizations.create('Gamma', {}, operator);
      await organizations.suspend(gamma.id, { actor: operator, reason: 'test' });
      await users.createOperator({ username: 'ops', password: 'a long enough passphrase', actor: operator });

      const ids = async (search: Parameters<AdminQueryRepository['searchOrganizations']>[0]) =>
        (await queries.searchOrganizations(search)).map((row) => row.org.id);
      expect(await ids({ limit: 10 })).toEqual([gamma.id, beta.id, acme.id]);
      expect(await queries.searchOrganizations({ text: 'ACME', limit: 10 })).toEqual([
        { org: expect.objectContaining({ id: acme.id, name: 'Acme 100% Ltd' }), owner: 'acme_boss' },
      ]);
      expect(await ids({ text: '100%', limit: 10 })).toEqual([acme.id]);
      expect(await ids({ text: '%', limit: 10 })).toEqual([acme.id]);
      expect(await ids({ text: '_', limit: 10 })).toEqual([acme.id]);
      expect(await ids({ text: 'boss@ACME', limit: 10 })).toEqual([acme.id]);
      expect(await ids({ text: beta.id, limit: 10 })).toEqual([beta.id]);
      expect(await ids({ text: 'nobody', limit: 10 })).toEqual([]);
      expect(await ids({ state: 'certified', limit: 10 })).toEqual([beta.id]);
      expect(await ids({ state: 'registered', limit: 10 })).toEqual([acme.id]);
      expect(await ids({ state: 'suspended', limit: 10 })).toEqual([gamma.id]);

      const [first] = await queries.searchOrganizations({ limit: 1 });
      expect(await ids({ limit: 5, after: { createdAt: first!.org.createdAt, id: first!.org.id } })).toEqual([
        beta.id,
        acme.id,
      ]);

      expect((await queries.usersOfOrganization(acme.id)).map((u) => u.username)).toEqual(['acme_boss']);
      const operators = await queries.operators();
      expect(operators.map((u) => [u.username, u.role])).toEqual([['ops', 'admin']]);
      expect(operators[0]).not.toHaveProperty('passwordHash');
      expect(await queries.organizationStates()).toEqual({ registered: 1, certified: 1, suspended: 1 });
    });

    it('lists agreement versions with acceptance counts, and acceptances by version and by organisation', async () => {
      const { users, audit } = services();
      const agreement = createAgreement({ repo: createAgreementRepository(database), clock, crypto, audit });
      const { org, owner } = await users.registerOrganisationOwner({
        orgName: 'Acme',
        username: 'acme',
        email: 'a@acme.example',
        mobile: '13800000000',
        password: 'a long enough passphrase',
      });
      await agreement.publish({ termsText: 'T1', dpaText: 'D1', effectiveAt: '2026-11-01T00:00:00Z', actor: operator });
      await agreement.accept({ orgId: org.id, userId: owner.id, version: 1, ip: '203.0.113.9' });
      await agreement.publish({ termsText: 'T2', dpaText: 'D2', effectiveAt: '2027-01-01T00:00:00Z', actor: operator });

      expect((await queries.agreementVersions()).map((v) => [v.version, v.acceptances])).toEqual([
        [2, 0],
        [1, 1],
      ]);
      expect(await queries.findAgreementVersion(2)).toMatchObject({ version: 2, termsText: 'T2' });
      expect(await queries.findAgreementVersion(3)).toBeUndefined();
      expect(await queries.acceptancesOfVersion(1)).toEqual([
        expect.objectContaining({ orgId: org.id, orgName: 'Acme', username: 'acme', ip: '203.0.113.9', version: 1 }),
      ]);
      expect(await queries.acceptancesOfVersion(2)).toEqual([]);
      expect((await queries.acceptancesOfOrganization(org.id)).map((a) => a.version)).toEqual([1]);
    });

    it('filters the audit log by actor, action (exact or prefix), subject and time, newest first before a seq', async () => {
      const { audit } = services();
      await audit.record({ actor: 'operator:a', action: 'org.suspend', subject: 'org_1', reason: 'why' });
      clock.advanceSeconds(60);
      await audit.record({ actor: 'operator:b', action: 'org.resume', subject: 'org_1' });
      await audit.record({ actor: 'operator:a', action: 'orgx.other', subject: 'org_2', data: { n: 1 } });
      const actions = async (search: Partial<Parameters<AdminQueryRepository['auditEntries']>[0]>) =>
        (await queries.auditEntries({ limit: 10, ...search })).map((e) => e.action);

      expect(await actions({})).toEqual(['orgx.other', 'org.resume', 'org.suspend']);
      expect(await actions({ action: 'org.' })).toEqual(['org.resume', 'org.suspend']);
      expect(await actions({ action: 'org.resume' })).toEqual(['org.resume']);
      expect(await actions({ actor: 'operator:a' })).toEqual(['orgx.other', 'org.suspend']);
      expect(await actions({ subject: 'org_2' })).toEqual(['orgx.other']);
      expect(await actions({ before: 3 })).toEqual(['org.resume', 'org.suspend']);
      expect(await actions({ limit: 1 })).toEqual(['orgx.other']);
      expect(await actions({ from: '2026-11-28T08:01:00.000Z' })).toEqual(['orgx.other', 'org.resume']);
      expect(await actions({ to: '2026-11-28T08:01:00.000Z' })).toEqual(['org.suspend']);
      const [entry] = await queries.auditEntries({ limit: 1 });
      expect(entry).toMatchObject({ seq: 3, data: { n: 1 }, subject: 'org_2' });
    });

    it('counts calls, passes, revenue, active organisations and call-time quantiles per UTC day', async () => {
      const verifications = createVerificationRepository(database, clock);
      const records = [
        call('v1', { orgId: 'org_a', createdAt: '2026-11-27T23:59:59.000Z', timeUsedMs: 10 }),
        call('v2', { orgId: 'org_a', resultCode: 'result.no_match', timeUsedMs: 20 }),
        call('v3', { orgId: 'org_b', resultCode: 'result.pass', timeUsedMs: 30 }),
        call('v4', { orgId: 'org_b', resultCode: 'image.no_face', billed: false, amountFen: 0, timeUsedMs: 40 }),
        call('v5', { orgId: 'org_c', sandbox: true, billed: false, amountFen: 0, timeUsedMs: 50 }),
        call('v6', { orgId: 'org_c', createdAt: '2026-11-29T00:00:00.000Z', timeUsedMs: 1000 }),
      ];
      for (const record of records) await verifications.insert(record, []);
      const range = { from: '2026-11-27T00:00:00.000Z', to: '2026-11-29T00:00:00.000Z' };

      expect(await queries.activityByDay(range)).toEqual([
        { day: '2026-11-27', calls: 1, liveCalls: 1, billedCalls: 1, results: 1, passes: 1 },
        { day: '2026-11-28', calls: 4, liveCalls: 3, billedCalls: 2, results: 3, passes: 2 },
      ]);
      expect(await queries.activeOrganizations(range)).toBe(3);
      expect(await queries.callTimeQuantiles(range, [0.5, 0.95, 1])).toEqual([30, 50, 50]);
      expect(await queries.callTimeQuantiles({ from: range.to, to: range.to }, [0.5])).toEqual([undefined]);

      const { audit } = services();
      const wallet = createWallet({ ledger: createLedgerRepository(database, clock), clock, crypto, audit });
      await wallet.topUp({ orgId: 'org_a', amountFen: 1000, reference: 'BANK-1', actor: operator });
      const posted = await wallet.reserve({ orgId: 'org_a', amountFen: 150, reference: 'call-1' });
      await wallet.post(posted.id);
      const voided = await wallet.reserve({ orgId: 'org_a', amountFen: 70, reference: 'call-2' });
      await wallet.void(voided.id);
      clock.advanceSeconds(86_400);
      const later = await wallet.reserve({ orgId: 'org_a', amountFen: 5, reference: 'call-3' });
      await wallet.post(later.id);
      expect(await queries.revenueByDay({ from: range.from, to: '2026-11-30T00:00:00.000Z' })).toEqual([
        { day: '2026-11-28', amountFen: 150 },
        { day: '2026-11-29', amountFen: 5 },
      ]);
    });
  });
}
