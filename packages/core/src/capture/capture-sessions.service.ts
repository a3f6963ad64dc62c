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
import type { WebhookRepository, WebhookUrlCheck } from '../webhooks/webhooks.ports.js';
import {
  captureConsentText,
  captureConsentTextVersion,
  captureConsentVersion,
  captureLocales,
  resolveCaptureLocale,
  type CaptureLocale,
} from './capture-consent.js';
import { decideLiveness } from './liveness-decision.js';
import { chooseFlashSequence, flashStepNames } from './flash-response.js';
import { sessionView } from './capture-session-view.js';
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
/**
 * How long a completion's claim on a session holds (docs/capture.md): expiry, cancel and `unsupported` wait for it.
 * A decision is bounded by the engine's per-job timeout, far below this; a process killed mid-decision leaves a
 * session that expires once the claim has run out.
 */
export const captureDecisionClaimSeconds = 300;

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
  /** The SSRF guard of webhook URLs, run on a session's notify_url when it is created. */
  checkNotifyUrl: WebhookUrlCheck;
  /** Whether the app can sign: a notify_url needs the app's webhook secret. */
  webhookSecrets: Pick<WebhookRepository, 'activeSecrets'>;
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
    decidingAttemptId?: string,
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
          targetUrl: session.notifyUrl,
        },
        decidingAttemptId,
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

  async function pageView(session: CaptureSession, acceptLanguage: string | undefined) {
    const [app, org] = await Promise.all([ports.apps.find(session.appId), ports.orgs.find(session.orgId)]);
    const orgName = org?.name ?? '';
    const names = { org: orgName, operator: ports.operatorName };
    const locale = resolveCaptureLocale(session.locale, acceptLanguage);
    return {
      id: session.id,
      app_name: app?.name ?? '',
      org_name: orgName,
      operator_name: ports.operatorName,
      locale: session.locale,
      liveness: session.liveness,
      challenges: [...session.challenges],
      flash: (session.flashSequence ?? []).map((s) => ({ color: s.color, duration_ms: s.durationMs })),
      consent: {
        version: captureConsentVersion,
        locale,
        text: captureConsentText(locale, names),
        texts: { 'zh-CN': captureConsentText('zh-CN', names), en: captureConsentText('en', names) },
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
      if (input.notifyUrl !== undefined) {
        // Refused before anything is written: an internal address now, or an app that could not sign the event.
        try {
          await ports.checkNotifyUrl(input.notifyUrl);
        } catch (error) {
          if (error instanceof DomainError && error.code === 'webhook.url_refused') {
            throw new DomainError('capture.notify_url_refused', error.details, error.logDetails);
          }
          throw error;
        }
        if ((await ports.webhookSecrets.activeSecrets(caller.appId, clock.now().toISOString())).length === 0) {
          throw new DomainError('capture.webhook_secret_required', { app_id: caller.appId });
        }
      }
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
        ...(input.liveness === 'flash'
          ? { flashSequence: chooseFlashSequence(base64UrlBytes(crypto.randomToken(16))) }
          : {}),
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

    /**
     * Cancels a session its creator could not finish setting up (the FaceID get_token's business record failed), so
     * that the link it made opens nothing; reason `create_failed`. No-op when the session is gone or not open.
     */
    async cancelCreated(caller: Caller, id: string): Promise<void> {
      const session = await sessions.find(id);
      if (!session || session.orgId !== caller.orgId || session.status !== 'not_started') return;
      await finish(session, { status: 'cancelled', reason: 'create_failed' });
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
    async open(token: string, acceptLanguage?: string) {
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
      return { page_token: pageToken, session: await pageView(session, acceptLanguage) };
    },

    async session(pageToken: string, acceptLanguage?: string) {
      return pageView(await openSessionOf(pageToken), acceptLanguage);
    },

    /**
     * Records consent to the notice in `shown.locale` (the page's language when the person agreed), else in the
     * language the session view picked; the record's text version names both the version and the language.
     */
    async consent(
      pageToken: string,
      shown: { locale?: CaptureLocale | undefined; acceptLanguage?: string | undefined } = {},
    ): Promise<void> {
      const session = await openSessionOf(pageToken);
      if (session.consentId) return;
      const locale =
        shown.locale && captureLocales.includes(shown.locale)
          ? shown.locale
          : resolveCaptureLocale(session.locale, shown.acceptLanguage);
      const record = await verification.createConsent(session.caller, {
        subjectRef: session.subjectRef ?? session.id,
        textVersion: captureConsentTextVersion(locale),
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
      const allowed: readonly CaptureStep[] = [
        'still',
        ...session.challenges,
        ...flashStepNames.slice(0, session.flashSequence?.length ?? 0),
      ];
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
      // The claim also holds the session against expiry, cancel and `unsupported` until this decision is written.
      const decidingUntil = new Date(clock.now().getTime() + captureDecisionClaimSeconds * 1000).toISOString();
      if (!(await sessions.claimAttempt(session.id, attemptId, decidingUntil))) {
        throw new DomainError('capture.attempt_not_found');
      }
      const frames = await sessions.listFrames(attemptId);
      const analysed = frames.map((frame) => ({
        ...openAnalysis(frame),
        step: frame.step,
        capturedAtMs: frame.capturedAtMs,
      }));
      const decision = decide({
        mode: session.liveness,
        challenges: session.challenges,
        flash: session.flashSequence,
        frames: analysed,
      });
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
        // Unless the session ended meanwhile (its claim ran out and it expired, or its subject was erased).
        const after = await sessions.find(session.id);
        if (!after || !openCaptureStatuses.includes(after.status)) {
          throw new DomainError('capture.finished', { status: after?.status ?? 'cancelled' });
        }
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
        ...(decision.reason && decision.details ? { reason_details: decision.details } : {}),
        challenges_asked: [...session.challenges],
        challenges: decision.challenges.map((c) => ({ name: c.name, passed: c.passed, evidence: c.evidence })),
        frame_count: decision.frameCount,
        best_frame_quality: decision.bestQuality,
        passive_score: decision.passiveScore,
        passive_threshold: decision.passiveThreshold ?? null,
        passive_signal: decision.passiveSignal,
        signals: decision.signals.map((s) => ({
          name: s.name,
          evaluated: s.evaluated,
          fired: s.fired,
          measures: s.measures,
        })),
        signals_fired: decision.signals.filter((s) => s.fired === true).map((s) => s.name),
      };
      const consentId = session.consentId;
      const charging = verification.chargedCall({
        caller: session.caller,
        requestId,
        consent: { consentId },
        bizNo: session.bizNo ?? undefined,
        product: reference ? 'verification' : 'liveness',
        run: async () => {
          // Checked once more right before the charge is posted: a session that ended meanwhile (its claim ran out
          // and it expired, or its subject was erased) is not charged — the reservation is voided.
          const current = await sessions.find(session.id);
          const held =
            current?.decidingAttemptId === attemptId &&
            (current.decidingUntil ?? '') > now() &&
            openCaptureStatuses.includes(current.status);
          if (!held) {
            throw new DomainError('capture.finished', { status: current?.status ?? 'cancelled' });
          }
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
      // A refused charge (no balance, no price) or a session that ended meanwhile: the claim is given back and the
      // attempt ended (nothing was charged), so the session can expire — or, still open, take another attempt.
      const call = await charging.catch(async (error: unknown) => {
        await sessions.endAttempt(session.id, attemptId, 'decision_not_charged', now());
        throw error;
      });
      const passed = call.resultCode === 'result.pass' || call.resultCode === 'result.live';
      const reason = passed ? null : (decision.reason ?? call.resultCode);
      const status: CaptureStatus = passed ? 'passed' : 'failed';
      const written = await finish(
        session,
        { status, reason, result: { ...call.body, call_id: call.id }, callId: call.id },
        attemptId,
      );
      if (!written) {
        // Only when the claim ran out (a decision slower than captureDecisionClaimSeconds) or the subject was erased
        // meanwhile: the session ended otherwise, and this charged call is on the audit trail for the operator.
        await audit.record({
          actor: `capture:${session.id}`,
          action: 'capture_session.decision_discarded',
          subject: session.id,
          data: { org: session.orgId, app: session.appId, call_id: call.id, status },
        });
        const ended = await sessions.find(session.id);
        throw new DomainError('capture.finished', { status: ended?.status ?? 'expired' });
      }
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
