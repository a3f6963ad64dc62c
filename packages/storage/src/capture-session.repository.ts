import type {
  CaptureChallenge,
  FlashStep,
  CaptureFinishedEvent,
  CaptureFrame,
  CaptureLivenessMode,
  CaptureSession,
  CaptureSessionRepository,
  CaptureStatus,
  CaptureStep,
  Caller,
} from '@visage/core';
import {
  sql,
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type Selectable,
  type SqlBool,
  type Transaction,
} from 'kysely';
import type { CaptureFrameTable, CaptureSessionTable } from './capture-session.table.js';
import type { DialectCapabilities, VisageDatabase } from './database.js';
import type { Database } from './schema.js';
import { eraseWebhookPayloads, insertWebhookEvent } from './webhook.repository.js';

const openStatuses: CaptureStatus[] = ['not_started', 'in_progress'];

export function createCaptureSessionRepository(database: VisageDatabase): CaptureSessionRepository {
  const { db } = database;
  const findBy = async (column: 'id' | 'token_hash' | 'page_token_hash', value: string) => {
    const row = await db.selectFrom('capture_session').selectAll().where(column, '=', value).executeTakeFirst();
    return row && fromRow(row);
  };
  return {
    async insert(session) {
      await db.insertInto('capture_session').values(toRow(session)).execute();
    },

    find: (id) => findBy('id', id),
    findByTokenHash: (hash) => findBy('token_hash', hash),
    findByPageTokenHash: (hash) => findBy('page_token_hash', hash),

    async useToken(id, pageTokenHash, now) {
      const result = await db
        .updateTable('capture_session')
        .set({ token_used_at: now, page_token_hash: pageTokenHash })
        .where('id', '=', id)
        .where('token_used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async setConsent(id, consentId) {
      await db.updateTable('capture_session').set({ consent_id: consentId }).where('id', '=', id).execute();
    },

    startAttempt(id, attemptId, maxAttempts, now) {
      return db.transaction().execute(async (trx) => {
        const session = await trx
          .selectFrom('capture_session')
          .select('current_attempt_id')
          .where('id', '=', id)
          .executeTakeFirst();
        // One conditional update: concurrent starts cannot use more than max_attempts.
        const result = await trx
          .updateTable('capture_session')
          .set((eb) => ({
            attempts_used: eb('attempts_used', '+', 1),
            status: 'in_progress',
            current_attempt_id: attemptId,
          }))
          .where('id', '=', id)
          .where('attempts_used', '<', maxAttempts)
          .where('status', 'in', openStatuses)
          .where(noLiveClaim(now))
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        if (session?.current_attempt_id) await endAttemptIn(trx, session.current_attempt_id, 'abandoned', now);
        await trx
          .insertInto('capture_attempt')
          .values({ id: attemptId, session_id: id, started_at: now, ended_at: null, outcome: null })
          .execute();
        return true;
      });
    },

    addFrame(frame, limits) {
      return db.transaction().execute(async (trx) => {
        const counts = await trx
          .selectFrom('capture_frame')
          .select((eb) => [
            eb.fn.countAll<number>().as('total'),
            eb.fn.sum<number>(sql<number>`case when step = ${frame.step} then 1 else 0 end`).as('in_step'),
          ])
          .where('attempt_id', '=', frame.attemptId)
          .executeTakeFirstOrThrow();
        if (Number(counts.total) >= limits.perAttempt || Number(counts.in_step ?? 0) >= limits.perStep) return false;
        const result = await trx
          .insertInto('capture_frame')
          .values({
            attempt_id: frame.attemptId,
            step: frame.step,
            frame_index: frame.index,
            session_id: frame.sessionId,
            captured_at_ms: frame.capturedAtMs,
            received_at: frame.receivedAt,
            analysis_sealed: frame.analysisSealed,
          })
          // The same step and index again (a retried upload) replaces nothing and counts once.
          .onConflict((oc) => oc.columns(['attempt_id', 'step', 'frame_index']).doNothing())
          .executeTakeFirst();
        return Number(result.numInsertedOrUpdatedRows ?? 0n) <= 1;
      });
    },

    async listFrames(attemptId) {
      const rows = await db
        .selectFrom('capture_frame')
        .selectAll()
        .where('attempt_id', '=', attemptId)
        .orderBy('captured_at_ms')
        .orderBy('frame_index')
        .execute();
      return rows.map(frameFromRow);
    },

    async claimAttempt(id, attemptId, decidingUntil) {
      const result = await db
        .updateTable('capture_session')
        .set({ current_attempt_id: null, deciding_attempt_id: attemptId, deciding_until: decidingUntil })
        .where('id', '=', id)
        .where('current_attempt_id', '=', attemptId)
        .where('status', 'in', openStatuses)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    endAttempt(id, attemptId, reason, now) {
      return db.transaction().execute(async (trx) => {
        await endAttemptIn(trx, attemptId, reason, now);
        await trx
          .updateTable('capture_session')
          .set({ current_attempt_id: null, deciding_attempt_id: null, deciding_until: null })
          .where('id', '=', id)
          .where((eb) => eb.or([eb('current_attempt_id', '=', attemptId), eb('deciding_attempt_id', '=', attemptId)]))
          .execute();
      });
    },

    finish(id, finish, { event, decidingAttemptId }) {
      return db.transaction().execute(async (trx) => {
        // Compare-and-set on the status (and on the completion's claim): of an expiry, a cancel and a completion
        // racing for one session, exactly one writes its final status and its event.
        const result = await trx
          .updateTable('capture_session')
          .set({
            status: finish.status,
            reason: finish.reason,
            finished_at: finish.finishedAt,
            result_sealed: finish.resultSealed,
            result_expires_at: finish.resultExpiresAt,
            call_id: finish.callId,
            current_attempt_id: null,
            deciding_attempt_id: null,
            deciding_until: null,
          })
          .where('id', '=', id)
          .where('status', 'in', openStatuses)
          .$if(decidingAttemptId !== undefined, (query) => query.where('deciding_attempt_id', '=', decidingAttemptId!))
          .$if(decidingAttemptId === undefined, (query) => query.where(noLiveClaim(finish.finishedAt)))
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        await trx.deleteFrom('capture_frame').where('session_id', '=', id).execute();
        await trx
          .updateTable('capture_attempt')
          .set({ ended_at: finish.finishedAt, outcome: finish.status })
          .where('session_id', '=', id)
          .where('ended_at', 'is', null)
          .execute();
        await insertWebhookEvent(trx, event);
        return true;
      });
    },

    async listExpired(now, limit) {
      const rows = await db
        .selectFrom('capture_session')
        .selectAll()
        .where('status', 'in', openStatuses)
        .where('expires_at', '<=', now)
        .where(noLiveClaim(now))
        .orderBy('expires_at')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    },

    async sweepResults(now) {
      const result = await db
        .updateTable('capture_session')
        .set({ result_sealed: null, result_expires_at: null })
        .where('result_expires_at', '<=', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}

/**
 * The capture-session half of a subject's erasure, inside the erasure's transaction `trx`: the subject's open sessions
 * are cancelled (reason `subject.erased`; frames, reference and subject link dropped; nothing is charged, and a
 * completion deciding one finds it ended and voids its reservation) with their `capture_session.finished` event
 * from `cancelledEvent`; finished ones lose their result, reference and subject link, and their events' payloads.
 */
export async function eraseSubjectCaptureSessionsIn(
  trx: Transaction<Database>,
  dialect: DialectCapabilities,
  orgId: string,
  subjectRef: string,
  now: string,
  cancelledEvent?: (session: CaptureSession, now: string) => CaptureFinishedEvent,
): Promise<{ cancelled: number; erased: number }> {
  const rows = await trx
    .selectFrom('capture_session')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('subject_ref', '=', subjectRef)
    .orderBy('id')
    .$if(dialect.rowLocks, (query) => query.forUpdate())
    .execute();
  let cancelled = 0;
  const finishedIds: string[] = [];
  for (const row of rows) {
    if (!openStatuses.includes(row.status as CaptureStatus)) {
      finishedIds.push(row.id);
      continue;
    }
    const result = await trx
      .updateTable('capture_session')
      .set({
        status: 'cancelled',
        reason: 'subject.erased',
        finished_at: now,
        current_attempt_id: null,
        deciding_attempt_id: null,
        deciding_until: null,
        ...erasedColumns,
      })
      .where('id', '=', row.id)
      .where('status', 'in', openStatuses)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) continue;
    cancelled++;
    await trx.deleteFrom('capture_frame').where('session_id', '=', row.id).execute();
    await trx
      .updateTable('capture_attempt')
      .set({ ended_at: now, outcome: 'cancelled' })
      .where('session_id', '=', row.id)
      .where('ended_at', 'is', null)
      .execute();
    if (cancelledEvent) await insertWebhookEvent(trx, cancelledEvent(fromRow(row), now));
  }
  for (let start = 0; start < finishedIds.length; start += 1000) {
    const chunk = finishedIds.slice(start, start + 1000);
    await trx.updateTable('capture_session').set(erasedColumns).where('id', 'in', chunk).execute();
    // An event still pending (or resent later) would otherwise carry the result.
    await eraseWebhookPayloads(trx, chunk);
  }
  // Their FaceID businesses (docs/compat-faceid.md) lose biz_no and biz_extra_data, the app's references to the
  // subject, in this transaction: get_result cannot hand them out until the sweeper deletes the record.
  const sessionIds = rows.map((row) => row.id);
  for (let start = 0; start < sessionIds.length; start += 1000) {
    await trx
      .updateTable('faceid_business')
      .set({ biz_no: null, biz_extra_data: null })
      .where('session_id', 'in', sessionIds.slice(start, start + 1000))
      .execute();
  }
  return { cancelled, erased: finishedIds.length };
}

/** What erasure removes from a session: the result, the reference template and the link to the subject. */
const erasedColumns = { result_sealed: null, result_expires_at: null, reference_sealed: null, subject_ref: null };

/** No completion holds the session at `now` (none claimed it, or its claim ran out). */
const noLiveClaim =
  (now: string) =>
  (eb: ExpressionBuilder<Database, 'capture_session'>): Expression<SqlBool> =>
    eb.or([eb('deciding_until', 'is', null), eb('deciding_until', '<=', now)]);

async function endAttemptIn(trx: Kysely<Database>, attemptId: string, outcome: string, now: string): Promise<void> {
  await trx.deleteFrom('capture_frame').where('attempt_id', '=', attemptId).execute();
  await trx
    .updateTable('capture_attempt')
    .set({ ended_at: now, outcome })
    .where('id', '=', attemptId)
    .where('ended_at', 'is', null)
    .execute();
}

function toRow(session: CaptureSession): Selectable<CaptureSessionTable> {
  return {
    id: session.id,
    org_id: session.orgId,
    app_id: session.appId,
    key_id: session.caller.keyId,
    sandbox: session.caller.sandbox ? 1 : 0,
    caller_json: JSON.stringify(session.caller),
    liveness: session.liveness,
    // A flash session's colour sequence lives in the same column (no migration: the column is JSON text).
    challenges: JSON.stringify(session.liveness === 'flash' ? (session.flashSequence ?? []) : session.challenges),
    subject_ref: session.subjectRef,
    biz_no: session.bizNo,
    return_url: session.returnUrl,
    notify_url: session.notifyUrl,
    locale: session.locale,
    max_attempts: session.maxAttempts,
    attempts_used: session.attemptsUsed,
    status: session.status,
    reason: session.reason,
    created_at: session.createdAt,
    expires_at: session.expiresAt,
    finished_at: session.finishedAt,
    token_hash: session.tokenHash,
    token_used_at: session.tokenUsedAt,
    page_token_hash: session.pageTokenHash,
    reference_sealed: session.referenceSealed,
    consent_id: session.consentId,
    current_attempt_id: session.currentAttemptId,
    result_sealed: session.resultSealed,
    result_expires_at: session.resultExpiresAt,
    call_id: session.callId,
    deciding_attempt_id: session.decidingAttemptId ?? null,
    deciding_until: session.decidingUntil ?? null,
  };
}

function fromRow(row: Selectable<CaptureSessionTable>): CaptureSession {
  return {
    id: row.id,
    orgId: row.org_id,
    appId: row.app_id,
    caller: JSON.parse(row.caller_json) as Caller,
    liveness: row.liveness as CaptureLivenessMode,
    ...(row.liveness === 'flash'
      ? { challenges: [], flashSequence: JSON.parse(row.challenges) as FlashStep[] }
      : { challenges: JSON.parse(row.challenges) as CaptureChallenge[] }),
    subjectRef: row.subject_ref,
    bizNo: row.biz_no,
    returnUrl: row.return_url,
    notifyUrl: row.notify_url,
    locale: row.locale as CaptureSession['locale'],
    maxAttempts: Number(row.max_attempts),
    attemptsUsed: Number(row.attempts_used),
    status: row.status as CaptureStatus,
    reason: row.reason,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    finishedAt: row.finished_at,
    tokenHash: row.token_hash,
    tokenUsedAt: row.token_used_at,
    pageTokenHash: row.page_token_hash,
    referenceSealed: row.reference_sealed && new Uint8Array(row.reference_sealed),
    consentId: row.consent_id,
    currentAttemptId: row.current_attempt_id,
    resultSealed: row.result_sealed && new Uint8Array(row.result_sealed),
    resultExpiresAt: row.result_expires_at,
    callId: row.call_id,
    decidingAttemptId: row.deciding_attempt_id,
    decidingUntil: row.deciding_until,
  };
}

function frameFromRow(row: Selectable<CaptureFrameTable>): CaptureFrame {
  return {
    sessionId: row.session_id,
    attemptId: row.attempt_id,
    step: row.step as CaptureStep,
    index: Number(row.frame_index),
    capturedAtMs: Number(row.captured_at_ms),
    receivedAt: row.received_at,
    analysisSealed: new Uint8Array(row.analysis_sealed),
  };
}
