import type {
  CertificationApplication,
  CertificationRepository,
  DocumentSummary,
  DocumentType,
  Industry,
  IndustryRepository,
  Screening,
} from '@visage/core';
import type { Selectable } from 'kysely';
import type {
  CertificationApplicationTable,
  CertificationDocumentTable,
  IndustryTable,
} from './certification.table.js';
import type { VisageDatabase } from './database.js';

export function createIndustryRepository({ db }: VisageDatabase): IndustryRepository {
  return {
    async list() {
      const rows = await db.selectFrom('industry').selectAll().orderBy('position').execute();
      return rows.map(fromIndustryRow);
    },

    async replaceAll(industries, at) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('industry').execute();
        if (industries.length === 0) return;
        await trx
          .insertInto('industry')
          .values(
            industries.map((industry, position) => ({
              code: industry.code,
              position,
              name_zh: industry.nameZh,
              name_en: industry.nameEn,
              licences: JSON.stringify(
                industry.licences.map((l) => ({ code: l.code, name_zh: l.nameZh, name_en: l.nameEn })),
              ),
              updated_at: at,
            })),
          )
          .execute();
      });
    },
  };
}

export function createCertificationRepository({ db }: VisageDatabase): CertificationRepository {
  const documentColumns = ['id', 'org_id', 'kind', 'content_type', 'bytes', 'uploaded_by', 'created_at'] as const;

  return {
    async findApplication(orgId) {
      const row = await db
        .selectFrom('certification_application')
        .selectAll()
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      return row && fromApplicationRow(row);
    },

    async saveApplication(application, expected) {
      const row = toApplicationRow(application);
      const changes: Partial<typeof row> = { ...row };
      delete changes.org_id;
      delete changes.created_at;
      if (expected === null) {
        const inserted = await db
          .insertInto('certification_application')
          .values(row)
          .onConflict((oc) => oc.column('org_id').doNothing())
          .executeTakeFirst();
        return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
      }
      if (expected !== undefined) {
        const updated = await db
          .updateTable('certification_application')
          .set(changes)
          .where('org_id', '=', application.orgId)
          .where('updated_at', '=', expected.updatedAt)
          .where((eb) =>
            expected.submittedAt === null
              ? eb('submitted_at', 'is', null)
              : eb('submitted_at', '=', expected.submittedAt),
          )
          .executeTakeFirst();
        return Number(updated.numUpdatedRows) === 1;
      }
      await db
        .insertInto('certification_application')
        .values(row)
        .onConflict((oc) => oc.column('org_id').doUpdateSet(changes))
        .execute();
      return true;
    },

    async insertDocument(document) {
      await db
        .insertInto('certification_document')
        .values({
          id: document.id,
          org_id: document.orgId,
          kind: document.kind,
          content_type: document.contentType,
          bytes: document.bytes,
          sealed: document.sealed,
          uploaded_by: document.uploadedBy,
          created_at: document.createdAt,
        })
        .execute();
    },

    async findDocument(orgId, id) {
      const row = await db
        .selectFrom('certification_document')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && { ...fromDocumentRow(row), sealed: new Uint8Array(row.sealed) };
    },

    async latestDocuments(orgId) {
      const rows = await db
        .selectFrom('certification_document')
        .select(documentColumns)
        .where('org_id', '=', orgId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      const latest = new Map<string, DocumentSummary>();
      for (const row of rows) if (!latest.has(row.kind)) latest.set(row.kind, fromDocumentRow(row));
      return [...latest.values()].sort((a, b) => a.kind.localeCompare(b.kind));
    },

    async queue(certification, limit) {
      const rows = await db
        .selectFrom('certification_application as a')
        .innerJoin('organization as o', 'o.id', 'a.org_id')
        .select([
          'a.org_id',
          'o.name as org_name',
          'o.certification',
          'a.company_name',
          'a.industry_code',
          'a.submitted_at',
          'a.screening',
        ])
        .where('o.certification', '=', certification)
        .orderBy('a.submitted_at')
        .orderBy('a.org_id')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        orgId: row.org_id,
        orgName: row.org_name,
        certification: row.certification,
        companyName: row.company_name,
        industryCode: row.industry_code,
        submittedAt: row.submitted_at,
        matchCount: row.screening ? (JSON.parse(row.screening) as StoredScreening).matches.length : 0,
      }));
    },
  };
}

interface StoredScreening {
  screened_at: string;
  entries_screened: number;
  matches: {
    subject: 'company_name' | 'legal_rep_name';
    screened_name: string;
    list: string;
    program: string;
    entry_name: string;
    matched_name: string;
    score: number;
  }[];
}

function toScreeningJson(screening: Screening): string {
  const stored: StoredScreening = {
    screened_at: screening.screenedAt,
    entries_screened: screening.entriesScreened,
    matches: screening.matches.map((m) => ({
      subject: m.subject,
      screened_name: m.screenedName,
      list: m.list,
      program: m.program,
      entry_name: m.entryName,
      matched_name: m.matchedName,
      score: m.score,
    })),
  };
  return JSON.stringify(stored);
}

function fromScreeningJson(json: string): Screening {
  const stored = JSON.parse(json) as StoredScreening;
  return {
    screenedAt: stored.screened_at,
    entriesScreened: stored.entries_screened,
    matches: stored.matches.map((m) => ({
      subject: m.subject,
      screenedName: m.screened_name,
      list: m.list,
      program: m.program,
      entryName: m.entry_name,
      matchedName: m.matched_name,
      score: m.score,
    })),
  };
}

function toApplicationRow(a: CertificationApplication): Selectable<CertificationApplicationTable> {
  return {
    org_id: a.orgId,
    company_name: a.companyName,
    credit_code: a.creditCode,
    legal_rep_name: a.legalRepName,
    legal_rep_id_sealed: a.legalRepIdSealed,
    legal_rep_id_masked: a.legalRepIdMasked,
    contact_name: a.contactName,
    contact_phone: a.contactPhone,
    address: a.address,
    industry_code: a.industryCode,
    screening: a.screening ? toScreeningJson(a.screening) : null,
    submitted_at: a.submittedAt,
    decided_at: a.decidedAt,
    decided_by: a.decidedBy,
    decision_reason: a.decisionReason,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}

function fromApplicationRow(row: Selectable<CertificationApplicationTable>): CertificationApplication {
  return {
    orgId: row.org_id,
    companyName: row.company_name,
    creditCode: row.credit_code,
    legalRepName: row.legal_rep_name,
    legalRepIdSealed: row.legal_rep_id_sealed ? new Uint8Array(row.legal_rep_id_sealed) : null,
    legalRepIdMasked: row.legal_rep_id_masked,
    contactName: row.contact_name,
    contactPhone: row.contact_phone,
    address: row.address,
    industryCode: row.industry_code,
    screening: row.screening ? fromScreeningJson(row.screening) : null,
    submittedAt: row.submitted_at,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
    decisionReason: row.decision_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function fromDocumentRow(row: Omit<Selectable<CertificationDocumentTable>, 'sealed'>): DocumentSummary {
  return {
    id: row.id,
    orgId: row.org_id,
    kind: row.kind,
    contentType: row.content_type as DocumentType,
    bytes: Number(row.bytes),
    uploadedBy: row.uploaded_by,
    createdAt: row.created_at,
  };
}

function fromIndustryRow(row: Selectable<IndustryTable>): Industry {
  const licences = JSON.parse(row.licences) as { code: string; name_zh: string; name_en: string }[];
  return {
    code: row.code,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    licences: licences.map((l) => ({ code: l.code, nameZh: l.name_zh, nameEn: l.name_en })),
  };
}
