import type { Caller } from '../verification/caller.js';
import type { FaceFrameAnalysis, FrameAnalysis } from '../verification/face-analysis.ports.js';
import type { FlashStep, FlashStepName } from './flash-response.js';

/** Hosted capture sessions: what the service needs from storage, and the liveness decision it runs. */

export const captureChallengeNames = ['blink', 'open_mouth', 'turn_left', 'turn_right', 'nod'] as const;
export type CaptureChallenge = (typeof captureChallengeNames)[number];
export type CaptureLivenessMode = 'still' | 'action' | 'flash';
export type CaptureStatus =
  'not_started' | 'in_progress' | 'passed' | 'failed' | 'cancelled' | 'expired' | 'unsupported';
export const finalCaptureStatuses: readonly CaptureStatus[] = [
  'passed',
  'failed',
  'cancelled',
  'expired',
  'unsupported',
];
export const openCaptureStatuses: readonly CaptureStatus[] = ['not_started', 'in_progress'];
export type CaptureStep = 'still' | CaptureChallenge | FlashStepName;

export interface CaptureSession {
  readonly id: string;
  readonly orgId: string;
  readonly appId: string;
  /** The key and app policy at creation: the decision is charged and judged as that call would have been. */
  readonly caller: Caller;
  readonly liveness: CaptureLivenessMode;
  readonly challenges: readonly CaptureChallenge[];
  /** The colour sequence of a `flash` session (stored in the challenges column); absent otherwise. */
  readonly flashSequence?: readonly FlashStep[] | undefined;
  readonly subjectRef: string | null;
  readonly bizNo: string | null;
  readonly returnUrl: string;
  readonly notifyUrl: string | null;
  readonly locale: 'zh-CN' | 'en' | null;
  readonly maxAttempts: number;
  readonly attemptsUsed: number;
  readonly status: CaptureStatus;
  readonly reason: string | null;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly finishedAt: string | null;
  /** sha256 hex of the URL token; `tokenUsedAt` once exchanged. */
  readonly tokenHash: string;
  readonly tokenUsedAt: string | null;
  /** sha256 hex of the page's bearer token. */
  readonly pageTokenHash: string | null;
  /** The reference face's template (sealed JSON), never the image; null without a comparison. */
  readonly referenceSealed: Uint8Array | null;
  readonly consentId: string | null;
  readonly currentAttemptId: string | null;
  /** The finished session's result body (sealed JSON), until `resultExpiresAt`. */
  readonly resultSealed: Uint8Array | null;
  readonly resultExpiresAt: string | null;
  /** The billed call behind the result (`ver_…` or `call_…`). */
  readonly callId: string | null;
  /** The attempt a completion is deciding and charging right now (see `claimAttempt`), until `decidingUntil`. */
  readonly decidingAttemptId?: string | null | undefined;
  readonly decidingUntil?: string | null | undefined;
}

export interface CaptureFrame {
  readonly sessionId: string;
  readonly attemptId: string;
  readonly step: CaptureStep;
  readonly index: number;
  readonly capturedAtMs: number;
  readonly receivedAt: string;
  /** The engine's analysis (sealed JSON: it holds a face template); the image itself is never stored. */
  readonly analysisSealed: Uint8Array;
}

export interface CaptureFinish {
  readonly status: CaptureStatus;
  readonly reason: string | null;
  readonly finishedAt: string;
  readonly resultSealed: Uint8Array | null;
  readonly resultExpiresAt: string | null;
  readonly callId: string | null;
}

/** The outbox event the finishing transaction writes (the webhooks context's shape). */
export interface CaptureFinishedEvent {
  readonly id: string;
  readonly orgId: string;
  readonly appId: string;
  readonly mode: 'live' | 'sandbox';
  readonly type: 'capture_session.finished';
  readonly payload: Record<string, unknown>;
  readonly createdAt: string;
  /** The session's notify_url when it has one (null: the app's webhook URL). */
  readonly targetUrl: string | null;
}

export interface CaptureSessionRepository {
  insert(session: CaptureSession): Promise<void>;
  find(id: string): Promise<CaptureSession | undefined>;
  findByTokenHash(tokenHash: string): Promise<CaptureSession | undefined>;
  findByPageTokenHash(pageTokenHash: string): Promise<CaptureSession | undefined>;
  /** Uses the URL token once: true only for the one caller whose conditional update set `tokenUsedAt`. */
  useToken(id: string, pageTokenHash: string, now: string): Promise<boolean>;
  setConsent(id: string, consentId: string): Promise<void>;
  /** Counts a new attempt while attempts remain, the session is open and no completion is deciding; false otherwise. */
  startAttempt(id: string, attemptId: string, maxAttempts: number, now: string): Promise<boolean>;
  /** Stores a frame unless the per-step or per-attempt bound is reached (false then). */
  addFrame(frame: CaptureFrame, limits: { readonly perStep: number; readonly perAttempt: number }): Promise<boolean>;
  listFrames(attemptId: string): Promise<CaptureFrame[]>;
  /**
   * Takes the current attempt for its completion: true for one caller only (a double submit decides once). Until
   * `decidingUntil` (or until it finishes or ends the attempt) the session is that completion's: expiry, cancel and
   * `unsupported` leave it alone, so a decision being charged is never overwritten.
   */
  claimAttempt(id: string, attemptId: string, decidingUntil: string): Promise<boolean>;
  /** Ends the current (or claimed) attempt (its frames are deleted) while the session stays open. */
  endAttempt(id: string, attemptId: string, reason: string, now: string): Promise<void>;
  /**
   * Moves an open session to a final status, deletes its frames, and writes `event` to the webhook outbox in the
   * same transaction; false (nothing written) when the session was no longer open (compare-and-set on the status).
   * With `decidingAttemptId`, only while that completion's claim holds; without it, only while no completion's claim
   * holds at `finish.finishedAt` (an expiry or a cancel never overwrites a decision being charged).
   */
  finish(
    id: string,
    finish: CaptureFinish,
    options: { readonly event: CaptureFinishedEvent; readonly decidingAttemptId?: string | undefined },
  ): Promise<boolean>;
  /** Open sessions past their expiry, oldest first. */
  listExpired(now: string, limit: number): Promise<CaptureSession[]>;
  /** Drops results past their retention; returns how many. */
  sweepResults(now: string): Promise<number>;
}

/** L's liveness decision (core/capture/liveness-decision.ts), injected so that this service does not fix its rules. */
export interface LivenessDecisionInput {
  readonly mode: CaptureLivenessMode;
  readonly challenges: readonly CaptureChallenge[];
  readonly flash?: readonly FlashStep[] | undefined;
  readonly frames: readonly (FrameAnalysis & { readonly step: CaptureStep; readonly capturedAtMs: number })[];
}

export interface LivenessDecisionOutcome {
  readonly live: boolean;
  readonly reason?: string | undefined;
  readonly challenges: readonly { readonly name: string; readonly passed: boolean; readonly evidence?: unknown }[];
  readonly frameCount: number;
  readonly bestFrameIndex: number;
  readonly passiveScore: number | null;
  readonly passiveThreshold?: number | null;
  /** Which passive signal the score is (the fused model's id, or `network`); see LivenessDecision. */
  readonly passiveSignal?: string | null;
  /** Every signal weighed, in a stable order, each evaluated or not, fired or not; see LivenessDecision. */
  readonly signals: readonly {
    readonly name: string;
    readonly evaluated: boolean;
    readonly fired: boolean | null;
    readonly measures: Readonly<Record<string, unknown>>;
  }[];
  readonly bestQuality: number | null;
  readonly details?: Readonly<Record<string, unknown>>;
}

export type DecideLiveness = (input: LivenessDecisionInput) => LivenessDecisionOutcome;

export type { FaceFrameAnalysis };
