import { z } from 'zod';

/**
 * Enterprise certification: the industry catalogue, the customer's application and documents (/console/api), the
 * operator's review queue and sanctions lists (/admin/api). Times are ISO-8601 UTC strings.
 */

const isoTime = z.string().describe('ISO-8601 UTC date-time.');
const nullableIsoTime = z.string().nullable().describe('ISO-8601 UTC date-time, or null.');
const code = z.string().regex(/^[a-z0-9_]{1,40}$/, 'must be 1-40 of a-z, 0-9 and _');
const state = z
  .enum(['registered', 'pending', 'certified', 'rejected', 'suspended', 'terminated'])
  .describe('The certification while the organisation is active, otherwise its status.');
const certificationState = z.enum(['registered', 'pending', 'certified', 'rejected']);

export const certificationIdParam = z.string().min(1).max(64);

// Industry catalogue

export const licenceSchema = z
  .object({
    code: code.describe('Stable id: the document kind for it is `licence:<code>`.'),
    name_zh: z.string().min(1).max(200),
    name_en: z.string().min(1).max(200),
  })
  .meta({ id: 'Licence' });

export const industrySchema = z
  .object({
    code,
    name_zh: z.string().min(1).max(200),
    name_en: z.string().min(1).max(200),
    licences: z.array(licenceSchema).max(20).describe('Licences an applicant of this industry must upload.'),
  })
  .meta({ id: 'Industry' });

export const industryListSchema = z.object({ industries: z.array(industrySchema) }).meta({ id: 'IndustryList' });

export const industryCatalogueRequestSchema = z
  .object({ industries: z.array(industrySchema.strict()).min(1).max(200) })
  .strict()
  .describe('The whole catalogue, in the order the console lists it.')
  .meta({ id: 'IndustryCatalogueRequest' });

// The customer's application

const field = (max: number, description: string) => z.string().max(max).nullable().optional().describe(description);

export const certificationSaveRequestSchema = z
  .object({
    company_name: field(200, 'The legal name as on the business licence.'),
    credit_code: field(
      32,
      'Unified social credit code, 18 characters with its GB 32100 check character (spaces and case ignored).',
    ),
    legal_rep_name: field(100, 'The legal representative’s name.'),
    legal_rep_id_number: field(
      32,
      'The legal representative’s resident ID number, 18 characters with its GB 11643 check digit. Write-only: ' +
        'stored encrypted and shown masked.',
    ),
    contact_name: field(100, 'Contact person.'),
    contact_phone: field(32, 'Contact phone: digits, spaces or -, optionally after +.'),
    address: field(500, 'Registered or business address.'),
    industry_code: field(40, 'A code from GET /console/api/industries.'),
  })
  .strict()
  .describe('A field left out keeps its saved value; null clears it.')
  .meta({ id: 'CertificationSaveRequest' });

export const certificationDocumentSchema = z
  .object({
    document_id: z.string(),
    kind: z.string().describe('business_licence or licence:<code>.'),
    content_type: z.enum(['image/jpeg', 'image/png', 'application/pdf']),
    bytes: z.int(),
    created_at: isoTime,
  })
  .meta({ id: 'CertificationDocument' });

export const certificationDocumentUploadSchema = z
  .object({
    kind: z.string().max(60).describe('business_licence or licence:<code> (a licence the industry requires).'),
    file: z
      .string()
      // Bounded by the body limit; the 5 MiB document limit is checked on the bytes (document.too_large).
      .max(64 * 1024 * 1024)
      .describe('The file: a multipart file part, or base64 in JSON. JPEG, PNG or PDF, at most 5 MiB.'),
  })
  .strict()
  .meta({ id: 'CertificationDocumentUpload' });

export const requiredDocumentSchema = z
  .object({
    kind: z.string().describe('business_licence or licence:<code>.'),
    name_zh: z.string(),
    name_en: z.string(),
    document_id: z.string().nullable().describe('The newest document uploaded for it, or null.'),
  })
  .meta({ id: 'RequiredDocument' });

export const certificationApplicationSchema = z
  .object({
    company_name: z.string().nullable(),
    credit_code: z.string().nullable(),
    legal_rep_name: z.string().nullable(),
    legal_rep_id_masked: z.string().nullable().describe('The ID number with all but 3 + 4 characters hidden.'),
    contact_name: z.string().nullable(),
    contact_phone: z.string().nullable(),
    address: z.string().nullable(),
    industry_code: z.string().nullable(),
    submitted_at: nullableIsoTime,
    updated_at: isoTime,
  })
  .meta({ id: 'CertificationApplication' });

export const consoleCertificationSchema = z
  .object({
    state,
    certification: certificationState,
    editable: z.boolean().describe('True while registered or rejected: the application can be changed and submitted.'),
    application: certificationApplicationSchema.nullable(),
    documents: z.array(certificationDocumentSchema).describe('The newest document of each kind.'),
    required_documents: z
      .array(requiredDocumentSchema)
      .describe('The business licence and the licences the chosen industry requires.'),
    decision: z
      .object({ reason: z.string().nullable(), decided_at: isoTime })
      .nullable()
      .describe('The operator’s last decision and its reason (always given on rejection).'),
  })
  .meta({ id: 'ConsoleCertification' });

// The operator's side

export const certificationQueueQuerySchema = z.object({
  status: certificationState.default('pending'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const certificationQueueSchema = z
  .object({
    applications: z.array(
      z.object({
        org_id: z.string(),
        org_name: z.string(),
        certification: certificationState,
        company_name: z.string().nullable(),
        industry_code: z.string().nullable(),
        submitted_at: nullableIsoTime,
        match_count: z.int().describe('Sanctions screening matches found at submission.'),
      }),
    ),
  })
  .describe('Oldest submission first.')
  .meta({ id: 'CertificationQueue' });

export const screeningMatchSchema = z
  .object({
    subject: z.enum(['company_name', 'legal_rep_name']).describe('Which name of the application matched.'),
    screened_name: z.string(),
    list: z.string(),
    program: z.string(),
    entry_name: z.string().describe('The listed entry’s primary name.'),
    matched_name: z.string().describe('The listed name or alias that matched.'),
    score: z.number().describe('0..1; 1 is the same name after normalisation. Matches start at 0.9.'),
  })
  .meta({ id: 'ScreeningMatch' });

export const certificationReviewSchema = z
  .object({
    org: z.object({ id: z.string(), name: z.string(), state, certification: certificationState }),
    application: certificationApplicationSchema,
    industry: industrySchema.nullable(),
    documents: z.array(certificationDocumentSchema),
    licence_check: z
      .array(requiredDocumentSchema.extend({ present: z.boolean() }))
      .describe('The business licence and each licence the industry requires, and whether a document was given.'),
    screening: z
      .object({ screened_at: isoTime, entries_screened: z.int(), matches: z.array(screeningMatchSchema) })
      .nullable()
      .describe('Null until the application is submitted.'),
    decision: z.object({ reason: z.string().nullable(), decided_at: isoTime, decided_by: z.string() }).nullable(),
  })
  .meta({ id: 'CertificationReview' });

export const certificationApprovalRequestSchema = z
  .object({ reason: z.string().min(1).max(500).optional() })
  .strict()
  .meta({ id: 'CertificationApprovalRequest' });

export const certificationRejectionRequestSchema = z
  .object({ reason: z.string().min(1).max(500).describe('Shown to the customer; say what to correct.') })
  .strict()
  .meta({ id: 'CertificationRejectionRequest' });

export const certificationDecisionSchema = z
  .object({ org_id: z.string(), state, certification: certificationState })
  .meta({ id: 'CertificationDecision' });

export const sanctionsImportRequestSchema = z
  .object({
    csv: z
      .string()
      .min(1)
      .describe(
        'CSV text with a header row naming the columns name, aliases, list and program (any order; other ' +
          'columns ignored). Aliases are separated by ; or |.',
      ),
    list: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe('The list name for rows whose list column is empty or missing; rows naming another list are refused.'),
  })
  .strict()
  .describe('Each list named in the upload is replaced by its rows, all in one transaction; other lists are kept.')
  .meta({ id: 'SanctionsImportRequest' });

export const sanctionsImportSchema = z
  .object({ lists: z.array(z.object({ name: z.string(), entries: z.int() })) })
  .meta({ id: 'SanctionsImport' });

export const sanctionsListsSchema = z
  .object({
    lists: z.array(z.object({ name: z.string(), entries: z.int(), imported_at: isoTime, imported_by: z.string() })),
  })
  .meta({ id: 'SanctionsLists' });
