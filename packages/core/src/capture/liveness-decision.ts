import {
  frameHasFace,
  type FaceEnginePort,
  type FaceFrameAnalysis,
  type FrameAnalysis,
} from '../verification/verification.ports.js';
import {
  blinkMaxClosedRatio,
  blinkMinDrop,
  maxAttemptDurationMs,
  maxStepDurationMs,
  minActionStepSpanMs,
  minFaceFramesPerStep,
  minFrameIntervalMs,
  minFramesPerChallenge,
  minFramesStill,
  minIntervalsForRegularity,
  mouthMinChange,
  mouthOpenMinFrames,
  mouthOpenMinMar,
  nodMinPitch,
  passiveBestFrames,
  sameFaceLevel,
  turnMinReturn,
  turnMinYaw,
  flashMinCorrelation,
  flashMinFramesPerStep,
  flashMinShift,
} from './liveness-thresholds.js';
import {
  detectFlashResponse,
  flashStepNames,
  type FlashResponse,
  type FlashStep,
  type FlashStepName,
} from './flash-response.js';

/**
 * Server-side liveness decision for a capture attempt: pure logic over per-frame analyses (see docs/liveness.md).
 * The engine analyses each frame (`FaceEnginePort.analyzeFrame`); this decides from the sequence.
 */

export const livenessModes = ['still', 'action', 'flash'] as const;
export type LivenessMode = (typeof livenessModes)[number];

export const livenessChallenges = ['blink', 'open_mouth', 'turn_left', 'turn_right', 'nod'] as const;
export type LivenessChallenge = (typeof livenessChallenges)[number];

/** The step a frame was captured for: the passive 'still' step, or one of the challenges. */
export type LivenessStep = 'still' | LivenessChallenge | FlashStepName;

/** One analysed frame with what the page said about it. `capturedAtMs`: client clock, ms since attempt start. */
export type LivenessFrame = FrameAnalysis & { readonly step: LivenessStep; readonly capturedAtMs: number };

export const livenessFailureCodes = [
  'liveness.spoof',
  'liveness.face_replaced',
  'liveness.challenge_failed',
  'liveness.no_face',
  'liveness.too_few_frames',
  'liveness.timing',
] as const;
export type LivenessFailureCode = (typeof livenessFailureCodes)[number];

export interface ChallengeOutcome {
  /** A challenge, or `flash` for the reflected-light sequence. */
  readonly name: LivenessChallenge | 'flash';
  readonly passed: boolean;
  /** The measurements behind the verdict (e.g. `{ open_ear, closed_ear, drop }`); numbers rounded to 3 places. */
  readonly evidence: Readonly<Record<string, number | string | boolean | null>>;
}

/**
 * The signals the decision weighs, in this stable order: `passive`, `face_consistency`, then one `challenge:<name>` per
 * challenge asked (in the order asked) for `action`, or `flash` for `flash`. Frame counts, timing and a face are
 * gatekeepers, not signals: when one fails, no signal is evaluated.
 */
export type LivenessSignalName = 'passive' | 'face_consistency' | `challenge:${LivenessChallenge}` | 'flash';

export interface LivenessSignal {
  readonly name: LivenessSignalName;
  /** False when it could not be evaluated: a gatekeeper failed first, or there was nothing to measure. */
  readonly evaluated: boolean;
  /** True: it indicates an attack or a failure; false: clear; null: not evaluated (never guessed). */
  readonly fired: boolean | null;
  /** The number(s) behind it (score and threshold, or the measure), rounded to 3 places; empty when not evaluated
   * (except `face_consistency` with one face frame: `compared_frames: 0`). */
  readonly measures: Readonly<Record<string, number | string | boolean | null>>;
}

/** The names of the signals that fired, in the stable order. */
export function firedSignals(signals: readonly LivenessSignal[]): LivenessSignalName[] {
  return signals.filter((s) => s.fired === true).map((s) => s.name);
}

export interface LivenessInput {
  readonly mode: LivenessMode;
  /** The challenges asked, distinct, in the order asked; empty for 'still'. */
  readonly challenges: readonly LivenessChallenge[];
  /** The colour sequence shown, for 'flash' (frames carry `flash_<i>` steps). */
  readonly flash?: readonly FlashStep[] | undefined;
  /** In capture order: the steps in the order asked, each step's frames by index. */
  readonly frames: readonly LivenessFrame[];
}

export interface LivenessDecision {
  readonly live: boolean;
  /** The first check that failed, in this order: too_few_frames, timing, no_face, spoof, face_replaced,
   * challenge_failed. Absent when live. */
  readonly reason?: LivenessFailureCode;
  /** Each challenge's verdict; `{ checked: false }` evidence when a gatekeeper failed first. */
  readonly challenges: readonly ChallengeOutcome[];
  /** Every signal of the mode, in the stable order (see LivenessSignalName), each evaluated unless a gatekeeper
   * failed: the reason is the first that fired, the others are here too. */
  readonly signals: readonly LivenessSignal[];
  readonly frameCount: number;
  /** Index into `frames` of the best-quality frame with a face (compare this one with a reference); -1 if none. */
  readonly bestFrameIndex: number;
  /** Median anti-spoofing score of the best-quality frames; null without a face. */
  readonly passiveScore: number | null;
  /** The engine's anti-spoofing threshold the passive score was held against; null without a face. */
  readonly passiveThreshold: number | null;
  /** Which passive signal was held against it: the fused model's id, or `network` (the anti-spoofing network alone,
   * when the engine has no fused model); null without a face. */
  readonly passiveSignal: string | null;
  /** The best frame's quality score in [0, 1]; null without a face. */
  readonly bestQuality: number | null;
  /** Details of the failed check (which frame, which step, which interval), for logs and support; after the
   * gatekeepers, also `signals_fired`: every signal that fired, in the stable order, not only the reason's. */
  readonly details?: Readonly<Record<string, number | string | boolean | null | readonly string[]>>;
}

type Compare = Pick<FaceEnginePort, 'compare'>;

export function decideLiveness(input: LivenessInput, engine: Compare): LivenessDecision {
  const { frames } = input;
  const asked = input.mode === 'action' ? input.challenges : [];
  const withFace = frames.flatMap((f, i) => (frameHasFace(f) ? [{ frame: f, index: i }] : []));
  const bestFrameIndex = bestQualityIndex(withFace);
  const best = bestFrameIndex >= 0 ? (frames[bestFrameIndex] as FaceFrameAnalysis) : undefined;
  const passive = passiveScore(withFace.map((w) => w.frame));
  const base = {
    frameCount: frames.length,
    bestFrameIndex,
    passiveScore: passive?.score ?? null,
    passiveThreshold: passive?.threshold ?? null,
    passiveSignal: passive?.signal ?? null,
    bestQuality: best ? round(best.quality.score) : null,
  };
  const flash = input.mode === 'flash' ? (input.flash ?? []) : [];
  const flashSteps: LivenessStep[] = flashStepNames.slice(0, flash.length);
  const pending: ChallengeOutcome[] = [
    ...asked.map((name) => ({ name, passed: false, evidence: { checked: false } })),
    ...(input.mode === 'flash' ? [{ name: 'flash' as const, passed: false, evidence: { checked: false } }] : []),
  ];
  const signalNames: LivenessSignalName[] = [
    'passive',
    'face_consistency',
    ...asked.map((name) => `challenge:${name}` as const),
    ...(input.mode === 'flash' ? ['flash' as const] : []),
  ];
  const fail = (reason: LivenessFailureCode, details?: LivenessDecision['details']): LivenessDecision => ({
    live: false,
    reason,
    challenges: pending,
    signals: signalNames.map((name) => ({ name, evaluated: false, fired: null, measures: {} })),
    ...base,
    ...(details ? { details } : {}),
  });

  // Gatekeepers: when one fails, the frames are not a capture to judge, and no signal is evaluated.
  // 1. Enough frames for what was asked.
  const counts = countByStep(frames);
  if (input.mode === 'still') {
    if (frames.length < minFramesStill)
      return fail('liveness.too_few_frames', { frames: frames.length, min: minFramesStill });
  } else if (input.mode === 'flash') {
    if (flash.length === 0) return fail('liveness.too_few_frames', { flash_steps: 0 });
    for (const step of flashSteps) {
      const n = counts.get(step) ?? 0;
      if (n < flashMinFramesPerStep)
        return fail('liveness.too_few_frames', { step, frames: n, min: flashMinFramesPerStep });
    }
  } else {
    if (asked.length === 0) return fail('liveness.too_few_frames', { challenges: 0 });
    for (const name of asked) {
      const n = counts.get(name) ?? 0;
      if (n < minFramesPerChallenge)
        return fail('liveness.too_few_frames', { step: name, frames: n, min: minFramesPerChallenge });
    }
  }
  const stray = frames.find(
    (f) => f.step !== 'still' && !(asked as readonly LivenessStep[]).includes(f.step) && !flashSteps.includes(f.step),
  );
  if (stray) return fail('liveness.challenge_failed', { unexpected_step: stray.step });

  // 2. Timing sanity.
  const timing = checkTiming(input);
  if (timing) return fail('liveness.timing', timing);

  // 3. A face in enough frames of every step.
  if (!best || !passive) return fail('liveness.no_face', { face_frames: 0 });
  const steps: LivenessStep[] = input.mode === 'still' ? ['still'] : input.mode === 'flash' ? flashSteps : [...asked];
  for (const step of steps) {
    const n = withFace.filter((w) => w.frame.step === step).length;
    const min = step === 'still' ? 1 : input.mode === 'flash' ? flashMinFramesPerStep : minFaceFramesPerStep;
    if (n < min) return fail('liveness.no_face', { step, face_frames: n, min });
  }

  // Signals: every one is evaluated; the first that fired, in this order, is the reason.
  // 4. Passive anti-spoofing on the best frames.
  const passiveFired = passive.score < passive.threshold;
  const signals: LivenessSignal[] = [
    {
      name: 'passive',
      evaluated: true,
      fired: passiveFired,
      measures: { score: passive.score, threshold: passive.threshold, source: passive.signal, frames: passive.frames },
    },
  ];

  // 5. The same face throughout: every face frame against the best one.
  let firstMismatch: { index: number; step: LivenessStep; similarity: number; threshold: number } | undefined;
  let lowest: { index: number; similarity: number; threshold: number } | undefined;
  let mismatched = 0;
  let compared = 0;
  for (const { frame, index } of withFace) {
    if (index === bestFrameIndex) continue;
    const c = engine.compare(frame.template, best.template);
    compared++;
    const threshold = c.thresholds[sameFaceLevel];
    if (!lowest || c.similarity < lowest.similarity) lowest = { index, similarity: c.similarity, threshold };
    if (!c.match[sameFaceLevel]) {
      mismatched++;
      firstMismatch ??= { index, step: frame.step, similarity: c.similarity, threshold };
    }
  }
  signals.push(
    lowest
      ? {
          name: 'face_consistency',
          evaluated: true,
          fired: mismatched > 0,
          measures: {
            min_similarity: round(lowest.similarity),
            threshold: round(lowest.threshold),
            frame: lowest.index,
            mismatched_frames: mismatched,
            compared_frames: compared,
          },
        }
      : // One face frame: nothing to compare it with.
        { name: 'face_consistency', evaluated: false, fired: null, measures: { compared_frames: 0 } },
  );

  // 6. Challenges, in the order asked; or the reflected colours following the flash sequence.
  let outcomes: ChallengeOutcome[] = [];
  let flashResponse: FlashResponse | undefined;
  if (input.mode === 'flash') {
    const response = detectFlashResponse(
      flash,
      frames.flatMap((f) => {
        const step = flashSteps.indexOf(f.step);
        if (step < 0) return [];
        return [{ step, capturedAtMs: f.capturedAtMs, rgb: frameHasFace(f) ? (f.faceRgb ?? null) : null }];
      }),
    );
    flashResponse = response;
    outcomes = [
      {
        name: 'flash',
        passed: response.passed,
        evidence: {
          correlation: response.correlation,
          shift: response.shift,
          steps: response.steps.map((s) => `${s.color}:${s.cosine ?? 'null'}`).join(','),
          ...(response.problem ? { problem: response.problem } : {}),
        },
      },
    ];
    signals.push({
      name: 'flash',
      evaluated: true,
      fired: !response.passed,
      measures: {
        correlation: response.correlation,
        min_correlation: flashMinCorrelation,
        shift: response.shift,
        min_shift: flashMinShift,
        problem: response.problem ?? null,
      },
    });
  } else if (input.mode === 'action') {
    outcomes = asked.map((name, position) => {
      const own = withFace.filter((w) => w.frame.step === name).map((w) => w.frame);
      const later = withFace
        .filter((w) => {
          const p = asked.indexOf(w.frame.step as LivenessChallenge);
          return p > position;
        })
        .map((w) => w.frame);
      return detectChallenge(
        name,
        own,
        later,
        withFace.map((w) => w.frame),
      );
    });
    outcomes.forEach((o, i) =>
      signals.push({ name: `challenge:${asked[i]!}`, evaluated: true, fired: !o.passed, measures: o.evidence }),
    );
  }

  const fired = firedSignals(signals);
  const refuse = (
    reason: LivenessFailureCode,
    details: Record<string, number | string | boolean | null>,
  ): LivenessDecision => ({
    live: false,
    reason,
    challenges: outcomes,
    signals,
    ...base,
    details: { ...details, signals_fired: fired },
  });
  if (passiveFired) {
    return refuse('liveness.spoof', {
      passive_score: passive.score,
      threshold: passive.threshold,
      signal: passive.signal,
      frames: passive.frames,
    });
  }
  if (firstMismatch) {
    return refuse('liveness.face_replaced', {
      frame: firstMismatch.index,
      step: firstMismatch.step,
      similarity: round(firstMismatch.similarity),
      threshold: round(firstMismatch.threshold),
    });
  }
  const failed = outcomes.find((o) => !o.passed);
  if (failed) {
    return refuse(
      'liveness.challenge_failed',
      flashResponse
        ? { challenge: 'flash', problem: flashResponse.problem ?? null, correlation: flashResponse.correlation }
        : { challenge: failed.name },
    );
  }
  return { live: true, challenges: outcomes, signals, ...base };
}

/** The frame with the highest quality score; frames passing every quality check, and with one face, first. */
function bestQualityIndex(withFace: readonly { frame: FaceFrameAnalysis; index: number }[]): number {
  let best = -1;
  let key = -Infinity;
  for (const { frame, index } of withFace) {
    const k = (frame.quality.pass ? 1 : 0) + frame.quality.score + (frame.faceCount === 1 ? 1 : 0);
    if (k > key) {
      key = k;
      best = index;
    }
  }
  return best;
}

/**
 * Median anti-spoofing score of the `passiveBestFrames` best-quality frames: the fused model's where the engine gave
 * one for every chosen frame (it holds against screen replays; docs/liveness.md), else the network's alone.
 */
export function passiveScore(
  faces: readonly FaceFrameAnalysis[],
): { score: number; threshold: number; signal: string; frames: number } | undefined {
  if (faces.length === 0) return undefined;
  const chosen = [...faces].sort((a, b) => b.quality.score - a.quality.score).slice(0, passiveBestFrames);
  const fused = chosen.map((f) => f.liveness.fused);
  const first = fused[0];
  if (first && fused.every((f) => f !== undefined && f.model === first.model)) {
    const scores = fused.map((f) => f!.score);
    return { score: round(median(scores)), threshold: first.threshold, signal: first.model, frames: chosen.length };
  }
  const threshold = chosen[0]!.liveness.threshold;
  const score = round(median(chosen.map((f) => f.liveness.score)));
  return { score, threshold, signal: 'network', frames: chosen.length };
}

function countByStep(frames: readonly LivenessFrame[]): Map<LivenessStep, number> {
  const counts = new Map<LivenessStep, number>();
  for (const f of frames) counts.set(f.step, (counts.get(f.step) ?? 0) + 1);
  return counts;
}

/** Timestamps increasing, not machine-regular, steps in order and within their time limits. Undefined when fine. */
export function checkTiming(input: LivenessInput): LivenessDecision['details'] | undefined {
  const { frames } = input;
  for (let i = 0; i < frames.length; i++) {
    const t = frames[i]!.capturedAtMs;
    if (!Number.isFinite(t) || t < 0) return { problem: 'invalid_timestamp', frame: i };
  }
  const intervals: number[] = [];
  for (let i = 1; i < frames.length; i++) {
    const d = frames[i]!.capturedAtMs - frames[i - 1]!.capturedAtMs;
    if (d <= 0) return { problem: 'not_increasing', frame: i };
    if (d < minFrameIntervalMs) return { problem: 'too_fast', frame: i, interval_ms: round(d) };
    intervals.push(d);
  }
  if (intervals.length >= minIntervalsForRegularity && intervals.every((d) => d === intervals[0])) {
    return { problem: 'too_regular', interval_ms: intervals[0]!, intervals: intervals.length };
  }
  if (frames.length > 1 && frames[frames.length - 1]!.capturedAtMs - frames[0]!.capturedAtMs > maxAttemptDurationMs) {
    return { problem: 'too_long', max_ms: maxAttemptDurationMs };
  }
  // Steps contiguous and in the order asked ('still' frames may come first).
  const order: LivenessStep[] =
    input.mode === 'action'
      ? ['still', ...input.challenges]
      : input.mode === 'flash'
        ? ['still', ...flashStepNames.slice(0, input.flash?.length ?? 0)]
        : ['still'];
  let position = 0;
  for (let i = 0; i < frames.length; i++) {
    const p = order.indexOf(frames[i]!.step, position);
    if (p < 0) return { problem: 'wrong_order', frame: i, step: frames[i]!.step };
    position = p;
  }
  for (const step of new Set(frames.map((f) => f.step))) {
    const times = frames.filter((f) => f.step === step).map((f) => f.capturedAtMs);
    const span = Math.max(...times) - Math.min(...times);
    if (span > maxStepDurationMs)
      return { problem: 'step_too_long', step, span_ms: round(span), max_ms: maxStepDurationMs };
    // An action step needs time to move; a flash step's bound is its colour's duration (flash-response.ts).
    if (step !== 'still' && !step.startsWith('flash_') && span < minActionStepSpanMs) {
      return { problem: 'step_too_short', step, span_ms: round(span), min_ms: minActionStepSpanMs };
    }
  }
  return undefined;
}

/**
 * One challenge from its own frames (in time order). `later`: frames of the steps after it, where the return to a
 * frontal pose may show; `all`: every face frame of the attempt (the mouth's closed reference).
 */
export function detectChallenge(
  name: LivenessChallenge,
  own: readonly FaceFrameAnalysis[],
  later: readonly FaceFrameAnalysis[],
  all: readonly FaceFrameAnalysis[],
): ChallengeOutcome {
  switch (name) {
    case 'blink':
      return detectBlink(own);
    case 'open_mouth':
      return detectOpenMouth(own, all);
    case 'turn_left':
      return detectTurn(name, own, later, 1);
    case 'turn_right':
      return detectTurn(name, own, later, -1);
    case 'nod':
      return detectNod(own);
  }
}

/**
 * Eyes open, then closed, then open again within the step: a frame whose EAR is at least `blinkMinDrop` below, and at
 * most `blinkMaxClosedRatio` of, the most open frame before it and the most open frame after it.
 */
export function detectBlink(own: readonly FaceFrameAnalysis[]): ChallengeOutcome {
  const ear = own.map((f) => f.eyeAspectRatio);
  let best: Record<string, number> | undefined;
  let bestDrop = -Infinity;
  for (let j = 1; j < ear.length - 1; j++) {
    const closed = ear[j]!;
    const before = Math.max(...ear.slice(0, j));
    const after = Math.max(...ear.slice(j + 1));
    const open = Math.min(before, after);
    const drop = open - closed;
    if (drop > bestDrop) {
      bestDrop = drop;
      best = {
        open_before: round(before),
        closed_ear: round(closed),
        open_after: round(after),
        drop: round(drop),
        ratio: open > 0 ? round(closed / open) : 1,
        frame: j,
      };
    }
  }
  const passed = best !== undefined && best['drop']! >= blinkMinDrop && best['ratio']! <= blinkMaxClosedRatio;
  return { name: 'blink', passed, evidence: { ...(best ?? { frames: ear.length }), min_drop: blinkMinDrop } };
}

/** Mouth open (MAR above the threshold) in at least two of the step's frames, and visibly more than when closed. */
export function detectOpenMouth(
  own: readonly FaceFrameAnalysis[],
  all: readonly FaceFrameAnalysis[],
): ChallengeOutcome {
  const open = own.filter((f) => f.mouthAspectRatio >= mouthOpenMinMar).length;
  const closed = Math.min(...all.map((f) => f.mouthAspectRatio));
  const peak = Math.max(...own.map((f) => f.mouthAspectRatio));
  const change = peak - closed;
  return {
    name: 'open_mouth',
    passed: open >= mouthOpenMinFrames && change >= mouthMinChange,
    evidence: { open_frames: open, peak_mar: round(peak), closed_mar: round(closed), change: round(change) },
  };
}

/**
 * A head turn in the asked direction (`sign` 1: the person's left, yaw > 0): yaw reaches `turnMinYaw` that way, at
 * least that far from the step's starting pose or frontal, then a later frame — of the step or of the steps after it —
 * has come back toward the camera by `turnMinReturn`.
 */
export function detectTurn(
  name: 'turn_left' | 'turn_right',
  own: readonly FaceFrameAnalysis[],
  later: readonly FaceFrameAnalysis[],
  sign: 1 | -1,
): ChallengeOutcome {
  const yaw = own.map((f) => sign * f.pose.yaw);
  let peakAt = 0;
  yaw.forEach((y, i) => {
    if (y > yaw[peakAt]!) peakAt = i;
  });
  const peak = yaw[peakAt] ?? 0;
  const start = Math.min(...yaw.slice(0, peakAt + 1));
  const excursion = peak - Math.min(start, 0);
  const after = [...own.slice(peakAt + 1), ...later].map((f) => sign * f.pose.yaw);
  const lowest = after.length ? Math.min(...after) : peak;
  const returned = peak - lowest >= turnMinReturn;
  const wrongWay = Math.min(...yaw) <= -turnMinYaw && peak < turnMinYaw;
  return {
    name,
    passed: peak >= turnMinYaw && excursion >= turnMinYaw && returned,
    evidence: {
      peak_yaw: round(sign * peak),
      excursion: round(excursion),
      returned_by: round(peak - lowest),
      returned,
      wrong_direction: wrongWay,
    },
  };
}

/** Pitch down (looking down: pitch falls) by at least `nodMinPitch` from an earlier frame, then up by as much. */
export function detectNod(own: readonly FaceFrameAnalysis[]): ChallengeOutcome {
  const pitch = own.map((f) => f.pose.pitch);
  let best = { down: 0, up: 0, at: -1 };
  for (let k = 1; k < pitch.length - 1; k++) {
    const down = Math.max(...pitch.slice(0, k)) - pitch[k]!;
    const up = Math.max(...pitch.slice(k + 1)) - pitch[k]!;
    if (Math.min(down, up) > Math.min(best.down, best.up)) best = { down, up, at: k };
  }
  return {
    name: 'nod',
    passed: best.down >= nodMinPitch && best.up >= nodMinPitch,
    evidence: { down: round(best.down), up: round(best.up), frame: best.at, min_pitch: nodMinPitch },
  };
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
