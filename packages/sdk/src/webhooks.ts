import {
  defaultWebhookToleranceSeconds,
  verifyWebhookSignature,
  WebhookVerificationError,
  type WebhookHeaders,
  type webhookEventTypeValues,
} from '@visage/contracts';

export {
  defaultWebhookToleranceSeconds,
  signWebhook,
  WebhookVerificationError,
  type WebhookHeaders,
} from '@visage/contracts';

export type WebhookEventType = (typeof webhookEventTypeValues)[number];

/** The JSON body Visage POSTs to a webhook URL (docs/webhooks.md). */
export interface WebhookEvent {
  /** `evt_…`, the same as the `webhook-id` header; retries and resends carry the same id. */
  readonly id: string;
  readonly type: WebhookEventType;
  /** When the event happened (ISO 8601). */
  readonly timestamp: string;
  readonly mode: 'live' | 'sandbox';
  /** `verification.completed`: the verification result; `capture_session.finished`: the session as GET shows it. */
  readonly data: Record<string, unknown>;
}

export interface VerifyWebhookInput {
  /** The app's webhook secret (`whsec_…`), or several while you switch to a rotated one. */
  readonly secret: string | readonly string[];
  /** The request's headers: a Node `req.headers` object, a fetch `Headers`, or a plain record. */
  readonly headers: WebhookHeaders;
  /** The raw body exactly as received: verify before any JSON parsing or re-serialising. */
  readonly body: string | Uint8Array;
  /** How far `webhook-timestamp` may be from now (default 300 s): older messages are refused as replays. */
  readonly toleranceSeconds?: number;
  /** "Now", for tests. */
  readonly now?: Date;
}

export interface VerifiedWebhook {
  /** The `webhook-id`: deduplicate on it. */
  readonly id: string;
  /** The `webhook-timestamp` (Unix seconds). */
  readonly timestamp: number;
  readonly event: WebhookEvent;
}

/**
 * Checks a webhook Visage sent, Standard Webhooks style: `webhook-timestamp` within the tolerance, and one `v1,`
 * entry of `webhook-signature` equal (constant-time) to base64 HMAC-SHA256 of `${id}.${timestamp}.${body}` under one
 * of the secrets. Resolves to the id, the timestamp and the parsed event; throws WebhookVerificationError otherwise.
 */
export async function verifyWebhook(input: VerifyWebhookInput): Promise<VerifiedWebhook> {
  const { id, timestamp } = await verifyWebhookSignature(
    input.secret,
    input.headers,
    input.body,
    input.toleranceSeconds ?? defaultWebhookToleranceSeconds,
    input.now ?? new Date(),
  );
  const text = typeof input.body === 'string' ? input.body : new TextDecoder().decode(input.body);
  let event: WebhookEvent;
  try {
    event = JSON.parse(text) as WebhookEvent;
  } catch {
    throw new WebhookVerificationError('the signed body is not JSON');
  }
  if (event.id !== id) throw new WebhookVerificationError('the body’s id differs from webhook-id');
  return { id, timestamp, event };
}
