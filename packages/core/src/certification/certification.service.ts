import type { AuditLog } from '../audit/audit-log.service.js';
import type { Certification, Organization } from '../accounts/accounts.ports.js';
import type { Organizations } from '../accounts/organizations.service.js';
import { organizationState } from '../accounts/organization-state.js';
import { DomainError } from '../domain-error.js';
import { rejectIssues, type ValidationIssue } from '../invalid-request.js';
import type { NoticeSender } from '../notices/notices.ports.js';
import { notifySafely, type NoticeFailureHandler } from '../notices/notify-safely.js';
import type { Clock, Crypto, SecretBox } from '../ports.js';
import type {
  ApplicationFields,
  CertificationApplication,
  CertificationRepository,
  DocumentSummary,
  DocumentType,
  Industry,
  IndustryRepository,
  SanctionsRepository,
  Screening,
  StoredScreeningMatch,
} from './certification.ports.js';
import { checkedCreditCode } from './credit-code.js';
import { prepareScreening, screenName, type ScreeningEntry, type ScreeningMatch } from './name-screening.js';
import { checkedResidentId, maskResidentId } from './resident-id.js';

/** Documents larger than this are refused: a licence scan or photo fits easily. */
export const maxDocumentBytes = 5 * 1024 * 1024;
export const businessLicenceKind = 'business_licence';
const codePattern = /^[a-z0-9_]{1,40}$/;
const documentKindPattern = /^(business_licence|licence:[a-z0-9_]{1,40})$/;
const editableStates = new Set(['registered', 'rejected']);
/** List entries screened between two turns of the event loop. */
const screeningSlice = 500;
const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
/** Bounds on an imported sanctions entry (real lists stay far below them). */
const maxListedNameLength = 300;
const maxAliases = 100;
const maxListNameLength = 100;

/** Changes to an application: a field left out keeps its value, null clears it. */
export type ApplicationChanges = { readonly [K in keyof ApplicationFields]?: string | null } & {
  readonly legalRepIdNumber?: string | null;
};

export interface LicenceCheck {
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly documentId: string | null;
}

export interface ApplicationState {
  readonly org: Organization;
  readonly application: CertificationApplication | null;
  readonly documents: DocumentSummary[];
  /** The business licence and each licence the industry requires, with the document given for it (or null). */
  readonly licenceCheck: LicenceCheck[];
}

export interface ReviewDetail extends ApplicationState {
  readonly application: CertificationApplication;
  readonly industry: Industry | null;
}

/** One row of an imported list. */
export type SanctionsRecord = ScreeningEntry;

/** The magic bytes of the document formats accepted: JPEG, PNG and PDF. */
export function documentTypeOf(bytes: Uint8Array): DocumentType | undefined {
  const starts = (...prefix: number[]) => prefix.every((byte, i) => bytes[i] === byte);
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'application/pdf';
  return undefined;
}

export const documentContext = (orgId: string, documentId: string) => `certification-document:${orgId}:${documentId}`;
const legalRepIdContext = (orgId: string) => `certification-legal-rep-id:${orgId}`;

export function createCertification(ports: {
  applications: CertificationRepository;
  industries: IndustryRepository;
  sanctions: SanctionsRepository;
  organizations: Pick<Organizations, 'get' | 'submitForCertification' | 'certify' | 'reject'>;
  notices: NoticeSender;
  secretBox: SecretBox;
  clock: Clock;
  crypto: Pick<Crypto, 'randomId'>;
  audit: Pick<AuditLog, 'record'>;
  /** Told when the decision's notice fails after the decision was stored (it stands; the action succeeds). */
  onError?: NoticeFailureHandler;
}) {
  const { applications, industries, sanctions, organizations, notices, secretBox, clock, crypto, audit, onError } =
    ports;

  async function editableOrg(orgId: string): Promise<Organization> {
    const org = await organizations.get(orgId);
    const state = organizationState(org);
    if (!editableStates.has(state)) throw new DomainError('certification.not_editable', { state });
    return org;
  }

  async function industryOf(code: string | null): Promise<Industry | null> {
    if (code === null) return null;
    return (await industries.list()).find((each) => each.code === code) ?? null;
  }

  function licenceCheck(industry: Industry | null, documents: DocumentSummary[]): LicenceCheck[] {
    const byKind = new Map(documents.map((d) => [d.kind, d.id]));
    return [
      { code: businessLicenceKind, nameZh: '营业执照', nameEn: 'Business licence', kind: businessLicenceKind },
      ...(industry?.licences ?? []).map((licence) => ({ ...licence, kind: `licence:${licence.code}` })),
    ].map(({ kind, ...licence }) => ({ ...licence, documentId: byKind.get(kind) ?? null }));
  }

  async function decided(orgId: string, actor: string, reason: string | null): Promise<void> {
    const application = await applications.findApplication(orgId);
    if (!application) return;
    const now = clock.now().toISOString();
    await applications.saveApplication({
      ...application,
      decidedAt: now,
      decidedBy: actor,
      decisionReason: reason,
      updatedAt: now,
    });
  }

  /** A concurrent save or submission wrote the application first: 'certification.not_editable' with the state now. */
  async function changedMeanwhile(orgId: string): Promise<never> {
    const state = organizationState(await organizations.get(orgId));
    throw new DomainError('certification.not_editable', { state, reason: 'changed_concurrently' });
  }

  async function pendingOrg(orgId: string, to: string): Promise<void> {
    const org = await organizations.get(orgId);
    if (org.certification !== 'pending' || org.status !== 'active') {
      throw new DomainError('org.invalid_transition', { from: organizationState(org), to });
    }
  }

  return {
    industries: (): Promise<Industry[]> => industries.list(),

    async replaceIndustries(catalogue: readonly Industry[], actor: string): Promise<Industry[]> {
      const issues: ValidationIssue[] = [];
      const seen = new Set<string>();
      catalogue.forEach((industry, i) => {
        if (!codePattern.test(industry.code))
          issues.push({ path: `industries.${i}.code`, message: 'must be 1-40 of a-z, 0-9, _' });
        if (seen.has(industry.code)) issues.push({ path: `industries.${i}.code`, message: 'appears twice' });
        seen.add(industry.code);
        if (!industry.nameZh.trim() || !industry.nameEn.trim()) {
          issues.push({ path: `industries.${i}`, message: 'needs a Chinese and an English name' });
        }
        const licences = new Set<string>();
        industry.licences.forEach((licence, j) => {
          const path = `industries.${i}.licences.${j}`;
          if (!codePattern.test(licence.code))
            issues.push({ path: `${path}.code`, message: 'must be 1-40 of a-z, 0-9, _' });
          if (licences.has(licence.code)) issues.push({ path: `${path}.code`, message: 'appears twice' });
          licences.add(licence.code);
          if (!licence.nameZh.trim() || !licence.nameEn.trim()) {
            issues.push({ path, message: 'needs a Chinese and an English name' });
          }
        });
      });
      rejectIssues(issues);
      const trimmed = catalogue.map((industry) => ({
        code: industry.code,
        nameZh: industry.nameZh.trim(),
        nameEn: industry.nameEn.trim(),
        licences: industry.licences.map((l) => ({ code: l.code, nameZh: l.nameZh.trim(), nameEn: l.nameEn.trim() })),
      }));
      await industries.replaceAll(trimmed, clock.now().toISOString());
      await audit.record({
        actor,
        action: 'certification.industries_replace',
        data: { industries: trimmed.map((i) => ({ code: i.code, licences: i.licences.map((l) => l.code) })) },
      });
      return trimmed;
    },

    async application(orgId: string): Promise<ApplicationState> {
      const [org, application, documents] = await Promise.all([
        organizations.get(orgId),
        applications.findApplication(orgId),
        applications.latestDocuments(orgId),
      ]);
      const industry = await industryOf(application?.industryCode ?? null);
      return { org, application: application ?? null, documents, licenceCheck: licenceCheck(industry, documents) };
    },

    async save(orgId: string, changes: ApplicationChanges, actor: string): Promise<CertificationApplication> {
      // Read before the state check, and written only if unchanged since: a save racing a submission can then
      // neither change the names after they were screened nor undo the submission (see saveApplication).
      const existing = await applications.findApplication(orgId);
      await editableOrg(orgId);
      const now = clock.now();
      const text = (value: string | null | undefined) => (value == null ? value : value.trim() || null);
      const fields: { -readonly [K in keyof ApplicationFields]?: string | null } = {};
      for (const key of ['companyName', 'legalRepName', 'contactName', 'contactPhone', 'address'] as const) {
        if (changes[key] !== undefined) fields[key] = text(changes[key]);
      }
      if (changes.creditCode !== undefined) {
        fields.creditCode = text(changes.creditCode) == null ? null : checkedCreditCode(changes.creditCode!);
      }
      if (changes.industryCode !== undefined) {
        const code = text(changes.industryCode) ?? null;
        if (code !== null && !(await industryOf(code))) {
          throw new DomainError('certification.unknown_industry', { field: 'industry_code', industry_code: code });
        }
        fields.industryCode = code;
      }
      const phone = fields.contactPhone;
      if (phone != null && !/^\+?[0-9][0-9 -]{4,30}$/.test(phone)) {
        rejectIssues([
          { path: 'contact_phone', message: 'must be a phone number: digits, spaces or -, optionally after +' },
        ]);
      }
      let sealedId: { legalRepIdSealed: Uint8Array | null; legalRepIdMasked: string | null } | undefined;
      if (changes.legalRepIdNumber !== undefined) {
        const given = text(changes.legalRepIdNumber);
        if (given == null) sealedId = { legalRepIdSealed: null, legalRepIdMasked: null };
        else {
          const id = checkedResidentId(given, now);
          sealedId = {
            legalRepIdSealed: secretBox.seal(new TextEncoder().encode(id), legalRepIdContext(orgId)),
            legalRepIdMasked: maskResidentId(id),
          };
        }
      }
      const at = now.toISOString();
      const saved: CertificationApplication = {
        ...(existing ?? {
          orgId,
          companyName: null,
          creditCode: null,
          legalRepName: null,
          contactName: null,
          contactPhone: null,
          address: null,
          industryCode: null,
          legalRepIdSealed: null,
          legalRepIdMasked: null,
          screening: null,
          submittedAt: null,
          decidedAt: null,
          decidedBy: null,
          decisionReason: null,
          createdAt: at,
        }),
        ...fields,
        ...sealedId,
        updatedAt: at,
      };
      if (!(await applications.saveApplication(saved, existing ?? null))) await changedMeanwhile(orgId);
      await audit.record({
        actor,
        action: 'certification.save',
        subject: orgId,
        data: {
          ...fields,
          ...(sealedId ? { legalRepIdMasked: sealedId.legalRepIdMasked } : {}),
        },
      });
      return saved;
    },

    async uploadDocument(input: {
      orgId: string;
      kind: string;
      bytes: Uint8Array;
      actor: string;
    }): Promise<DocumentSummary> {
      const { orgId, kind, bytes, actor } = input;
      if (!documentKindPattern.test(kind)) {
        rejectIssues([{ path: 'kind', message: 'must be business_licence or licence:<code>' }]);
      }
      await editableOrg(orgId);
      if (bytes.length > maxDocumentBytes) {
        throw new DomainError('document.too_large', { bytes: bytes.length, max_bytes: maxDocumentBytes });
      }
      const contentType = documentTypeOf(bytes);
      if (!contentType) throw new DomainError('document.unsupported_type');
      const id = crypto.randomId('doc');
      const summary: DocumentSummary = {
        id,
        orgId,
        kind,
        contentType,
        bytes: bytes.length,
        uploadedBy: actor,
        createdAt: clock.now().toISOString(),
      };
      await applications.insertDocument({ ...summary, sealed: secretBox.seal(bytes, documentContext(orgId, id)) });
      await audit.record({
        actor,
        action: 'certification.document_upload',
        subject: orgId,
        data: { document_id: id, kind, content_type: contentType, bytes: bytes.length },
      });
      return summary;
    },

    /** The document's bytes; only within its own organisation ('document.not_found' otherwise). */
    async readDocument(orgId: string, documentId: string): Promise<{ document: DocumentSummary; bytes: Uint8Array }> {
      const stored = await applications.findDocument(orgId, documentId);
      if (!stored) throw new DomainError('document.not_found');
      const { sealed, ...document } = stored;
      return { document, bytes: secretBox.open(sealed, documentContext(orgId, documentId)) };
    },

    /** Checks the application is complete, screens the names, and moves the organisation to pending. */
    async submit(orgId: string, actor: string): Promise<ApplicationState> {
      await editableOrg(orgId);
      const application = await applications.findApplication(orgId);
      const documents = await applications.latestDocuments(orgId);
      const missing: string[] = [];
      const fieldNames = {
        companyName: 'company_name',
        creditCode: 'credit_code',
        legalRepName: 'legal_rep_name',
        contactName: 'contact_name',
        contactPhone: 'contact_phone',
        address: 'address',
        industryCode: 'industry_code',
      } as const;
      for (const [key, name] of Object.entries(fieldNames) as [keyof typeof fieldNames, string][]) {
        if (!application?.[key]) missing.push(name);
        if (key === 'legalRepName' && !application?.legalRepIdSealed) missing.push('legal_rep_id_number');
      }
      const industry = await industryOf(application?.industryCode ?? null);
      if (application?.industryCode && !industry) {
        throw new DomainError('certification.unknown_industry', {
          field: 'industry_code',
          industry_code: application.industryCode,
        });
      }
      for (const check of licenceCheck(industry, documents)) {
        if (check.documentId === null) {
          missing.push(check.code === businessLicenceKind ? businessLicenceKind : `licence:${check.code}`);
        }
      }
      if (missing.length > 0 || !application) throw new DomainError('certification.incomplete', { missing });

      let screening = await screen(application);
      const org = await organizations.submitForCertification(orgId, { actor });
      // A save that passed its state check before the move may still write: the submission is stored only over the
      // application it screened; if a save came first, what it wrote is screened and submitted instead.
      let current = application;
      let submitted: CertificationApplication;
      for (let attempt = 1; ; attempt++) {
        const now = clock.now().toISOString();
        submitted = { ...current, screening, submittedAt: now, updatedAt: now };
        if (await applications.saveApplication(submitted, current)) break;
        const latest = await applications.findApplication(orgId);
        if (!latest || attempt >= 10) await changedMeanwhile(orgId);
        current = latest!;
        screening = await screen(current);
      }
      await audit.record({
        actor,
        action: 'certification.submit',
        subject: orgId,
        data: { entries_screened: screening.entriesScreened, matches: screening.matches.length },
      });
      return { org, application: submitted, documents, licenceCheck: licenceCheck(industry, documents) };
    },

    queue: (certification: Certification, limit: number) => applications.queue(certification, limit),

    async review(orgId: string): Promise<ReviewDetail> {
      const [org, application, documents] = await Promise.all([
        organizations.get(orgId),
        applications.findApplication(orgId),
        applications.latestDocuments(orgId),
      ]);
      if (!application) throw new DomainError('certification.not_found');
      const industry = await industryOf(application.industryCode);
      return { org, application, documents, industry, licenceCheck: licenceCheck(industry, documents) };
    },

    async approve(orgId: string, { actor, reason }: { actor: string; reason?: string }): Promise<Organization> {
      await pendingOrg(orgId, 'certified');
      // Pending without a submitted application (moved there by other means): nothing to approve on.
      if (!(await applications.findApplication(orgId))?.submittedAt) throw new DomainError('certification.not_found');
      const org = await organizations.certify(orgId, { actor, ...(reason === undefined ? {} : { reason }) });
      await decided(orgId, actor, reason?.trim() || null);
      await notifySafely(
        notices,
        {
          orgIds: [orgId],
          kind: 'certification.approved',
          ...(reason?.trim() ? { data: { reason: reason.trim() } } : {}),
          email: true,
        },
        onError,
      );
      return org;
    },

    async reject(orgId: string, { actor, reason }: { actor: string; reason: string }): Promise<Organization> {
      await pendingOrg(orgId, 'rejected');
      const org = await organizations.reject(orgId, { actor, reason });
      await decided(orgId, actor, reason.trim());
      await notifySafely(
        notices,
        { orgIds: [orgId], kind: 'certification.rejected', data: { reason: reason.trim() }, email: true },
        onError,
      );
      return org;
    },

    /** Replaces each list named in `records`, in one transaction. */
    async importSanctions(records: readonly SanctionsRecord[], actor: string) {
      const issues: ValidationIssue[] = [];
      records.forEach((record, i) => {
        if (!record.name.trim()) issues.push({ path: `records.${i}.name`, message: 'is empty' });
        if (!record.list.trim()) issues.push({ path: `records.${i}.list`, message: 'is empty' });
        // Every submission scores its names against every listed name: one huge name or alias list would make each
        // screening (which runs on the request path) slow for everyone.
        if (record.list.length > maxListNameLength || record.program.length > maxListNameLength) {
          issues.push({
            path: `records.${i}`,
            message: `list and program take at most ${maxListNameLength} characters`,
          });
        }
        if (record.aliases.length > maxAliases) {
          issues.push({ path: `records.${i}.aliases`, message: `at most ${maxAliases} aliases` });
        }
        const long = [record.name, ...record.aliases].some((name) => name.length > maxListedNameLength);
        if (long)
          issues.push({ path: `records.${i}`, message: `names take at most ${maxListedNameLength} characters` });
      });
      if (records.length === 0) issues.push({ path: 'records', message: 'no records' });
      rejectIssues(issues);
      const lists = new Map<string, ScreeningEntry[]>();
      for (const record of records) {
        const list = record.list.trim();
        const entries = lists.get(list) ?? [];
        entries.push({
          list,
          program: record.program.trim(),
          name: record.name.trim(),
          aliases: record.aliases.map((a) => a.trim()).filter((a) => a.length > 0),
        });
        lists.set(list, entries);
      }
      const replaced = [...lists].map(([name, entries]) => ({ name, entries }));
      await sanctions.replaceLists(replaced, clock.now().toISOString(), actor);
      await audit.record({
        actor,
        action: 'sanctions.import',
        data: { lists: Object.fromEntries(replaced.map((l) => [l.name, l.entries.length])) },
      });
      return replaced.map(({ name, entries }) => ({ name, entries: entries.length }));
    },

    sanctionsLists: () => sanctions.summaries(),
  };

  async function screen(application: CertificationApplication): Promise<Screening> {
    const entries = await sanctions.allEntries();
    const prepared = prepareScreening(entries);
    const matches: StoredScreeningMatch[] = [];
    for (const [subject, name] of [
      ['company_name', application.companyName],
      ['legal_rep_name', application.legalRepName],
    ] as const) {
      if (!name) continue;
      // Scoring a name against a list the size of the real ones takes a good part of a second of CPU: in slices,
      // with a turn of the event loop between them, so that the server's other requests are not held up.
      const found: ScreeningMatch[] = [];
      for (let start = 0; start < prepared.entries.length; start += screeningSlice) {
        if (start > 0) await nextTurn();
        found.push(...screenName(name, { entries: prepared.entries.slice(start, start + screeningSlice) }));
      }
      // Stable: equal scores stay in list order, as screenName itself leaves them.
      found.sort((x, y) => y.score - x.score);
      for (const match of found) matches.push({ subject, screenedName: name, ...match });
    }
    return { screenedAt: clock.now().toISOString(), entriesScreened: entries.length, matches };
  }
}

export type CertificationService = ReturnType<typeof createCertification>;
