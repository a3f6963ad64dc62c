import { DomainError } from '../domain-error.js';
import type { Clock, Crypto, SecretBox } from '../ports.js';
import type { AuditRecorder, Caller, VerificationService } from '../verification/verification.service.js';
import type {
  FaceEnginePort,
  FaceTemplateRef,
  FrameAnalysis,
  FaceFrameAnalysis,
} from '../verification/verification.ports.js';
import type { AppRepository } from '../apps/apps.ports.js';
import type { OrganizationRepository } from '../accounts/accounts.ports.js';
import { captureConsentText, captureConsentVersion } from './capture-consent.js';
import { decideLiveness } from './liveness-decision.js';
import {
  captureChallengeNames,
  openCaptureStatuses,
  type CaptureChallenge,
  type CaptureFrame,
  type CaptureLivenessMode,
  type CaptureSession,
  type CaptureSessionRepository,
  type CaptureStatus,
  type CaptureStep,
  type DecideLiveness,
} from './capture-sessions.ports.js';

export const captureFrameLimits = { perStep: 12, perAttempt: 60, maxBytes: 200 * 1024, maxSide: 1280 } as const;
/** A finished session's result stays readable at least this long, longer when the app keeps results longer. */
const minResultSeconds = 3600;

export interface CaptureCreateInput {
  readonly liveness: CaptureLivenessMode;
  readonly referenceImage?: Uint8Array | undefined;
  readonly subjectRef?: string | undefined;
  readonly bizNo?: string | undefined;
  readonly returnUrl: string;
  readonly notifyUrl?: string | undefined;
  readonly locale?: 'zh-CN' | 'en' | undefined;
  readonly expiresInSeconds: number;
  readonly maxAttempts: number;
}

export interface CaptureFrameInput {
  readonly step: CaptureStep;
  readonly index: number;
  readonly capturedAtMs: number;
  readonly frame: Uint8Array;
}

export function createCaptureSessions(ports: {
  sessions: CaptureSessionRepository;
  verification: Pick<VerificationService, 'chargedCall' | 'createConsent'>;
  engine: Pick<FaceEnginePort, 'analyze' | 'analyzeFrame' | 'compare'>;
  /** Default: core's `decideLiveness` over this engine. */
  decideLiveness?: DecideLiveness;
  apps: Pick<AppRepository, 'find'>;
  orgs: Pick<OrganizationRepository, 'find'>;
  audit: AuditRecorder;
  secretBox: SecretBox;
  clock: Clock;
  crypto: Pick<Crypto, 'randomId' | 'randomToken' | 'sha256Hex'>;
  /** `${VISAGE_PUBLIC_URL}`, without a trailing slash. */
  publicUrl: string;
  operatorName: string;
  /** Told after a webhook event was written (the delivery worker wakes up). */
  onWebhookEvent?: () => void;
}) {
  const { sessions, verification, engine, secretBox, clock, crypto, audit } = ports;
  const now = () => clock.now().toISOString();
  const decide: DecideLiveness = ports.decideLiveness ?? ((input) => decideLiveness(input, engine));

  /** 2-4 distinct challenges in a random order, from the Crypto port's randomness. */
  function chooseChallenges(): CaptureChallenge[] {
    const bytes = base64UrlBytes(crypto.randomToken(16));
    const pool = [...captureChallengeNames];
    // Fisher-Yates with one random byte per swap (modulo bias ≤ 5/256: irrelevant for a challenge order).
    for (let i = pool.length - 1; i > 0; i--) {
      const j = (bytes[i] ?? 0) % (i + 1);
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    const count = 2 + ((bytes[8] ?? 0) % 3);
    // A left turn right after a right turn (or the reverse) is one head movement: keep only one of a pair.
    const chosen = pool.slice(0, count);
    return chosen.length === 2 && chosen.includes('turn_left') && chosen.includes('turn_right')
      ? [chosen[0]!, pool[2]!]
      : chosen;
  }

  async function expireIfDue(session: CaptureSession): Promise<CaptureSession> {
    if (!openCaptureStatuses.includes(session.status) || session.expiresAt > now()) return session;
    await finish(session, { status: 'expired', reason: null });
    return (await sessions.find(session.id)) ?? session;
  }

  async function finish(
    session: CaptureSession,
    outcome: { status: CaptureStatus; reason: string | null; result?: Record<string, unknown>; callId?: string },
  ): Promise<boolean> {
    const finishedAt = now();
    const result = outcome.result ?? null;
    const retention = Math.max(session.caller.resultRetentionSeconds, minResultSeconds);
    const finished: CaptureSession = {
      ...session,
      status: outcome.status,
      reason: outcome.reason,
      finishedAt,
      currentAttemptId: null,
    };
    const ok = await sessions.finish(
      session.id,
      {
        status: outcome.status,
        reason: outcome.reason,
        finishedAt,
        resultSealed: result ? secretBox.seal(encodeJson(result), `capture:${session.id}`) : null,
        resultExpiresAt: result ? new Date(Date.parse(finishedAt) + retention * 1000).toISOString() : null,
        callId: outcome.callId ?? null,
      },
      {
        event: {
          id: crypto.randomId('evt'),
          orgId: session.orgId,
          appId: session.appId,
          mode: session.caller.sandbox ? 'sandbox' : 'live',
          type: 'capture_session.finished',
          payload: sessionView(finished, result),
          createdAt: finishedAt,
        },
      },
    );
    if (ok) {
      ports.onWebhookEvent?.();
      await audit.record({
        actor: outcome.status === 'expired' ? 'system' : `capture:${session.id}`,
        action: `capture_session.${outcome.status}`,
        subject: session.id,
        data: { org: session.orgId, app: session.appId, reason: outcome.reason, call_id: outcome.callId ?? null },
      });
    }
    return ok;
  }

  function sessionView(session: CaptureSession, result: Record<string, unknown> | null) {
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

  async function pageView(session: CaptureSession) {
    const [app, org] = await Promise.all([ports.apps.find(session.appId), ports.orgs.find(session.orgId)]);
    const orgName = org?.name ?? '';
    return {
      id: session.id,
      app_name: app?.name ?? '',
      org_name: orgName,
      operator_name: ports.operatorName,
      locale: session.locale,
      liveness: session.liveness,
      challenges: [...session.challenges],
      consent: {
        version: captureConsentVersion,
        text: captureConsentText(session.locale, { org: orgName, operator: ports.operatorName }),
      },
      expires_at: session.expiresAt,
      attempts_left: session.maxAttempts - session.attemptsUsed,
      status: session.status,
      return_url: session.returnUrl,
    };
  }

  /** The open session behind a page token; expired, finished and unknown ones refuse. */
  async function openSessionOf(pageToken: string): Promise<CaptureSession> {
    const found = pageToken ? await sessions.findByPageTokenHash(crypto.sha256Hex(pageToken)) : undefined;
    if (!found) throw new DomainError('capture.unauthorized');
    const session = await expireIfDue(found);
    if (session.status === 'expired') throw new DomainError('capture.expired');
    if (!openCaptureStatuses.includes(session.status)) {
      throw new DomainError('capture.finished', { status: session.status });
    }
    return session;
  }

  function currentAttempt(session: CaptureSession, attemptId: string): void {
    if (session.currentAttemptId !== attemptId) throw new DomainError('capture.attempt_not_found');
  }

  const openAnalysis = (frame: CaptureFrame) =>
    decodeJson(secretBox.open(frame.analysisSealed, `capture-frame:${frame.attemptId}`)) as unknown as FrameAnalysis;

  return {
    async create(caller: Caller, input: CaptureCreateInput) {
      const createdAt = clock.now();
      const id = crypto.randomId('cap');
      let referenceSealed: Uint8Array | null = null;
      if (input.referenceImage) {
        // Only the reference face's template is kept (sealed); the image is dropped here.
        const face = await engine.analyze(input.referenceImage, { allowMultipleFaces: caller.allowMultipleFaces });
        referenceSealed = secretBox.seal(encodeJson(face.template), `capture-reference:${id}`);
      }
      const token = crypto.randomToken(32);
      const session: CaptureSession = {
        id,
        orgId: caller.orgId,
        appId: caller.appId,
        caller,
        liveness: input.liveness,
        challenges: input.liveness === 'action' ? chooseChallenges() : [],
        subjectRef: input.subjectRef ?? null,
        bizNo: input.bizNo ?? null,
        returnUrl: input.returnUrl,
        notifyUrl: input.notifyUrl ?? null,
        locale: input.locale ?? null,
        maxAttempts: input.maxAttempts,
        attemptsUsed: 0,
        status: 'not_started',
        reason: null,
        createdAt: createdAt.toISOString(),
        expiresAt: new Date(createdAt.getTime() + input.expiresInSeconds * 1000).toISOString(),
        finishedAt: null,
        tokenHash: crypto.sha256Hex(token),
        tokenUsedAt: null,
        pageTokenHash: null,
        referenceSealed,
        consentId: null,
        currentAttemptId: null,
        resultSealed: null,
        resultExpiresAt: null,
        callId: null,
      };
      await sessions.insert(session);
      await audit.record({
        actor: `key:${caller.keyId}`,
        action: 'capture_session.created',
        subject: id,
        data: { org: caller.orgId, app: caller.appId, liveness: input.liveness, comparison: referenceSealed !== null },
      });
      return { id, url: `${ports.publicUrl}/capture/${token}`, expires_at: session.expiresAt };
    },

    async get(caller: Caller, id: string) {
      const found = await sessions.find(id);
      if (!found || found.orgId !== caller.orgId || found.caller.sandbox !== caller.sandbox) {
        throw new DomainError('capture.not_found');
      }
      const session = await expireIfDue(found);
      const result =
        session.resultSealed && session.resultExpiresAt && session.resultExpiresAt > now()
          ? decodeJson(secretBox.open(session.resultSealed, `capture:${session.id}`))
          : null;
      return sessionView(session, result);
    },

    /** Exchanges the single-use URL token for the page's bearer token. */
    async open(token: string) {
      const found = await sessions.findByTokenHash(crypto.sha256Hex(token));
      if (!found) throw new DomainError('capture.unauthorized');
      const session = await expireIfDue(found);
      if (session.status === 'expired') throw new DomainError('capture.expired');
      if (!openCaptureStatuses.includes(session.status)) {
        throw new DomainError('capture.finished', { status: session.status });
      }
      const pageToken = crypto.randomToken(32);
      if (session.tokenUsedAt || !(await sessions.useToken(session.id, crypto.sha256Hex(pageToken), now()))) {
        throw new DomainError('capture.link_used');
      }
      return { page_token: pageToken, session: await pageView(session) };
    },

    async session(pageToken: string) {
      return pageView(await openSessionOf(pageToken));
    },

    async consent(pageToken: string): Promise<void> {
      const session = await openSessionOf(pageToken);
      if (session.consentId) return;
      const record = await verification.createConsent(session.caller, {
        subjectRef: session.subjectRef ?? session.id,
        textVersion: captureConsentVersion,
        obtainedAt: now(),
        method: 'capture_page',
      });
      await sessions.setConsent(session.id, record.id);
    },

    async startAttempt(pageToken: string) {
      const session = await openSessionOf(pageToken);
      if (!session.consentId) throw new DomainError('capture.consent_required');
      if (session.attemptsUsed >= session.maxAttempts) throw new DomainError('capture.attempts_exhausted');
      const attemptId = crypto.randomId('att');
      if (!(await sessions.startAttempt(session.id, attemptId, session.maxAttempts, now()))) {
        throw new DomainError('capture.attempts_exhausted');
      }
      return { attempt_id: attemptId };
    },

    async addFrame(pageToken: string, attemptId: string, input: CaptureFrameInput) {
      const session = await openSessionOf(pageToken);
      currentAttempt(session, attemptId);
      const allowed: readonly CaptureStep[] = ['still', ...session.challenges];
      if (!allowed.includes(input.step)) throw new DomainError('request.invalid', { reason: 'unknown step' });
      checkJpeg(input.frame);
      const analysis = await engine.analyzeFrame(input.frame);
      const stored = await sessions.addFrame(
        {
          sessionId: session.id,
          attemptId,
          step: input.step,
          index: input.index,
          capturedAtMs: input.capturedAtMs,
          receivedAt: now(),
          analysisSealed: secretBox.seal(encodeJson(analysis), `capture-frame:${attemptId}`),
        },
        captureFrameLimits,
      );
      if (!stored) {
        throw new DomainError('capture.too_many_frames', {
          max_per_step: captureFrameLimits.perStep,
          max_per_attempt: captureFrameLimits.perAttempt,
        });
      }
      return { face_count: analysis.faceCount };
    },

    /** Runs the server's decision on the attempt's frames; charges once when the session ends passed or failed. */
    async complete(pageToken: string, attemptId: string, requestId: string) {
      const session = await openSessionOf(pageToken);
      currentAttempt(session, attemptId);
      if (!session.consentId) throw new DomainError('capture.consent_required');
      // From here the attempt is this request's: a second completion (a double submit) finds no current attempt.
      if (!(await sessions.claimAttempt(session.id, attemptId))) throw new DomainError('capture.attempt_not_found');
      const frames = await sessions.listFrames(attemptId);
      const analysed = frames.map((frame) => ({
        ...openAnalysis(frame),
        step: frame.step,
        capturedAtMs: frame.capturedAtMs,
      }));
      const decision = decide({ mode: session.liveness, challenges: session.challenges, frames: analysed });
      const attemptsLeft = session.maxAttempts - session.attemptsUsed;
      const answer = (status: CaptureStatus, reason?: string | null) => ({
        status,
        ...(reason ? { reason } : {}),
        attempts_left: status === 'in_progress' ? attemptsLeft : 0,
        return_url: session.returnUrl,
      });
      if (!decision.live && attemptsLeft > 0) {
        // Another attempt is possible: nothing is charged for this one.
        await sessions.endAttempt(session.id, attemptId, decision.reason ?? 'liveness.failed', now());
        return answer('in_progress', decision.reason ?? 'liveness.failed');
      }
      const best = analysed[decision.bestFrameIndex];
      const bestFace = best && best.faceCount > 0 ? (best as FaceFrameAnalysis) : undefined;
      const reference = session.referenceSealed
        ? (decodeJson(
            secretBox.open(session.referenceSealed, `capture-reference:${session.id}`),
          ) as unknown as FaceTemplateRef)
        : null;
      const livenessDetails = {
        mode: session.liveness,
        live: decision.live,
        ...(decision.reason ? { reason: decision.reason } : {}),
        challenges_asked: [...session.challenges],
        challenges: decision.challenges.map((c) => ({ name: c.name, passed: c.passed, evidence: c.evidence })),
        frame_count: decision.frameCount,
        best_frame_quality: decision.bestQuality,
        passive_score: decision.passiveScore,
        passive_threshold: decision.passiveThreshold ?? null,
      };
      const consentId = session.consentId;
      const call = await verification.chargedCall({
        caller: session.caller,
        requestId,
        consent: { consentId },
        bizNo: session.bizNo ?? undefined,
        product: reference ? 'verification' : 'liveness',
        run: async () => {
          const score = decision.passiveScore ?? 0;
          const threshold = decision.passiveThreshold ?? bestFace?.liveness.threshold ?? 1;
          const passive = { score, threshold, live: decision.passiveScore !== null && score >= threshold };
          if (!reference) {
            return {
              resultCode: decision.live ? 'result.live' : 'result.spoof',
              response: { liveness: passive, liveness_details: livenessDetails },
            };
          }
          const comparison = bestFace ? engine.compare(bestFace.template, reference) : undefined;
          const far = session.caller.decisionFar;
          const match = comparison ? comparison.match[far] : false;
          const resultCode = !decision.live ? 'result.spoof' : match ? 'result.pass' : 'result.no_match';
          return {
            resultCode,
            response: {
              decision: resultCode === 'result.pass' ? 'pass' : 'fail',
              ...(comparison
                ? {
                    similarity: comparison.similarity,
                    confidence: comparison.confidence,
                    thresholds: comparison.thresholds,
                    decision_far: far,
                    match,
                  }
                : {}),
              liveness: passive,
              liveness_details: livenessDetails,
            },
          };
        },
      });
      const passed = call.resultCode === 'result.pass' || call.resultCode === 'result.live';
      const reason = passed ? null : (decision.reason ?? call.resultCode);
      const status: CaptureStatus = passed ? 'passed' : 'failed';
      await finish(session, { status, reason, result: { ...call.body, call_id: call.id }, callId: call.id });
      return answer(status, reason);
    },

    async unsupported(pageToken: string, reason: string): Promise<void> {
      const session = await openSessionOf(pageToken);
      await finish(session, { status: 'unsupported', reason: reason.slice(0, 200) });
    },

    async cancel(pageToken: string): Promise<void> {
      const session = await openSessionOf(pageToken);
      await finish(session, { status: 'cancelled', reason: null });
    },

    /** The sweeper's part: open sessions past their expiry become `expired` (and their event is written). */
    async expireDue(limit = 200): Promise<number> {
      let count = 0;
      for (const session of await sessions.listExpired(now(), limit)) {
        if (await finish(session, { status: 'expired', reason: null })) count++;
      }
      return count + (await sessions.sweepResults(now()));
    },
  };
}

export type CaptureSessions = ReturnType<typeof createCaptureSessions>;

/** JPEG by its magic bytes, within the byte cap and with SOF dimensions ≤ maxSide, before any decoding. */
function checkJpeg(bytes: Uint8Array): void {
  const invalid = (reason: string) =>
    new DomainError('capture.frame_invalid', { reason, max_bytes: captureFrameLimits.maxBytes });
  if (bytes.length > captureFrameLimits.maxBytes) throw invalid('too large');
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) throw invalid('not a JPEG');
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) throw invalid('corrupt JPEG');
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      const height = (bytes[at + 5]! << 8) | bytes[at + 6]!;
      const width = (bytes[at + 7]! << 8) | bytes[at + 8]!;
      if (width === 0 || height === 0 || width > captureFrameLimits.maxSide || height > captureFrameLimits.maxSide) {
        throw invalid('dimensions');
      }
      return;
    }
    at += 2 + length;
  }
  throw invalid('no JPEG frame header');
}

function base64UrlBytes(text: string): number[] {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Array.from(binary, (char) => char.charCodeAt(0));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const encodeJson = (value: unknown) => encoder.encode(JSON.stringify(value));
const decodeJson = (bytes: Uint8Array) => JSON.parse(decoder.decode(bytes)) as Record<string, unknown>;
