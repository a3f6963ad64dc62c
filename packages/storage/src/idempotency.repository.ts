import type { IdempotencyRecord, IdempotencyRepository } from '@visage/core';
import type { Selectable } from 'kysely';
import type { VisageDatabase } from './database.js';
import type { IdempotencyRecordTable } from './idempotency.table.js';

export function createIdempotencyRepository({ db }: VisageDatabase): IdempotencyRepository {
  return {
    async claim(record, now) {
      const { scope, key, ...fields } = toRow(record);
      // One statement, so that concurrent claims of one key are decided by the database: PostgreSQL makes a
      // conflicting upsert wait for the other to commit and then re-checks the condition against the row it wrote.
      const result = await db
        .insertInto('idempotency_record')
        .values({ scope, key, ...fields })
        .onConflict((oc) =>
          oc
            .columns(['scope', 'key'])
            .doUpdateSet(fields)
            .where((eb) =>
              eb.or([
                eb('idempotency_record.expires_at', '<=', now),
                eb.and([
                  eb('idempotency_record.status', '=', 'in_progress'),
                  eb('idempotency_record.locked_until', '<=', now),
                  eb('idempotency_record.request_hash', '=', record.requestHash),
                ]),
              ]),
            ),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    },

    async find(scope, key) {
      // The call's own billed flag with the answer: the sweeper marks a call unbilled when it voids the hold a
      // killed process left, and a replay must not claim a charge that was never posted.
      const row = await db
        .selectFrom('idempotency_record')
        .leftJoin('verification', 'verification.id', 'idempotency_record.call_id')
        .selectAll('idempotency_record')
        .select('verification.billed as call_billed')
        .where('idempotency_record.scope', '=', scope)
        .where('idempotency_record.key', '=', key)
        .executeTakeFirst();
      return row && fromRow(row);
    },

    async complete(scope, key, response) {
      const result = await db
        .updateTable('idempotency_record')
        .set({
          status: 'done',
          response_status: response.status,
          response_body: response.body,
          call_id: response.callId ?? null,
        })
        .where('scope', '=', scope)
        .where('key', '=', key)
        .where('status', '=', 'in_progress')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async release(scope, key) {
      await db
        .deleteFrom('idempotency_record')
        .where('scope', '=', scope)
        .where('key', '=', key)
        .where('status', '=', 'in_progress')
        .execute();
    },

    async sweep(now) {
      const result = await db.deleteFrom('idempotency_record').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function toRow(record: IdempotencyRecord): Selectable<IdempotencyRecordTable> {
  return {
    scope: record.scope,
    key: record.key,
    request_hash: record.requestHash,
    status: record.status,
    response_status: record.response?.status ?? null,
    response_body: record.response?.body ?? null,
    call_id: null,
    locked_until: record.lockedUntil,
    created_at: record.createdAt,
    expires_at: record.expiresAt,
  };
}

function fromRow(row: Selectable<IdempotencyRecordTable> & { call_billed: number | null }): IdempotencyRecord {
  return {
    scope: row.scope,
    key: row.key,
    requestHash: row.request_hash,
    status: row.status as IdempotencyRecord['status'],
    response:
      row.response_status === null || row.response_body === null
        ? null
        : { status: Number(row.response_status), body: row.response_body },
    lockedUntil: row.locked_until,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    ...(row.call_billed === null ? {} : { callBilled: Number(row.call_billed) === 1 }),
  };
}
