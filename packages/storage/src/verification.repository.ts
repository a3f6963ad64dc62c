import type { CallSummary, Clock, Product, StoredBlob, VerificationRecord, VerificationRepository } from '@visage/core';
import { sql, type Insertable, type Selectable, type Transaction } from 'kysely';
import type { DialectCapabilities, VisageDatabase } from './database.js';
import type { Database } from './schema.js';
import type { VerificationBlobTable, VerificationTable } from './verification.table.js';
import { createWriteBatcher, type Defer } from './write-batcher.js';
import { olderThan } from './keyset-page.js';
import { eraseWebhookPayloads, insertWebhookEvent, unbillWebhookPayloads } from './webhook.repository.js';
import { eraseSubjectCaptureSessionsIn } from './capture-session.repository.js';

// The expiry goes with the result, so the sweeper's index range holds only results that still exist.
const noResult = { result_sealed: null, result_expires_at: null } as const;

export function createVerificationRepository(
  { db, dialect }: VisageDatabase,
  clock: Clock,
  options: { defer?: Defer } = {},
): VerificationRepository {
  // Reads of stored results are counted on the request path: claims that wait together share one commit.
  const claimOne = createWriteBatcher(db, claimRead, options.defer, (claim) => `${claim.orgId}\u0000${claim.id}`);
  /**
   * A call left uncharged (its hold voided): the record and the payload of its `verification.completed` event say
   * `billed: false` from then on, in one transaction, so a delivery still pending or retried tells the truth.
   */
  async function unbill(orgId: string, column: 'id' | 'request_id', value: string): Promise<void> {
    await db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('verification')
        .select('id')
        .where('org_id', '=', orgId)
        .where(column, '=', value)
        .where('billed', '=', 1)
        .execute();
      const ids = rows.map((row) => row.id);
      if (ids.length === 0) return;
      await trx
        .updateTable('verification')
        .set({ billed: 0, amount_fen: 0 })
        .where('org_id', '=', orgId)
        .where('id', 'in', ids)
        .execute();
      await unbillWebhookPayloads(trx, ids);
    });
  }

  return {
    insert(record, blobs, options) {
      return db.transaction().execute(async (trx) => {
        await trx.insertInto('verification').values(toRow(record)).execute();
        if (blobs.length > 0) await trx.insertInto('verification_blob').values(blobs.map(toBlobRow)).execute();
        if (options?.event) await insertWebhookEvent(trx, options.event);
      });
    },

    async find(orgId, id) {
      const row = await db
        .selectFrom('verification')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && fromRow(row);
    },

    claimRead: (orgId, id, now, maxReads, mode) => claimOne({ orgId, id, now, maxReads, mode }),

    markUnbilled: (orgId, id) => unbill(orgId, 'id', id),

    markUnbilledByRequest: (orgId, requestId) => unbill(orgId, 'request_id', requestId),

    async countKeyResults(orgId, keyId, resultCodes, { since }) {
      if (resultCodes.length === 0) return 0;
      const { count } = await db
        .selectFrom('verification')
        .select((eb) => eb.fn.countAll().as('count'))
        .where('key_id', '=', keyId)
        .where('result_code', 'in', [...resultCodes])
        .where('created_at', '>=', since)
        .where('org_id', '=', orgId)
        .executeTakeFirstOrThrow();
      return Number(count);
    },

    async countForSubject(orgId, subjectRef, since) {
      const { count } = await db
        .selectFrom('verification')
        .select((eb) => eb.fn.countAll().as('count'))
        .where('org_id', '=', orgId)
        .where('subject_ref', '=', subjectRef)
        .where('created_at', '>=', since)
        .executeTakeFirstOrThrow();
      return Number(count);
    },

    erase(orgId, id) {
      return db.transaction().execute(async (trx) => {
        const ids = await lockIds(trx, dialect, orgId, 'id', id);
        if (ids.length === 0) return undefined;
        const { results, blobs } = await eraseVerifications(trx, ids, clock.now().toISOString());
        return { result: results > 0, blobs };
      });
    },

    eraseSubject(orgId, subjectRef, options) {
      return db.transaction().execute(async (trx) => {
        const now = clock.now().toISOString();
        const ids = await lockIds(trx, dialect, orgId, 'subject_ref', subjectRef);
        const erased = await eraseVerifications(trx, ids, now);
        const consents = await trx
          .deleteFrom('consent')
          .where('org_id', '=', orgId)
          .where('subject_ref', '=', subjectRef)
          .executeTakeFirst();
        // The subject's capture sessions: open ones are cancelled, finished ones lose their biometric data.
        const sessions = await eraseSubjectCaptureSessionsIn(
          trx,
          dialect,
          orgId,
          subjectRef,
          now,
          options?.cancelledEvent,
        );
        return {
          verifications: ids.length,
          ...erased,
          consents: Number(consents.numDeletedRows),
          capture_sessions_cancelled: sessions.cancelled,
          capture_sessions_erased: sessions.erased,
        };
      });
    },

    async sweepExpired(now) {
      const results = await db
        .updateTable('verification')
        .set(noResult)
        .where('result_expires_at', '<=', now)
        .where('result_sealed', 'is not', null)
        .executeTakeFirst();
      const blobs = await db.deleteFrom('verification_blob').where('expires_at', '<=', now).executeTakeFirst();
      return { results: Number(results.numUpdatedRows), blobs: Number(blobs.numDeletedRows) };
    },

    async usage(orgId, { from, to, appId }) {
      // ISO timestamps in UTC: the first ten characters are the day.
      const day = sql<string>`substr(created_at, 1, 10)`;
      const rows = await db
        .selectFrom('verification')
        .select((eb) => [
          day.as('day'),
          'product',
          'result_code',
          eb.fn.countAll().as('calls'),
          eb.fn.sum<number | string>('billed').as('billed_calls'),
          eb.fn.sum<number | string>('sandbox').as('sandbox_calls'),
          eb.fn.sum<number | string>('amount_fen').as('amount_fen'),
        ])
        .where('org_id', '=', orgId)
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .$if(appId !== undefined, (query) => query.where('app_id', '=', appId!))
        .groupBy([day, 'product', 'result_code'])
        .orderBy('day')
        .orderBy('product')
        .orderBy('result_code')
        .execute();
      // PostgreSQL sums bigint columns as numeric, which arrives as a string.
      return rows.map((row) => ({
        day: row.day,
        product: row.product as Product,
        resultCode: row.result_code,
        calls: Number(row.calls),
        billedCalls: Number(row.billed_calls),
        sandboxCalls: Number(row.sandbox_calls),
        amountFen: Number(row.amount_fen),
      }));
    },

    async listCalls(orgId, { appId, resultCode, bizNo, from, to, after, limit }) {
      const rows = await db
        .selectFrom('verification')
        .select(callColumns)
        .where('org_id', '=', orgId)
        .$if(appId !== undefined, (query) => query.where('app_id', '=', appId!))
        .$if(resultCode !== undefined, (query) => query.where('result_code', '=', resultCode!))
        .$if(bizNo !== undefined, (query) => query.where('biz_no', '=', bizNo!))
        .$if(from !== undefined, (query) => query.where('created_at', '>=', from!))
        .$if(to !== undefined, (query) => query.where('created_at', '<', to!))
        .$if(after !== undefined, (query) => query.where(olderThan(after!)))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(fromCallRow);
    },
  };
}

// The call log never reads the sealed result, the subject or the consent.
const callColumns = [
  'id',
  'app_id',
  'key_id',
  'product',
  'sandbox',
  'biz_no',
  'request_id',
  'result_code',
  'billed',
  'amount_fen',
  'created_at',
  'time_used_ms',
] as const satisfies readonly (keyof VerificationTable)[];

function fromCallRow(row: Pick<Selectable<VerificationTable>, (typeof callColumns)[number]>): CallSummary {
  return {
    id: row.id,
    appId: row.app_id,
    keyId: row.key_id,
    product: row.product as Product,
    sandbox: row.sandbox === 1,
    bizNo: row.biz_no,
    requestId: row.request_id,
    resultCode: row.result_code,
    billed: row.billed === 1,
    amountFen: Number(row.amount_fen),
    createdAt: row.created_at,
    timeUsedMs: row.time_used_ms,
  };
}

/**
 * The erasure works on this fixed set of ids rather than re-matching the subject in each statement, so a verification
 * inserted meanwhile is left whole (and erasable later) instead of half-erased; row locks make readers wait.
 */
async function lockIds(
  trx: Transaction<Database>,
  dialect: DialectCapabilities,
  orgId: string,
  column: 'id' | 'subject_ref',
  value: string,
): Promise<string[]> {
  let query = trx.selectFrom('verification').select('id').where('org_id', '=', orgId).where(column, '=', value);
  if (dialect.rowLocks) query = query.forUpdate();
  return (await query.execute()).map((row) => row.id);
}

async function eraseVerifications(
  trx: Transaction<Database>,
  ids: readonly string[],
  erasedAt: string,
): Promise<{ results: number; blobs: number }> {
  let results = 0;
  let blobs = 0;
  // Bounds the bind parameters per statement (SQLite allows 32766) for a subject with very many verifications.
  for (let start = 0; start < ids.length; start += 1000) {
    const chunk = ids.slice(start, start + 1000);
    const deleted = await trx.deleteFrom('verification_blob').where('verification_id', 'in', chunk).executeTakeFirst();
    // An Idempotency-Key replay would otherwise hand the erased answer out again.
    await trx.deleteFrom('idempotency_record').where('call_id', 'in', chunk).execute();
    // So would a webhook event that carries the result.
    await eraseWebhookPayloads(trx, chunk);
    const nulled = await trx
      .updateTable('verification')
      .set(noResult)
      .where('id', 'in', chunk)
      .where('result_sealed', 'is not', null)
      .executeTakeFirst();
    await trx
      .updateTable('verification')
      .set({ subject_ref: null, erased_at: erasedAt })
      .where('id', 'in', chunk)
      .where('erased_at', 'is', null)
      .execute();
    blobs += Number(deleted.numDeletedRows);
    results += Number(nulled.numUpdatedRows);
  }
  return { results, blobs };
}

function toRow(record: VerificationRecord): Insertable<VerificationTable> {
  return {
    id: record.id,
    org_id: record.orgId,
    app_id: record.appId,
    key_id: record.keyId,
    product: record.product,
    sandbox: record.sandbox ? 1 : 0,
    subject_ref: record.subjectRef,
    consent_id: record.consentId,
    biz_no: record.bizNo,
    request_id: record.requestId,
    result_code: record.resultCode,
    billed: record.billed ? 1 : 0,
    amount_fen: record.amountFen,
    created_at: record.createdAt,
    time_used_ms: record.timeUsedMs,
    result_sealed: record.resultSealed,
    result_expires_at: record.resultExpiresAt,
    erased_at: null,
  };
}

function fromRow(row: Selectable<VerificationTable>): VerificationRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    appId: row.app_id,
    keyId: row.key_id,
    product: row.product as Product,
    sandbox: row.sandbox === 1,
    subjectRef: row.subject_ref,
    consentId: row.consent_id,
    bizNo: row.biz_no,
    requestId: row.request_id,
    resultCode: row.result_code,
    billed: row.billed === 1,
    amountFen: Number(row.amount_fen),
    createdAt: row.created_at,
    timeUsedMs: row.time_used_ms,
    resultSealed: row.result_sealed && plainBytes(row.result_sealed),
    resultExpiresAt: row.result_expires_at,
  };
}

function toBlobRow(blob: StoredBlob): VerificationBlobTable {
  return {
    verification_id: blob.verificationId,
    role: blob.role,
    sealed: blob.sealed,
    expires_at: blob.expiresAt,
  };
}

// Both drivers return Buffer; a plain view keeps Buffer's differing slice() (a view, not a copy) out of core.
function plainBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

interface ReadClaim {
  readonly orgId: string;
  readonly id: string;
  readonly now: string;
  readonly maxReads: number;
  readonly mode: { readonly sandbox: boolean } | undefined;
}

async function claimRead(trx: Transaction<Database>, { orgId, id, now, maxReads, mode }: ReadClaim) {
  // RETURNING yields the row this very update counted: no other write can fall between the claim and the read.
  let query = trx
    .updateTable('verification')
    .set((eb) => ({ reads: eb('reads', '+', 1) }))
    .where('org_id', '=', orgId)
    .where('id', '=', id);
  if (mode) query = query.where('sandbox', '=', mode.sandbox ? 1 : 0);
  const row = await query
    .where('reads', '<', maxReads)
    .where('result_sealed', 'is not', null)
    .where('result_expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
  return row && fromRow(row);
}
