import type {
  StoredWebhookEvent,
  StoredWebhookSecret,
  WebhookAttempt,
  WebhookEvent,
  WebhookEventType,
  WebhookRepository,
} from '@visage/core';
import type { Selectable, Transaction } from 'kysely';
import type { VisageDatabase } from './database.js';
import { olderThan } from './keyset-page.js';
import type { Database } from './schema.js';
import type { WebhookDeliveryAttemptTable, WebhookEventTable, WebhookSecretTable } from './webhook.table.js';

/**
 * Writes `event` to the outbox inside `trx`: the repository that finishes a verification or a capture session calls
 * it in its own transaction, so the event exists exactly when the finished record does. It is due at once; the
 * delivery worker finds out whether the app has a webhook URL (`no_endpoint` when not).
 */
export async function insertWebhookEvent(trx: Transaction<Database>, event: WebhookEvent): Promise<void> {
  await trx
    .insertInto('webhook_event')
    .values({
      id: event.id,
      org_id: event.orgId,
      app_id: event.appId,
      mode: event.mode,
      type: event.type,
      payload: JSON.stringify(event.payload),
      subject_id: typeof event.payload['id'] === 'string' ? event.payload['id'] : null,
      target_url: event.targetUrl ?? null,
      created_at: event.createdAt,
      status: 'pending',
      attempts: 0,
      due_since: event.createdAt,
      next_attempt_at: event.createdAt,
      lease_owner: null,
      lease_token: null,
      lease_until: null,
      delivered_at: null,
      last_error: null,
    })
    .execute();
}

/** Stores `secret` inside `trx` unless the app already has a secret that signs at `now`; true when stored. */
export async function insertFirstWebhookSecretIn(
  trx: Transaction<Database>,
  secret: StoredWebhookSecret,
  now: string,
): Promise<boolean> {
  const active = await trx
    .selectFrom('webhook_secret')
    .select('id')
    .where('app_id', '=', secret.appId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .limit(1)
    .executeTakeFirst();
  if (active) return false;
  await trx
    .insertInto('webhook_secret')
    .values({
      id: secret.id,
      app_id: secret.appId,
      secret_sealed: Buffer.from(secret.secretSealed).toString('base64'),
      created_at: secret.createdAt,
      expires_at: secret.expiresAt,
    })
    .execute();
  return true;
}

/** What an erased subject's events carry from then on (a pending delivery sends this instead of the result). */
export const erasedWebhookPayload = { erased: true } as const;

/** Blanks the payloads of the events about these verifications or capture sessions (their erasure), inside `trx`. */
export async function eraseWebhookPayloads(trx: Transaction<Database>, subjectIds: readonly string[]): Promise<void> {
  if (subjectIds.length === 0) return;
  await trx
    .updateTable('webhook_event')
    .set({ payload: JSON.stringify(erasedWebhookPayload) })
    .where('subject_id', 'in', subjectIds)
    .execute();
}

/** The `verification.completed` events of these verifications say `billed: false` (their hold was voided), in `trx`. */
export async function unbillWebhookPayloads(
  trx: Transaction<Database>,
  verificationIds: readonly string[],
): Promise<void> {
  if (verificationIds.length === 0) return;
  const events = await trx
    .selectFrom('webhook_event')
    .select(['id', 'payload'])
    .where('subject_id', 'in', verificationIds)
    .where('type', '=', 'verification.completed')
    .execute();
  for (const event of events) {
    const payload = JSON.parse(event.payload) as Record<string, unknown>;
    if (payload['billed'] !== true) continue;
    await trx
      .updateTable('webhook_event')
      .set({ payload: JSON.stringify({ ...payload, billed: false }) })
      .where('id', '=', event.id)
      .execute();
  }
}

export function createWebhookRepository(database: VisageDatabase): WebhookRepository {
  const { db, dialect } = database;
  let claims = 0;
  return {
    async claimDue(owner, now, leaseUntil, limit) {
      const token = `${owner}:${Date.now().toString(36)}:${(claims++).toString(36)}`;
      const lease = { lease_owner: owner, lease_token: token, lease_until: leaseUntil };
      let rows: Selectable<WebhookEventTable>[];
      if (dialect.rowLocks) {
        // PostgreSQL: lock the due rows, skipping those another worker is claiming right now, then lease them. Two
        // statements in one transaction: a LIMIT … SKIP LOCKED subquery inside the UPDATE may be rescanned and
        // claim more (or other) rows than it locked.
        rows = await db.transaction().execute(async (trx) => {
          const due = await trx
            .selectFrom('webhook_event')
            .select('id')
            .where('status', '=', 'pending')
            .where('next_attempt_at', '<=', now)
            .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
            .orderBy('next_attempt_at')
            .limit(limit)
            .forUpdate()
            .skipLocked()
            .execute();
          if (due.length === 0) return [];
          return trx
            .updateTable('webhook_event')
            .set(lease)
            .where(
              'id',
              'in',
              due.map((row) => row.id),
            )
            .returningAll()
            .execute();
        });
      } else {
        // SQLite runs one writer at a time: one conditional UPDATE claims each row once, across processes too.
        const due = db
          .selectFrom('webhook_event')
          .select('id')
          .where('status', '=', 'pending')
          .where('next_attempt_at', '<=', now)
          .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
          .orderBy('next_attempt_at')
          .limit(limit);
        rows = await db
          .updateTable('webhook_event')
          .set(lease)
          .where('id', 'in', due)
          .where('status', '=', 'pending')
          .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
          .returningAll()
          .execute();
      }
      return rows
        .map((row) => ({ ...fromRow(row), claimToken: token }))
        .sort((a, b) => (a.nextAttemptAt ?? '').localeCompare(b.nextAttemptAt ?? ''));
    },

    settle(event, attempt, next) {
      return db.transaction().execute(async (trx) => {
        if (attempt) await trx.insertInto('webhook_delivery_attempt').values(toAttemptRow(attempt)).execute();
        const result = await trx
          .updateTable('webhook_event')
          .set((eb) => ({
            status: next.status,
            next_attempt_at: next.nextAttemptAt,
            delivered_at: next.deliveredAt,
            last_error: next.lastError,
            attempts: eb('attempts', '+', attempt ? 1 : 0),
            lease_owner: null,
            lease_token: null,
            lease_until: null,
          }))
          .where('id', '=', event.id)
          .where('lease_token', '=', event.claimToken)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      });
    },

    async release(owner) {
      const result = await db
        .updateTable('webhook_event')
        .set({ lease_owner: null, lease_token: null, lease_until: null })
        .where('lease_owner', '=', owner)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async find(orgId, id) {
      const row = await db
        .selectFrom('webhook_event')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && fromRow(row);
    },

    async list(orgId, appId, { limit, after, type, status }) {
      const rows = await db
        .selectFrom('webhook_event')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('app_id', '=', appId)
        .$if(type !== undefined, (query) => query.where('type', '=', type!))
        .$if(status !== undefined, (query) => query.where('status', '=', status!))
        .$if(after !== undefined, (query) => query.where(olderThan(after!)))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    },

    async attempts(eventId) {
      const rows = await db
        .selectFrom('webhook_delivery_attempt')
        .selectAll()
        .where('event_id', '=', eventId)
        .orderBy('attempted_at')
        .orderBy('id')
        .execute();
      return rows.map(fromAttemptRow);
    },

    async resend(orgId, id, now) {
      // A lease held by a worker mid-attempt stays: that attempt settles into 'pending' or 'delivered' by itself.
      const result = await db
        .updateTable('webhook_event')
        .set({ status: 'pending', next_attempt_at: now, due_since: now, attempts: 0, last_error: null })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    deleteSettledBefore(before) {
      return db.transaction().execute(async (trx) => {
        const settled = trx
          .selectFrom('webhook_event')
          .select('id')
          .where('status', '!=', 'pending')
          .where('created_at', '<', before);
        await trx.deleteFrom('webhook_delivery_attempt').where('event_id', 'in', settled).execute();
        const result = await trx
          .deleteFrom('webhook_event')
          .where('status', '!=', 'pending')
          .where('created_at', '<', before)
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      });
    },

    async activeSecrets(appId, now) {
      const rows = await db
        .selectFrom('webhook_secret')
        .selectAll()
        .where('app_id', '=', appId)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(fromSecretRow);
    },

    addSecret(secret, othersExpireAt) {
      return db.transaction().execute(async (trx) => {
        // Secrets already expiring keep the earlier of their expiry and the new one.
        await trx
          .updateTable('webhook_secret')
          .set({ expires_at: othersExpireAt })
          .where('app_id', '=', secret.appId)
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', othersExpireAt)]))
          .execute();
        await trx
          .insertInto('webhook_secret')
          .values({
            id: secret.id,
            app_id: secret.appId,
            secret_sealed: Buffer.from(secret.secretSealed).toString('base64'),
            created_at: secret.createdAt,
            expires_at: secret.expiresAt,
          })
          .execute();
      });
    },
  };
}

function fromRow(row: Selectable<WebhookEventTable>): StoredWebhookEvent {
  return {
    id: row.id,
    orgId: row.org_id,
    appId: row.app_id,
    mode: row.mode,
    type: row.type as WebhookEventType,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    createdAt: row.created_at,
    targetUrl: row.target_url,
    status: row.status,
    attempts: Number(row.attempts),
    dueSince: row.due_since,
    nextAttemptAt: row.next_attempt_at,
    deliveredAt: row.delivered_at,
    lastError: row.last_error,
  };
}

function toAttemptRow(attempt: WebhookAttempt): Selectable<WebhookDeliveryAttemptTable> {
  return {
    id: attempt.id,
    event_id: attempt.eventId,
    attempted_at: attempt.attemptedAt,
    url: attempt.url,
    status_code: attempt.statusCode,
    latency_ms: Math.round(attempt.latencyMs),
    error: attempt.error,
    response_snippet: attempt.responseSnippet,
  };
}

function fromAttemptRow(row: Selectable<WebhookDeliveryAttemptTable>): WebhookAttempt {
  return {
    id: row.id,
    eventId: row.event_id,
    attemptedAt: row.attempted_at,
    url: row.url,
    statusCode: row.status_code === null ? null : Number(row.status_code),
    latencyMs: Number(row.latency_ms),
    error: row.error,
    responseSnippet: row.response_snippet,
  };
}

function fromSecretRow(row: Selectable<WebhookSecretTable>): StoredWebhookSecret {
  return {
    id: row.id,
    appId: row.app_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    secretSealed: new Uint8Array(Buffer.from(row.secret_sealed, 'base64')),
  };
}
