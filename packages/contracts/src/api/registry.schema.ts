import { z } from 'zod';
import { base64Image } from './verification.schema.js';

/** The admin API's identity registry (有源 comparison): docs/identity-sources.md. */

export const maxIdentityImportRecords = 1000;

export const identityImportRecordSchema = z
  .object({
    name: z.string().max(64).describe('The person’s name as on the ID card.'),
    id_number: z.string().max(32).describe('The 18-character resident ID number (GB 11643).'),
    photo: base64Image.describe('A photo of the person with one face (JPEG, PNG or WebP) as base64.'),
  })
  .strict()
  .meta({ id: 'IdentityImportRecord' });

export const identityImportRequestSchema = z
  .object({
    records: z.array(identityImportRecordSchema).min(1).max(maxIdentityImportRecords),
    keep_photos: z
      .boolean()
      .default(false)
      .describe('Keep each photo (encrypted) beside its template, so that it can be re-enrolled by a future model.'),
    largest_face: z
      .boolean()
      .default(false)
      .describe('Use the largest face of a photo with several faces, instead of refusing the row (face.multiple).'),
    sandbox: z
      .boolean()
      .default(false)
      .describe(
        'Import sandbox records: test identities that only sandbox keys see. Live keys see only live records, and ' +
          'sandbox keys never see a live record (nor an external identity source).',
      ),
  })
  .strict()
  .meta({ id: 'IdentityImportRequest' });

export const identityImportResultSchema = z
  .object({
    imported: z.int().describe('Records written: created plus updated.'),
    created: z.int(),
    updated: z.int().describe('Records whose ID number was already registered: name, template and photo replaced.'),
    ids: z.array(z.string()).describe('The record id of each input row, in order.'),
  })
  .meta({ id: 'IdentityImportResult' });

export const identityRecordSchema = z
  .object({
    id: z.string(),
    name_masked: z.string().describe('The first character of the name, the rest masked.'),
    id_number_masked: z.string().describe('The first three and last four characters of the number.'),
    sandbox: z.boolean().describe('A sandbox record (seen by sandbox keys only) or a live one (live keys only).'),
    template_model: z.string(),
    has_photo: z.boolean(),
    source: z.string().describe('How the record came in: `cli:<file name>` or `admin-api`.'),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'IdentityRecord' });

export const identityListQuerySchema = z.object({
  after: z.string().max(64).optional().describe('The last id of the previous page.'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const identityListSchema = z
  .object({
    records: z.array(identityRecordSchema),
    total: z.int(),
    next_after: z.string().nullable().describe('Pass as `after` for the next page; null on the last page.'),
  })
  .meta({ id: 'IdentityList' });

export const identityDeletedSchema = z
  .object({ id: z.string(), deleted: z.literal(true) })
  .meta({ id: 'IdentityDeleted' });

export type IdentityImportRequest = z.infer<typeof identityImportRequestSchema>;
export type IdentityRecordView = z.infer<typeof identityRecordSchema>;
