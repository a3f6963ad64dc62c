import { z } from 'zod';

/** Standard base64 (a `data:image/…;base64,` prefix is accepted and ignored). Size is bounded by the body limit. */
export const base64Image = z
  .string()
  .min(1)
  .regex(/^(data:image\/[a-z+.-]+;base64,)?[A-Za-z0-9+/\r\n]+={0,2}$/, 'must be base64 image bytes')
  .describe('Image bytes (JPEG, PNG or WebP) as base64; in multipart, a file part of the same name.');

export const consentEvidenceSchema = z
  .object({
    subject_ref: z
      .string()
      .min(1)
      .max(128)
      .describe('Your id for the person (pseudonymous; never their name or ID number).'),
    text_version: z.string().min(1).max(64).describe('Version of the consent text the person agreed to.'),
    obtained_at: z.iso.datetime({ offset: true }).describe('When the person agreed (ISO 8601).'),
    method: z.string().min(1).max(32).describe('How consent was obtained: checkbox, signature, voice, …'),
  })
  .strict()
  .meta({ id: 'ConsentEvidence' });

/** Either inline evidence or the id of a consent created with POST /v1/consents. */
export const consentFields = {
  consent: consentEvidenceSchema.optional(),
  consent_id: z.string().min(1).max(64).optional().describe('Id of a consent record from POST /v1/consents.'),
};

export const bizNo = z
  .string()
  .min(1)
  .max(128)
  .optional()
  .describe('Your business reference for this call, echoed in the result.');

export const compareRequestSchema = z
  .object({ image1: base64Image, image2: base64Image, ...consentFields, biz_no: bizNo })
  .strict()
  .meta({ id: 'CompareRequest' });

export const livenessRequestSchema = z
  .object({ image: base64Image, ...consentFields, biz_no: bizNo })
  .strict()
  .meta({ id: 'LivenessRequest' });

export const verificationRequestSchema = z
  .object({
    selfie: base64Image,
    comparison: z.discriminatedUnion('type', [
      z
        .object({
          type: z.literal('reference').describe('Compare the selfie with a reference photo you supply (无源比对).'),
          image: base64Image,
        })
        .strict(),
      z
        .object({
          type: z
            .literal('registry')
            .describe(
              'Compare the selfie with the reference face of an identity record (有源比对): the operator’s registry or its external identity source (docs/identity-sources.md).',
            ),
          name: z.string().min(1).max(64).describe('The person’s name as on the ID card.'),
          id_number: z
            .string()
            .min(15)
            .max(32)
            .describe('The 18-character resident ID number (GB 11643; spaces ignored, x = X). Never logged.'),
        })
        .strict(),
    ]),
    ...consentFields,
    biz_no: bizNo,
  })
  .strict()
  .meta({ id: 'VerificationRequest' });

export const consentCreateRequestSchema = consentEvidenceSchema.meta({ id: 'ConsentCreateRequest' });

const farLevel = z.enum(['1e-3', '1e-4', '1e-5', '1e-6']);

const thresholdsSchema = z
  .object({ '1e-3': z.number(), '1e-4': z.number(), '1e-5': z.number(), '1e-6': z.number() })
  .describe('Similarity threshold at each false-accept rate.');

const livenessSchema = z
  .object({
    score: z.number().describe('Passive liveness score, 0-1; higher is more likely live.'),
    threshold: z.number(),
    live: z.boolean(),
  })
  .meta({ id: 'Liveness' });

const qualitySchema = z
  .object({ pass: z.boolean(), reasons: z.array(z.string()) })
  .catchall(z.unknown())
  .describe('Face size, sharpness, brightness and pose, each with its value and limit.')
  .meta({ id: 'Quality' });

const faceSchema = z
  .object({
    face_count: z.int(),
    box: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }),
    quality: qualitySchema,
    liveness: livenessSchema,
  })
  .meta({ id: 'Face' });

export const callFields = {
  request_id: z.string(),
  result_code: z.string().describe('A code from docs/errors.md (result.*).'),
  sandbox: z.boolean().describe('True for sandbox keys: free, rate-limited, not for production decisions.'),
  billed: z.boolean(),
  time_used_ms: z.int(),
  model_id: z.string(),
  biz_no: z.string().nullable(),
};

const comparisonFields = {
  similarity: z.number(),
  confidence: z.number().describe('0-100, calibrated so that the FAR thresholds map to fixed confidences.'),
  thresholds: thresholdsSchema,
  decision_far: farLevel.describe('The false-accept rate the app decides at (app setting).'),
  match: z.boolean().describe('similarity >= thresholds[decision_far].'),
};

export const compareResponseSchema = z
  .object({ ...callFields, ...comparisonFields, faces: z.tuple([faceSchema, faceSchema]) })
  .meta({ id: 'CompareResponse' });

export const livenessResponseSchema = z
  .object({ ...callFields, face: faceSchema, liveness: livenessSchema })
  .meta({ id: 'LivenessResponse' });

export const verificationResponseSchema = z
  .object({
    id: z.string(),
    ...callFields,
    created_at: z.string(),
    decision: z.enum(['pass', 'fail']),
    ...comparisonFields,
    liveness: livenessSchema,
    faces: z.object({
      selfie: faceSchema,
      reference: faceSchema
        .optional()
        .describe('Absent for a registry comparison (its reference is a stored template).'),
    }),
    comparison_type: z
      .enum(['reference', 'registry'])
      .optional()
      .describe('What the selfie was compared with (absent in results stored before it was added).'),
    identity_source: z
      .enum(['registry', 'http'])
      .optional()
      .describe('For a registry comparison: the built-in registry, or the operator’s external HTTP identity source.'),
  })
  .meta({ id: 'VerificationResponse' });

export const consentResponseSchema = consentEvidenceSchema
  .extend({ id: z.string(), created_at: z.string() })
  .meta({ id: 'Consent' });

export const deletionReceiptSchema = z
  .object({
    receipt_id: z.string(),
    scope: z.enum(['verification', 'subject']),
    target: z
      .string()
      .describe(
        'The verification id, or a keyed hash of the subject ref (HMAC-SHA-256 under a key derived from the master key; the ref itself is not kept).',
      ),
    erased: z.record(z.string(), z.union([z.number(), z.boolean()])),
    erased_at: z.string(),
  })
  .meta({ id: 'DeletionReceipt' });

export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
      request_id: z.string(),
    }),
  })
  .meta({ id: 'Error' });

export type CompareRequest = z.infer<typeof compareRequestSchema>;
export type LivenessRequest = z.infer<typeof livenessRequestSchema>;
export type VerificationRequest = z.infer<typeof verificationRequestSchema>;
export type ConsentEvidenceInput = z.infer<typeof consentEvidenceSchema>;
export type CompareResponse = z.infer<typeof compareResponseSchema>;
export type LivenessResponse = z.infer<typeof livenessResponseSchema>;
export type VerificationResponse = z.infer<typeof verificationResponseSchema>;
export type DeletionReceiptResponse = z.infer<typeof deletionReceiptSchema>;
