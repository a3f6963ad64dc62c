import { describe, expect, it } from 'vitest';
import type { Organization } from '../accounts/accounts.ports.js';
import { memoryAudit } from '../testing/memory-audit.js';
import { aesGcmSecretBox, testCrypto } from '../testing/node-ports.js';
import type { CertificationApplication, DocumentSummary } from './certification.ports.js';
import { createCertification } from './certification.service.js';
import type { ScreeningEntry } from './name-screening.js';

const at = '2026-11-29T10:00:00.000Z';
const clock = { now: () => new Date(at) };

describe('certification screening', () => {
  it('screens a large list in slices, letting the event loop serve others in between, with the same matches', async () => {
    let org: Organization = {
      id: 'org_1',
      name: 'Acme',
      certification: 'registered',
      status: 'active',
      createdAt: at,
      updatedAt: at,
    };
    let application: CertificationApplication = {
      orgId: org.id,
      companyName: 'Evil Front Trading',
      creditCode: '9144030071526726XG',
      legalRepName: 'Wang Fang',
      contactName: 'Li Lei',
      contactPhone: '+86 138 0013 8000',
      address: '1 Keji Road',
      industryCode: 'other',
      legalRepIdSealed: new Uint8Array([1]),
      legalRepIdMasked: '110***********002X',
      screening: null,
      submittedAt: null,
      decidedAt: null,
      decidedBy: null,
      decisionReason: null,
      createdAt: at,
      updatedAt: at,
    };
    const licence: DocumentSummary = {
      id: 'doc_1',
      orgId: org.id,
      kind: 'business_licence',
      contentType: 'image/png',
      bytes: 10,
      uploadedBy: 'user:usr_1',
      createdAt: at,
    };
    // Filler entries, with listed names at the start, in the middle and at the very end.
    const entries: ScreeningEntry[] = Array.from({ length: 2000 }, (_, n) => ({
      list: 'SDN',
      program: 'P',
      name: `Filler Entity Number ${n}`,
      aliases: [],
    }));
    entries[0] = { list: 'SDN', program: 'A', name: 'Evil Front Trading', aliases: [] };
    entries[1000] = { list: 'SDN', program: 'B', name: 'FANG, Wang', aliases: [] };
    entries[1999] = { list: 'EL', program: 'C', name: 'Evil Front', aliases: ['Evil Frontier Trading'] };

    let otherWorkRan = false;
    let otherWorkRanDuringScreening = false;
    const certification = createCertification({
      applications: {
        findApplication: async () => application,
        saveApplication: async (next: CertificationApplication) => {
          // The first write after screening: had the screening held the event loop, the timer set when the list
          // was read could not have run yet.
          if (next.screening) otherWorkRanDuringScreening = otherWorkRan;
          application = next;
          return true;
        },
        latestDocuments: async () => [licence],
      } as never,
      industries: { list: async () => [{ code: 'other', nameZh: '其他', nameEn: 'Other', licences: [] }] } as never,
      sanctions: {
        allEntries: async () => {
          setTimeout(() => (otherWorkRan = true), 0);
          return entries;
        },
      } as never,
      organizations: {
        get: async () => org,
        submitForCertification: async () => (org = { ...org, certification: 'pending' }),
      } as never,
      notices: { notify: async () => ({ count: 1 }) },
      secretBox: aesGcmSecretBox(),
      clock,
      crypto: testCrypto,
      audit: memoryAudit(clock).audit,
    });

    const { application: submitted } = await certification.submit(org.id, 'user:usr_1');
    expect(otherWorkRanDuringScreening).toBe(true);
    expect(submitted?.screening?.entriesScreened).toBe(2000);
    expect(submitted?.screening?.matches.map((m) => [m.subject, m.program, m.matchedName, m.score])).toEqual([
      ['company_name', 'A', 'Evil Front Trading', 1],
      ['company_name', 'C', 'Evil Frontier Trading', expect.any(Number)],
      ['legal_rep_name', 'B', 'FANG, Wang', 1],
    ]);
  });
});
