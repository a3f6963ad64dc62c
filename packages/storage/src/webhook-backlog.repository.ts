import { sql } from 'kysely';
import type { VisageDatabase } from './database.js';

/** The webhook outbox's pending events at one instant, for the /metrics backlog gauge. */
export interface WebhookBacklog {
  /** Due now and not held by a live lease: waiting for a worker. */
  readonly due: number;
  /** Held by a live lease: a worker is delivering them. */
  readonly leased: number;
  /** Waiting for a later retry. */
  readonly scheduled: number;
}

/**
 * Counts the pending outbox events in one query over the (status, next_attempt_at) index: cheap enough to run on
 * every scrape, and the same from every process, since the outbox is shared.
 */
export function createWebhookBacklogQuery(database: VisageDatabase) {
  const { db } = database;
  return async (now: string): Promise<WebhookBacklog> => {
    const row = await db
      .selectFrom('webhook_event')
      .select([
        sql<number>`sum(case when lease_until > ${now} then 1 else 0 end)`.as('leased'),
        sql<number>`sum(case when next_attempt_at <= ${now} and (lease_until is null or lease_until <= ${now}) then 1 else 0 end)`.as(
          'due',
        ),
        sql<number>`sum(case when next_attempt_at > ${now} and (lease_until is null or lease_until <= ${now}) then 1 else 0 end)`.as(
          'scheduled',
        ),
      ])
      .where('status', '=', 'pending')
      .executeTakeFirst();
    // sum() over no rows is NULL; PostgreSQL's sum of integers is a bigint (numeric as text for some drivers).
    return { due: Number(row?.due ?? 0), leased: Number(row?.leased ?? 0), scheduled: Number(row?.scheduled ?? 0) };
  };
}

export type WebhookBacklogQuery = ReturnType<typeof createWebhookBacklogQuery>;
