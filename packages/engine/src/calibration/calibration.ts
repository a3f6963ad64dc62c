import { EngineError } from '../errors.js';
import { assertScores, percentile, sortedAscending, thresholdAtFar } from '../evaluation/verification-metrics.js';

export const farLevels = ['1e-3', '1e-4', '1e-5', '1e-6'] as const;
export type FarLevel = (typeof farLevels)[number];

export interface CalibrationThreshold {
  /** Match iff similarity >= this value. */
  similarity: number;
  /** False when the impostor set is too small to measure this FAR (N < 3/FAR) and the value is extrapolated. */
  supported: boolean;
}

export interface ConfidenceAnchor {
  similarity: number;
  confidence: number;
}

export interface Calibration {
  version: 1;
  model_id: string;
  dataset: string;
  created_at: string;
  counts: { genuine: number; impostor: number };
  thresholds: Record<FarLevel, CalibrationThreshold>;
  /** Anchors of a piecewise-linear, non-decreasing map from similarity to a 0–100 confidence. */
  confidence_map: ConfidenceAnchor[];
}

export interface CalibrationInput {
  modelId: string;
  dataset: string;
  genuine: readonly number[];
  impostor: readonly number[];
  /** ISO 8601 timestamp supplied by the caller, so identical inputs give identical files. */
  createdAt: string;
}

/**
 * Confidence at each FAR threshold. A probability-style score such as 100·(1 − FAR) would put 99.9 on a threshold
 * that still lets one impostor in a thousand through; one step of ten per decade of FAR keeps the scale readable.
 */
const levelConfidence: Record<FarLevel, number> = { '1e-3': 60, '1e-4': 70, '1e-5': 80, '1e-6': 90 };

const TAIL_FRACTION = 0.01;
const MIN_TAIL = 50;

/**
 * Threshold for a FAR below what the data can measure, from a peaks-over-threshold fit to the impostor upper tail.
 *
 * A Gaussian fitted to the impostor mean and sd is tempting for cosine scores but describes the bulk, not the tail:
 * lookalikes, relatives and degraded images make real impostor tails heavier, so it yields thresholds whose true FAR is
 * worse than claimed. Instead, take the top 1% of detected impostors (at least 50) above the next score u. By the
 * Pickands–Balkema–de Haan theorem the excesses over a high threshold are close to generalised Pareto; we fix its shape
 * at 0, i.e. an exponential with MLE scale β = mean excess. Cosine scores are bounded above (true shape < 0), so the
 * exponential over-estimates the tail and errs towards a higher, safer threshold, and it avoids estimating a shape
 * parameter from a few dozen points. With q = tail size / N the model P(S > u + y) = q·exp(−y/β) gives
 * t(far) = u + β·ln(q/far).
 */
function exponentialTailThreshold(impostor: readonly number[]): ((far: number) => number) | undefined {
  const detected = sortedAscending(impostor.filter((s) => s !== -Infinity));
  const tailSize = Math.min(Math.max(Math.ceil(impostor.length * TAIL_FRACTION), MIN_TAIL), detected.length - 1);
  if (tailSize < 1) return undefined;
  const u = detected[detected.length - 1 - tailSize] as number;
  let excess = 0;
  for (let i = detected.length - tailSize; i < detected.length; i++) excess += (detected[i] as number) - u;
  const scale = excess / tailSize;
  const q = tailSize / impostor.length;
  return (far) => u + scale * Math.log(q / far);
}

export function buildCalibration(input: CalibrationInput): Calibration {
  const { modelId, dataset, genuine, impostor, createdAt } = input;
  if (modelId.length === 0) throw new RangeError('modelId must not be empty');
  if (Number.isNaN(Date.parse(createdAt))) throw new RangeError(`createdAt is not an ISO timestamp: ${createdAt}`);
  assertScores('genuine', genuine);
  assertScores('impostor', impostor);
  const detectedImpostors = impostor.filter((s) => s !== -Infinity);
  if (detectedImpostors.length === 0) throw new RangeError('calibration needs at least one detected impostor pair');

  const tail = exponentialTailThreshold(impostor);
  const thresholds = {} as Record<FarLevel, CalibrationThreshold>;
  for (const level of farLevels) {
    const far = Number(level);
    const empirical = thresholdAtFar(impostor, far);
    let similarity = empirical.threshold;
    if (!empirical.supported && tail) similarity = Math.max(similarity, tail(far));
    thresholds[level] = { similarity, supported: empirical.supported };
  }

  const t3 = thresholds['1e-3'].similarity;
  const t5 = thresholds['1e-5'].similarity;
  const t6 = thresholds['1e-6'].similarity;
  // The median sits below the 1e-3 threshold except when nearly all impostors are undetected; min() keeps order then.
  const confidence_map: ConfidenceAnchor[] = [
    { similarity: Math.min(percentile(detectedImpostors, 50), t3), confidence: 0 },
    ...farLevels.map((level) => ({ similarity: thresholds[level].similarity, confidence: levelConfidence[level] })),
    { similarity: t6 + (t6 - t5), confidence: 100 },
  ];

  return {
    version: 1,
    model_id: modelId,
    dataset,
    created_at: createdAt,
    counts: { genuine: genuine.length, impostor: impostor.length },
    thresholds,
    confidence_map,
  };
}

/** Confidence 0–100 (one decimal) for a similarity, by linear interpolation between the calibration's anchors. */
export function confidenceOf(cal: Calibration, similarity: number): number {
  if (Number.isNaN(similarity)) throw new RangeError('similarity must not be NaN');
  const map = cal.confidence_map;
  // Last anchor at or below the score: on a vertical step (two anchors at one similarity) the higher confidence wins,
  // because a score equal to a threshold passes it.
  let i = -1;
  while (i + 1 < map.length && (map[i + 1] as ConfidenceAnchor).similarity <= similarity) i++;
  let value: number;
  if (i < 0) value = (map[0] as ConfidenceAnchor).confidence;
  else if (i === map.length - 1) value = (map[i] as ConfidenceAnchor).confidence;
  else {
    const a = map[i] as ConfidenceAnchor;
    const b = map[i + 1] as ConfidenceAnchor;
    value =
      a.confidence + ((similarity - a.similarity) / (b.similarity - a.similarity)) * (b.confidence - a.confidence);
  }
  return Math.round(Math.min(100, Math.max(0, value)) * 10) / 10;
}

function invalid(reason: string, details: Record<string, unknown> = {}): never {
  throw new EngineError('calibration.invalid', { reason, ...details });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finiteNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) invalid(`${path} must be a finite number`);
  return value;
}

function count(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    invalid(`${path} must be a non-negative integer`);
  }
  return value;
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') invalid(`${path} must be a string`);
  return value;
}

/**
 * Validates an already-parsed calibration JSON value and returns a clean copy. Throws EngineError
 * 'calibration.invalid' on any shape error, on thresholds or anchors that decrease, and when `expectedModelId` is
 * given and differs from the file's model_id.
 */
export function parseCalibration(json: unknown, expectedModelId?: string): Calibration {
  if (!isRecord(json)) invalid('calibration must be a JSON object');
  if (json.version !== 1) invalid('unsupported version', { version: json.version });

  const modelId = string(json.model_id, 'model_id');
  if (modelId.length === 0) invalid('model_id must not be empty');
  if (expectedModelId !== undefined && modelId !== expectedModelId) {
    invalid('model_id mismatch', { expected: expectedModelId, actual: modelId });
  }
  const dataset = string(json.dataset, 'dataset');
  const createdAt = string(json.created_at, 'created_at');
  if (Number.isNaN(Date.parse(createdAt))) invalid('created_at must be an ISO timestamp');

  const counts = json.counts;
  if (!isRecord(counts)) invalid('counts must be an object');
  const genuine = count(counts.genuine, 'counts.genuine');
  const impostor = count(counts.impostor, 'counts.impostor');

  const rawThresholds = json.thresholds;
  if (!isRecord(rawThresholds)) invalid('thresholds must be an object');
  const thresholds = {} as Record<FarLevel, CalibrationThreshold>;
  let previous = -Infinity;
  for (const level of farLevels) {
    const entry = rawThresholds[level];
    if (!isRecord(entry)) invalid(`thresholds.${level} must be an object`);
    const similarity = finiteNumber(entry.similarity, `thresholds.${level}.similarity`);
    if (typeof entry.supported !== 'boolean') invalid(`thresholds.${level}.supported must be a boolean`);
    if (similarity < previous) invalid('thresholds must not decrease as the FAR gets smaller', { level });
    previous = similarity;
    thresholds[level] = { similarity, supported: entry.supported };
  }

  const rawMap = json.confidence_map;
  if (!Array.isArray(rawMap) || rawMap.length < 2) invalid('confidence_map must be an array of at least two anchors');
  const confidence_map: ConfidenceAnchor[] = [];
  for (const [i, anchor] of rawMap.entries()) {
    if (!isRecord(anchor)) invalid(`confidence_map[${i}] must be an object`);
    const similarity = finiteNumber(anchor.similarity, `confidence_map[${i}].similarity`);
    const confidence = finiteNumber(anchor.confidence, `confidence_map[${i}].confidence`);
    if (confidence < 0 || confidence > 100) invalid(`confidence_map[${i}].confidence must be within 0..100`);
    const before = confidence_map[i - 1];
    if (before && (similarity < before.similarity || confidence < before.confidence)) {
      invalid('confidence_map anchors must be non-decreasing', { index: i });
    }
    confidence_map.push({ similarity, confidence });
  }

  return {
    version: 1,
    model_id: modelId,
    dataset,
    created_at: createdAt,
    counts: { genuine, impostor },
    thresholds,
    confidence_map,
  };
}
