/** Webhooks: events written in the transaction that finished their subject, delivered by a worker. ISO-8601 UTC times. */

export const webhookEventTypes = ['verification.completed', 'capture_session.finished'] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** An event as the finishing repository writes it (with `insertWebhookEvent(trx, event)` in storage). */
export interface WebhookEvent {
  /** `evt_…`; sent as the `webhook-id` header, the same on every attempt and every resend. */
  readonly id: string;
  readonly orgId: string;
  readonly appId: string;
  readonly mode: 'live' | 'sandbox';
  readonly type: WebhookEventType;
  /** The same JSON the GET endpoint of the subject answers. */
  readonly payload: Record<string, unknown>;
  readonly createdAt: string;
  /**
   * A fixed destination, chosen when the event is written: a capture session's `notify_url`. Absent or null: the
   * app's webhook URL as it is at delivery time (so fixing a wrong URL also reaches pending retries and resends).
   */
  readonly targetUrl?: string | null | undefined;
}

export const webhookDeliveryStatuses = ['pending', 'delivered', 'failed', 'no_endpoint'] as const;
/**
 * pending: due for (another) attempt at `nextAttemptAt`; delivered: a 2xx answer; failed: retried for 72 h without
 * success (or the URL was refused); no_endpoint: the app had no webhook URL when the event was due.
 */
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

/** The event with its delivery state. */
export interface StoredWebhookEvent extends WebhookEvent {
  readonly targetUrl: string | null;
  readonly status: WebhookDeliveryStatus;
  readonly attempts: number;
  /** When the event became due (written, or resent): retries stop `webhookRetryWindowSeconds` after it. */
  readonly dueSince: string;
  readonly nextAttemptAt: string | null;
  readonly deliveredAt: string | null;
  readonly lastError: string | null;
}

/** One HTTP attempt. */
export interface WebhookAttempt {
  readonly id: string;
  readonly eventId: string;
  readonly attemptedAt: string;
  readonly url: string;
  /** null when no answer came (refused address, connection error, timeout). */
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
  /** The first 1 kB of the answer's body. */
  readonly responseSnippet: string | null;
}

/** An app's signing secret (`whsec_` + base64 of 32 random bytes), sealed with the SecretBox. */
export interface WebhookSecretInfo {
  readonly id: string;
  readonly appId: string;
  readonly createdAt: string;
  /** Set on a rotated secret: it keeps signing beside its replacement until then. */
  readonly expiresAt: string | null;
}

export interface StoredWebhookSecret extends WebhookSecretInfo {
  /** Sealed with context `webhook-secret:<id>`. */
  readonly secretSealed: Uint8Array;
}

/** A claimed event, ready to send. */
export interface ClaimedWebhookEvent extends StoredWebhookEvent {
  readonly claimToken: string;
}

export interface WebhookPosition {
  readonly createdAt: string;
  readonly id: string;
}

export interface WebhookRepository {
  /**
   * Claims up to `limit` due pending events (nextAttemptAt <= now and no live lease) for `owner` until `leaseUntil`:
   * `FOR UPDATE SKIP LOCKED` on PostgreSQL, a conditional update on SQLite. A killed process's claims come back when
   * their lease runs out.
   */
  claimDue(owner: string, now: string, leaseUntil: string, limit: number): Promise<ClaimedWebhookEvent[]>;
  /**
   * Records an attempt and the event's new state, only while `claimToken` still holds the lease (false otherwise:
   * the lease ran out and another worker took the event over — the attempt is still recorded).
   */
  settle(
    event: ClaimedWebhookEvent,
    attempt: WebhookAttempt | null,
    next: {
      status: WebhookDeliveryStatus;
      nextAttemptAt: string | null;
      deliveredAt: string | null;
      lastError: string | null;
    },
  ): Promise<boolean>;
  /** Gives back `owner`'s leases (graceful stop): the events are due again at once. */
  release(owner: string): Promise<number>;
  find(orgId: string, id: string): Promise<StoredWebhookEvent | undefined>;
  /** The app's events, newest first. */
  list(
    orgId: string,
    appId: string,
    query: {
      limit: number;
      after?: WebhookPosition | undefined;
      type?: string | undefined;
      status?: WebhookDeliveryStatus | undefined;
    },
  ): Promise<StoredWebhookEvent[]>;
  /** Oldest first. */
  attempts(eventId: string): Promise<WebhookAttempt[]>;
  /** Makes the event pending and due at `now` again (same id); false when it is not the organisation's. */
  resend(orgId: string, id: string, now: string): Promise<boolean>;

  /** Deletes settled events (not pending) created before `before`, with their attempts; returns how many events. */
  deleteSettledBefore(before: string): Promise<number>;

  /** Secrets still signing at `now` (no expiry or expiry later), newest first. */
  activeSecrets(appId: string, now: string): Promise<StoredWebhookSecret[]>;
  /** Stores `secret`; expires every other still-active secret of the app at `othersExpireAt`. */
  addSecret(secret: StoredWebhookSecret, othersExpireAt: string): Promise<void>;
}

/** What a delivery attempt got back. */
export interface WebhookResponse {
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly responseSnippet: string | null;
}

/** POSTs a signed body to a URL (the server's adapter checks the address and pins it). */
export interface WebhookSender {
  send(request: { url: string; headers: Record<string, string>; body: string }): Promise<WebhookResponse>;
}

/** Resolves the URL and refuses internal addresses; throws DomainError('webhook.url_refused') when refused. */
export type WebhookUrlCheck = (url: string) => Promise<void>;
