import { z } from 'zod';

/**
 * Notices (the customer's inbox), announcements (the operator's broadcasts), complaints and reports, and the
 * console's privacy pages (deletion requests, receipts, consent counts). Times are ISO-8601 UTC strings; lists are
 * newest first and paged with an opaque `cursor` (the previous page's `next_cursor`).
 */

const isoTime = z.string().describe('ISO-8601 UTC date-time.');
const nullableIsoTime = z.string().nullable().describe('ISO-8601 UTC date-time, or null.');
const cursor = z
  .string()
  .max(200)
  .optional()
  .describe('The next_cursor of the previous page; absent for the first page.');
const limit = z.coerce.number().int().min(1).max(200).optional().describe('Rows per page, 1-200 (default 50).');
const nextCursor = z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.');

export const noticeKindValues = [
  'announcement',
  'certification.approved',
  'certification.rejected',
  'org.suspended',
  'org.resumed',
  'org.terminated',
  'org.frozen',
  'price.scheduled',
  'agreement.published',
  'topup.confirmed',
  'topup.rejected',
  'bonus.granted',
  'balance.low',
  'complaint.updated',
] as const;
const noticeKind = z.enum(noticeKindValues);

// Notices (customer)

export const noticeListQuerySchema = z.object({
  cursor,
  limit,
  lang: z
    .enum(['zh-CN', 'en'])
    .optional()
    .describe('The language of `title` and `body` for system notices (default zh-CN); announcements are as written.'),
});

export const noticeSchema = z
  .object({
    id: z.string(),
    kind: noticeKind,
    title: z.string().describe('Announcements: the operator’s title. System notices: rendered in `lang`.'),
    body: z.string().describe('Plain text; line breaks are \\n.'),
    data: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .describe(
        'The facts of a system notice (reason, amount_fen, version, complaint_id, …) for rendering it yourself.',
      ),
    created_at: isoTime,
    read_at: nullableIsoTime,
  })
  .meta({ id: 'Notice' });

export const noticeListSchema = z
  .object({ notices: z.array(noticeSchema), unread_count: z.int(), next_cursor: nextCursor })
  .meta({ id: 'NoticeList' });

export const noticeUnreadSchema = z
  .object({ unread_count: z.int(), marked: z.int().optional().describe('read-all only: how many it marked.') })
  .meta({ id: 'NoticeUnread' });

// Announcements (operator)

export const announcementRequestSchema = z
  .object({
    title: z.string().max(200).describe('1-200 characters, shown as written.'),
    body: z.string().max(10_000).describe('1-10000 characters of plain text.'),
    org_ids: z
      .array(z.string().min(1).max(64))
      .min(1)
      .max(10_000)
      .optional()
      .describe('The organisations to reach; absent: every organisation that is not terminated.'),
    email: z.boolean().describe('Also mail every user of the recipient organisations that has an email address.'),
    reason: z.string().trim().max(500).optional().describe('Recorded in the audit log.'),
  })
  .strict()
  .meta({ id: 'AnnouncementRequest' });

export const announcementSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    body: z.string(),
    audience: z.enum(['all', 'orgs']),
    email: z.boolean(),
    recipient_count: z.int(),
    sent_by: z.string().nullable(),
    created_at: isoTime,
  })
  .meta({ id: 'Announcement' });

export const announcementSentSchema = announcementSchema
  .extend({
    mailed: z.int().describe('Mails handed to the mailer (the outbox when SMTP is not configured).'),
    mail_failures: z.int(),
  })
  .meta({ id: 'AnnouncementSent' });

export const announcementListQuerySchema = z.object({ cursor, limit });

export const announcementListSchema = z
  .object({ announcements: z.array(announcementSchema), next_cursor: nextCursor })
  .meta({ id: 'AnnouncementList' });

// Complaints

export const complaintKindValues = ['misuse', 'infringement', 'compromised_account'] as const;
export const complaintStatusValues = ['open', 'in_progress', 'resolved', 'dismissed'] as const;

export const complaintRequestSchema = z
  .object({
    kind: z
      .enum(complaintKindValues)
      .describe(
        'compromised_account freezes the organisation at once: live keys stop and every session of its users (yours too) is signed out, until the operator resolves the report.',
      ),
    subject: z.string().max(200).describe('A short summary, 1-200 characters.'),
    description: z.string().max(5000).describe('1-5000 characters.'),
    contact: z.string().max(200).optional().describe('How the operator can reach you about it.'),
  })
  .strict()
  .meta({ id: 'ComplaintRequest' });

const complaintNoteSchema = z.object({
  at: isoTime,
  status: z.enum(complaintStatusValues),
  note: z.string(),
});

export const complaintSchema = z
  .object({
    id: z.string(),
    kind: z.enum(complaintKindValues),
    subject: z.string(),
    description: z.string(),
    contact: z.string().nullable(),
    status: z.enum(complaintStatusValues),
    froze_org: z.boolean().describe('Filing it froze the organisation (a compromised-account report).'),
    notes: z.array(complaintNoteSchema).describe('The operator’s notes, oldest first.'),
    created_at: isoTime,
    updated_at: isoTime,
  })
  .meta({ id: 'Complaint' });

export const complaintFiledSchema = complaintSchema
  .extend({
    signed_out: z
      .boolean()
      .describe('True when the report froze the organisation: this session is revoked too, sign in again.'),
  })
  .meta({ id: 'ComplaintFiled' });

export const complaintListQuerySchema = z.object({ cursor, limit });

export const complaintListSchema = z
  .object({ complaints: z.array(complaintSchema), next_cursor: nextCursor })
  .meta({ id: 'ComplaintList' });

export const adminComplaintSchema = complaintSchema
  .extend({
    org_id: z.string(),
    org_name: z.string().nullable(),
    user_id: z.string(),
    notes: z.array(complaintNoteSchema.extend({ actor: z.string() })),
  })
  .meta({ id: 'AdminComplaint' });

export const adminComplaintListQuerySchema = z.object({
  status: z.enum(complaintStatusValues).optional(),
  cursor,
  limit,
});

export const adminComplaintListSchema = z
  .object({ complaints: z.array(adminComplaintSchema), next_cursor: nextCursor })
  .meta({ id: 'AdminComplaintList' });

export const complaintUpdateRequestSchema = z
  .object({
    status: z.enum(['in_progress', 'resolved', 'dismissed']),
    note: z
      .string()
      .max(2000)
      .describe('1-2000 characters: shown to the customer and recorded in the audit log as the reason.'),
  })
  .strict()
  .meta({ id: 'ComplaintUpdateRequest' });

export const complaintUpdatedSchema = adminComplaintSchema
  .extend({ unfrozen: z.boolean().describe('Closing this report lifted the organisation’s freeze.') })
  .meta({ id: 'ComplaintUpdated' });

// Privacy (customer console)

export const deletionRequestSchema = z
  .union([
    z.object({ verification_id: z.string().min(1).max(64) }).strict(),
    z.object({ subject_ref: z.string().min(1).max(128) }).strict(),
  ])
  .describe(
    'Exactly one of verification_id (erases that verification’s images, templates and result, in any app and mode) or subject_ref (erases every verification and consent of that end user across all the organisation’s apps, sandbox and live).',
  )
  .meta({ id: 'DeletionRequest' });

export const consoleDeletionReceiptSchema = z
  .object({
    receipt_id: z.string(),
    scope: z.enum(['verification', 'subject']),
    target: z
      .string()
      .describe('The verification id, or a keyed hash of the subject ref (the ref itself is not kept).'),
    erased: z.record(z.string(), z.union([z.number(), z.boolean()])),
    erased_at: isoTime,
    actor: z.string().describe('user:<id> for console requests, key:<key id> for API requests.'),
  })
  .meta({ id: 'ConsoleDeletionReceipt' });

export const deletionReceiptListQuerySchema = z.object({ cursor, limit });

export const deletionReceiptListSchema = z
  .object({ receipts: z.array(consoleDeletionReceiptSchema), next_cursor: nextCursor })
  .meta({ id: 'DeletionReceiptList' });

export const consentSummarySchema = z
  .object({
    months: z.array(
      z.object({
        app_id: z.string(),
        app_name: z.string().nullable(),
        month: z.string().describe('YYYY-MM (UTC), by when the consent record was stored.'),
        count: z.int(),
      }),
    ),
    total: z.int(),
  })
  .describe('Counts only: the consent records the organisation holds, by app and month. Erased consents are gone.')
  .meta({ id: 'ConsentSummary' });

export type NoticeListResponse = z.infer<typeof noticeListSchema>;
export type NoticeResponse = z.infer<typeof noticeSchema>;
export type AnnouncementRequest = z.infer<typeof announcementRequestSchema>;
export type AnnouncementListResponse = z.infer<typeof announcementListSchema>;
export type ComplaintRequest = z.infer<typeof complaintRequestSchema>;
export type ComplaintResponse = z.infer<typeof complaintSchema>;
export type ComplaintListResponse = z.infer<typeof complaintListSchema>;
export type AdminComplaintListResponse = z.infer<typeof adminComplaintListSchema>;
export type ComplaintUpdateRequest = z.infer<typeof complaintUpdateRequestSchema>;
export type DeletionRequest = z.infer<typeof deletionRequestSchema>;
export type DeletionReceiptListResponse = z.infer<typeof deletionReceiptListSchema>;
export type ConsentSummaryResponse = z.infer<typeof consentSummarySchema>;
