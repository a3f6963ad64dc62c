import { z } from 'zod';

/**
 * The console's webhook pages: an app's events with their delivery attempts, resending, and the signing secrets.
 * Times are ISO-8601 UTC strings; lists are newest first, paged with an opaque `cursor`. docs/webhooks.md.
 */

const isoTime = z.string().describe('ISO-8601 UTC date-time.');
const nullableIsoTime = z.string().nullable().describe('ISO-8601 UTC date-time, or null.');

export const webhookEventTypeValues = ['verification.completed', 'capture_session.finished'] as const;
export const webhookDeliveryStatusValues = ['pending', 'delivered', 'failed', 'no_endpoint'] as const;

export const webhookEventListQuerySchema = z.object({
  cursor: z.string().max(200).optional().describe('The next_cursor of the previous page; absent for the first page.'),
  limit: z.coerce.number().int().min(1).max(200).optional().describe('Rows per page, 1-200 (default 50).'),
  type: z.enum(webhookEventTypeValues).optional().describe('Only events of this type.'),
  status: z.enum(webhookDeliveryStatusValues).optional().describe('Only events in this delivery state.'),
});

export const webhookEventSchema = z
  .object({
    id: z.string().describe('`evt_…`: the `webhook-id` header of every attempt, resends included.'),
    app_id: z.string(),
    type: z.enum(webhookEventTypeValues),
    mode: z.enum(['live', 'sandbox']),
    created_at: isoTime,
    status: z
      .enum(webhookDeliveryStatusValues)
      .describe(
        'pending: waiting for its next attempt; delivered: answered 2xx; failed: no 2xx within 72 h; no_endpoint: the app had no webhook URL.',
      ),
    attempts: z.int().describe('Attempts since the event became due (a resend starts again at 0).'),
    next_attempt_at: nullableIsoTime,
    delivered_at: nullableIsoTime,
    last_error: z.string().nullable(),
    target_url: z
      .string()
      .nullable()
      .describe(
        'Where the event goes when it is not the app’s webhook URL: a capture session’s notify_url, fixed when the event was written. Null: the app’s webhook URL at each attempt.',
      ),
  })
  .describe('A webhook event and its delivery state.');

export const webhookEventListSchema = z.object({
  events: z.array(webhookEventSchema),
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
});

export const webhookAttemptSchema = z.object({
  id: z.string(),
  attempted_at: isoTime,
  url: z.string(),
  status_code: z.int().nullable().describe('The HTTP status answered; null when no answer came.'),
  latency_ms: z.int(),
  error: z.string().nullable(),
  response_snippet: z.string().nullable().describe('The first kilobyte of the answer’s body.'),
});

export const webhookEventDetailSchema = z.object({
  event: webhookEventSchema,
  payload: z
    .record(z.string(), z.unknown())
    .describe('The body’s `data`: what the GET endpoint of the subject answers.'),
  attempts: z.array(webhookAttemptSchema).describe('Oldest first.'),
});

export const webhookSecretInfoSchema = z.object({
  id: z.string(),
  created_at: isoTime,
  expires_at: nullableIsoTime.describe('Set on a rotated secret: it signs beside the new one until then.'),
});

export const webhookSettingsSchema = z.object({
  url: z.string().nullable().describe('The app’s webhook_url (changed with PATCH /console/api/apps/{app_id}).'),
  secrets: z.array(webhookSecretInfoSchema).describe('The secrets that sign now, the current one first.'),
});

export const webhookSecretIssuedSchema = z.object({
  id: z.string(),
  secret: z.string().describe('`whsec_` + base64 of 32 bytes: shown only in this answer.'),
  created_at: isoTime,
  previous_expires_at: nullableIsoTime.describe(
    'Until when the previous secret(s) keep signing beside this one (VISAGE_WEBHOOK_SECRET_GRACE_SECONDS); null for an app’s first secret.',
  ),
});
