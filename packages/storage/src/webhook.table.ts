import type { WebhookDeliveryStatus } from '@visage/core';

export interface WebhookEventTable {
  id: string;
  org_id: string;
  app_id: string;
  mode: 'live' | 'sandbox';
  type: string;
  /** JSON. */
  payload: string;
  /** payload.id: the verification or capture session the event is about. */
  subject_id: string | null;
  /** Fixed destination (a capture session's notify_url); null: the app's webhook URL at delivery. */
  target_url: string | null;
  created_at: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  due_since: string;
  next_attempt_at: string | null;
  lease_owner: string | null;
  lease_token: string | null;
  lease_until: string | null;
  delivered_at: string | null;
  last_error: string | null;
}

export interface WebhookDeliveryAttemptTable {
  id: string;
  event_id: string;
  attempted_at: string;
  url: string;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  response_snippet: string | null;
}

export interface WebhookSecretTable {
  id: string;
  app_id: string;
  /** base64 of the sealed secret. */
  secret_sealed: string;
  created_at: string;
  expires_at: string | null;
}
