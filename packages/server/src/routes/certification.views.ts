import {
  businessLicenceKind,
  organizationState,
  type ApplicationState,
  type CertificationApplication,
  type DocumentSummary,
  type Industry,
  type LicenceCheck,
  type ReviewDetail,
} from '@visage/core';

export const industryView = (industry: Industry) => ({
  code: industry.code,
  name_zh: industry.nameZh,
  name_en: industry.nameEn,
  licences: industry.licences.map((l) => ({ code: l.code, name_zh: l.nameZh, name_en: l.nameEn })),
});

export const documentView = (document: DocumentSummary) => ({
  document_id: document.id,
  kind: document.kind,
  content_type: document.contentType,
  bytes: document.bytes,
  created_at: document.createdAt,
});

export const applicationView = (a: CertificationApplication) => ({
  company_name: a.companyName,
  credit_code: a.creditCode,
  legal_rep_name: a.legalRepName,
  legal_rep_id_masked: a.legalRepIdMasked,
  contact_name: a.contactName,
  contact_phone: a.contactPhone,
  address: a.address,
  industry_code: a.industryCode,
  submitted_at: a.submittedAt,
  updated_at: a.updatedAt,
});

export const requiredDocumentView = (check: LicenceCheck) => ({
  kind: check.code === businessLicenceKind ? businessLicenceKind : `licence:${check.code}`,
  name_zh: check.nameZh,
  name_en: check.nameEn,
  document_id: check.documentId,
});

export function consoleCertificationView(state: ApplicationState) {
  const { org, application, documents, licenceCheck } = state;
  const current = organizationState(org);
  return {
    state: current,
    certification: org.certification,
    editable: current === 'registered' || current === 'rejected',
    application: application ? applicationView(application) : null,
    documents: documents.map(documentView),
    required_documents: licenceCheck.map(requiredDocumentView),
    decision:
      application?.decidedAt != null ? { reason: application.decisionReason, decided_at: application.decidedAt } : null,
  };
}

export function reviewView(detail: ReviewDetail) {
  const { org, application, documents, industry, licenceCheck } = detail;
  const { screening } = application;
  return {
    org: { id: org.id, name: org.name, state: organizationState(org), certification: org.certification },
    application: applicationView(application),
    industry: industry ? industryView(industry) : null,
    documents: documents.map(documentView),
    licence_check: licenceCheck.map((check) => ({
      ...requiredDocumentView(check),
      present: check.documentId !== null,
    })),
    screening: screening
      ? {
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
        }
      : null,
    decision:
      application.decidedAt != null && application.decidedBy != null
        ? { reason: application.decisionReason, decided_at: application.decidedAt, decided_by: application.decidedBy }
        : null,
  };
}

/** How a document is answered: its own type, never sniffed, never cached, shown inline. */
export function documentHeaders(document: DocumentSummary): Record<string, string> {
  const extension = { 'image/jpeg': 'jpg', 'image/png': 'png', 'application/pdf': 'pdf' }[document.contentType];
  return {
    'content-type': document.contentType,
    'content-disposition': `inline; filename="${document.id}.${extension}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
}
