import type { Crypto } from '../ports.js';
import type { CaptureFinishedEvent, CaptureSession } from './capture-sessions.ports.js';

/** What GET /v1/capture-sessions/{id} answers, and the `capture_session.finished` event carries. */
export function sessionView(session: CaptureSession, result: Record<string, unknown> | null) {
  return {
    id: session.id,
    status: session.status,
    reason: session.reason,
    liveness: session.liveness,
    challenges: [...session.challenges],
    subject_ref: session.subjectRef,
    biz_no: session.bizNo,
    sandbox: session.caller.sandbox,
    created_at: session.createdAt,
    expires_at: session.expiresAt,
    finished_at: session.finishedAt,
    attempts_used: session.attemptsUsed,
    max_attempts: session.maxAttempts,
    consent_id: session.consentId,
    result,
  };
}

/**
 * The event of an open session cancelled by the erasure of its subject (reason `subject.erased`): no result, no
 * subject_ref, sent where the session's own event would have gone.
 */
export function erasedCaptureSessionEvent(
  crypto: Pick<Crypto, 'randomId'>,
  session: CaptureSession,
  now: string,
): CaptureFinishedEvent {
  const cancelled: CaptureSession = {
    ...session,
    status: 'cancelled',
    reason: 'subject.erased',
    subjectRef: null,
    finishedAt: now,
    currentAttemptId: null,
  };
  return {
    id: crypto.randomId('evt'),
    orgId: session.orgId,
    appId: session.appId,
    mode: session.caller.sandbox ? 'sandbox' : 'live',
    type: 'capture_session.finished',
    payload: sessionView(cancelled, null),
    createdAt: now,
    targetUrl: session.notifyUrl,
  };
}
