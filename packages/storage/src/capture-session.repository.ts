import type {
  CaptureChallenge,
  CaptureFrame,
  CaptureLivenessMode,
  CaptureSession,
  CaptureSessionRepository,
  CaptureStatus,
  CaptureStep,
  Caller,
} from '@visage/core';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { CaptureFrameTable, CaptureSessionTable } from './capture-session.table.js';
import type { VisageDatabase } from './database.js';
import type { Database } from './schema.js';
import { insertWebhookEvent } from './webhook.repository.js';

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

    async claimAttempt(id, attemptId) {
      const result = await db
        .updateTable('capture_session')
        .set({ current_attempt_id: null })
        .where('id', '=', id)
        .where('current_attempt_id', '=', attemptId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    endAttempt(id, attemptId, reason, now) {
      return db.transaction().execute(async (trx) => {
        await endAttemptIn(trx, attemptId, reason, now);
        await trx
          .updateTable('capture_session')
          .set({ current_attempt_id: null })
          .where('id', '=', id)
          .where('current_attempt_id', '=', attemptId)
          .execute();
      });
    },

    finish(id, finish, { event }) {
      return db.transaction().execute(async (trx) => {
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
          })
          .where('id', '=', id)
          .where('status', 'in', openStatuses)
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
    challenges: JSON.stringify(session.challenges),
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
  };
}

function fromRow(row: Selectable<CaptureSessionTable>): CaptureSession {
  return {
    id: row.id,
    orgId: row.org_id,
    appId: row.app_id,
    caller: JSON.parse(row.caller_json) as Caller,
    liveness: row.liveness as CaptureLivenessMode,
    challenges: JSON.parse(row.challenges) as CaptureChallenge[],
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
