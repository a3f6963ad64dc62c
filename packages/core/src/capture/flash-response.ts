import {
  flashMinCorrelation,
  flashMinShift,
  flashMinStepCosine,
  flashStepSlackMs,
  flashMinFramesPerStep,
} from './liveness-thresholds.js';

/**
 * The reflected-light challenge (`liveness: "flash"`, FaceID's 炫彩): the page lights the screen in a server-chosen
 * sequence of saturated colours; a real face a few tens of centimetres away reflects them, so the face's chroma moves
 * toward each colour while it is shown. A video recorded before the session was created cannot follow a sequence
 * chosen afterwards. Pure logic; the engine supplies each frame's face-region mean RGB (docs/liveness.md).
 */

export const flashColors = ['red', 'green', 'blue', 'yellow', 'magenta', 'cyan'] as const;
export type FlashColor = (typeof flashColors)[number];

/** The screen colour of each palette entry (sRGB, 0-255). */
export const flashColorRgb: Readonly<Record<FlashColor, readonly [number, number, number]>> = {
  red: [255, 0, 0],
  green: [0, 255, 0],
  blue: [0, 0, 255],
  yellow: [255, 255, 0],
  magenta: [255, 0, 255],
  cyan: [0, 255, 255],
};

/** One colour step of a session's sequence. */
export interface FlashStep {
  readonly color: FlashColor;
  readonly durationMs: number;
}

/** Bounds of a chosen sequence: ≥ 400 ms per colour keeps the page at ≤ 2.5 changes/s (WCAG 2.3.1: < 3 flashes/s). */
export const flashSequenceBounds = { minSteps: 4, maxSteps: 6, minMs: 400, maxMs: 700 } as const;

/** The capture step name a frame of colour step `i` carries. */
export const flashStepNames = ['flash_0', 'flash_1', 'flash_2', 'flash_3', 'flash_4', 'flash_5'] as const;
export type FlashStepName = (typeof flashStepNames)[number];

/**
 * A random sequence from `bytes` (≥ 12 random bytes, from the Crypto port): 4-6 steps, each 400-700 ms (50 ms
 * granularity), no colour twice in a row (a repeat would be no change to respond to).
 */
export function chooseFlashSequence(bytes: readonly number[]): FlashStep[] {
  const { minSteps, maxSteps, minMs, maxMs } = flashSequenceBounds;
  const count = minSteps + ((bytes[0] ?? 0) % (maxSteps - minSteps + 1));
  const slots = (maxMs - minMs) / 50 + 1;
  const steps: FlashStep[] = [];
  for (let i = 0; i < count; i++) {
    const previous = steps[i - 1]?.color;
    const choices = flashColors.filter((c) => c !== previous);
    const color = choices[(bytes[1 + 2 * i] ?? 0) % choices.length]!;
    steps.push({ color, durationMs: minMs + ((bytes[2 + 2 * i] ?? 0) % slots) * 50 });
  }
  return steps;
}

/** One frame of a flash attempt: the colour step the page showed, and the face region's mean RGB (null: no face). */
export interface FlashFrame {
  readonly step: number;
  readonly capturedAtMs: number;
  readonly rgb: readonly [number, number, number] | null;
}

export interface FlashStepOutcome {
  readonly color: FlashColor;
  readonly frames: number;
  /** Cosine between the face's chroma shift in this step and the shown colour's direction (both centred). */
  readonly cosine: number | null;
  readonly passed: boolean;
}

export interface FlashResponse {
  readonly passed: boolean;
  /** Why not, when not passed. */
  readonly problem?: 'too_few_frames' | 'timing' | 'no_response' | 'step_mismatch' | 'low_correlation';
  readonly steps: readonly FlashStepOutcome[];
  /** Pearson correlation of the observed and expected per-step chroma shifts over all steps and channels. */
  readonly correlation: number | null;
  /** Mean length of the observed per-step chroma shifts (chromaticity units). */
  readonly shift: number | null;
}

type Vec3 = readonly [number, number, number];

/** Chromaticity (r, g, b) / (r + g + b) minus the grey point: brightness drops out, only the hue's direction stays. */
export function chroma(rgb: Vec3): Vec3 {
  const sum = rgb[0] + rgb[1] + rgb[2];
  if (sum <= 0) return [0, 0, 0];
  return [rgb[0] / sum - 1 / 3, rgb[1] / sum - 1 / 3, rgb[2] / sum - 1 / 3];
}

/**
 * Whether the frames' face chroma follows `sequence`: per step, the mean chroma of its frames minus the mean over all
 * steps (the baseline: the face's own colour under the average of the shown colours) must point the way the shown
 * colour does (cosine ≥ `flashMinStepCosine`); over all steps the shifts must correlate with the expected ones
 * (≥ `flashMinCorrelation`) and be large enough to be a reflection, not camera noise (≥ `flashMinShift`).
 */
export function detectFlashResponse(sequence: readonly FlashStep[], frames: readonly FlashFrame[]): FlashResponse {
  const empty = (problem: FlashResponse['problem'], steps: FlashStepOutcome[] = []): FlashResponse => ({
    passed: false,
    problem,
    steps,
    correlation: null,
    shift: null,
  });
  const observed: Vec3[] = [];
  const counts: number[] = [];
  for (let k = 0; k < sequence.length; k++) {
    const own = frames.filter((f) => f.step === k);
    const faces = own.filter((f) => f.rgb !== null).map((f) => chroma(f.rgb!));
    counts.push(faces.length);
    if (faces.length < flashMinFramesPerStep) return empty('too_few_frames');
    const times = own.map((f) => f.capturedAtMs);
    if (Math.max(...times) - Math.min(...times) > sequence[k]!.durationMs + flashStepSlackMs) return empty('timing');
    observed.push(mean3(faces));
  }
  if (frames.some((f) => f.step < 0 || f.step >= sequence.length)) return empty('timing');
  const expected = centre(sequence.map((s) => chroma(flashColorRgb[s.color])));
  const shifts = centre(observed);
  const steps = sequence.map((s, k) => {
    const cos = cosine(shifts[k]!, expected[k]!);
    return { color: s.color, frames: counts[k]!, cosine: round(cos), passed: cos >= flashMinStepCosine };
  });
  const correlation = pearson(shifts.flat(), expected.flat());
  const shift = shifts.reduce((a, v) => a + Math.hypot(...v), 0) / shifts.length;
  const result = { steps, correlation: round(correlation), shift: round(shift, 5) };
  if (shift < flashMinShift) return { passed: false, problem: 'no_response', ...result };
  if (steps.some((s) => !s.passed)) return { passed: false, problem: 'step_mismatch', ...result };
  if (correlation < flashMinCorrelation) return { passed: false, problem: 'low_correlation', ...result };
  return { passed: true, ...result };
}

function mean3(values: readonly Vec3[]): Vec3 {
  const s = values.reduce<[number, number, number]>((a, v) => [a[0] + v[0], a[1] + v[1], a[2] + v[2]], [0, 0, 0]);
  return [s[0] / values.length, s[1] / values.length, s[2] / values.length];
}

function centre(values: readonly Vec3[]): Vec3[] {
  const m = mean3(values);
  return values.map((v) => [v[0] - m[0], v[1] - m[1], v[2] - m[2]]);
}

function cosine(a: Vec3, b: Vec3): number {
  const na = Math.hypot(...a);
  const nb = Math.hypot(...b);
  if (na === 0 || nb === 0) return 0;
  return (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / (na * nb);
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const ma = a.reduce((s, x) => s + x, 0) / a.length;
  const mb = b.reduce((s, x) => s + x, 0) / b.length;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - ma) * (b[i]! - mb);
    da += (a[i]! - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  }
  return da === 0 || db === 0 ? 0 : num / Math.sqrt(da * db);
}

const round = (x: number, places = 3): number => Math.round(x * 10 ** places) / 10 ** places;
