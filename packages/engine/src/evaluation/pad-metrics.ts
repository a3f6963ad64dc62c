import { assertScores, rocAuc, thresholdAtFar } from './verification-metrics.js';

/**
 * Presentation-attack-detection metrics in the ISO/IEC 30107-3 vocabulary. Liveness scores lie in [0, 1], higher
 * meaning live; a sample is classified live iff `score >= threshold`. A sample without a detected face has the score
 * `-Infinity` and is therefore always rejected (a BPCER error when live, a correct rejection when a spoof).
 */

export interface PadSample {
  readonly score: number;
  readonly live: boolean;
  /** Presentation attack instrument species, e.g. 'print' or 'replay'; spoofs without one are grouped as 'unspecified'. */
  readonly attack?: string;
}

export interface PadMetrics {
  /** Fraction of spoofs accepted as live, over all attack species together. */
  readonly apcer: number;
  /** Fraction of live samples rejected. */
  readonly bpcer: number;
  /** BPCER at the smallest threshold where the overall APCER is <= 5%. */
  readonly bpcer20: number;
  readonly bpcer20Threshold: number;
  /** ROC AUC with live as the positive class. */
  readonly auc: number;
  readonly apcerByAttack: Record<string, number>;
  /** The worst species' APCER, which is what ISO/IEC 30107-3 reports as the system's APCER. */
  readonly apcerWorst: number;
}

const BPCER20_APCER = 0.05;

export function padMetrics(samples: readonly PadSample[], threshold: number): PadMetrics {
  if (Number.isNaN(threshold)) throw new RangeError('threshold must not be NaN');
  assertScores(
    'samples.score',
    samples.map((s) => s.score),
  );
  const live: number[] = [];
  const spoof: number[] = [];
  const byAttack = new Map<string, { accepted: number; total: number }>();
  for (const s of samples) {
    if (s.live) {
      live.push(s.score);
      continue;
    }
    spoof.push(s.score);
    const key = s.attack ?? 'unspecified';
    const bucket = byAttack.get(key) ?? { accepted: 0, total: 0 };
    bucket.total++;
    if (s.score >= threshold) bucket.accepted++;
    byAttack.set(key, bucket);
  }
  if (live.length === 0 || spoof.length === 0) {
    throw new RangeError('PAD metrics need at least one live and one spoof sample');
  }

  const bpcerAt = (t: number): number => live.filter((x) => x < t).length / live.length;
  const apcerByAttack: Record<string, number> = {};
  let apcerWorst = 0;
  for (const [attack, { accepted, total }] of [...byAttack].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    apcerByAttack[attack] = accepted / total;
    apcerWorst = Math.max(apcerWorst, accepted / total);
  }
  const bpcer20Threshold = thresholdAtFar(spoof, BPCER20_APCER).threshold;
  return {
    apcer: spoof.filter((x) => x >= threshold).length / spoof.length,
    bpcer: bpcerAt(threshold),
    bpcer20: bpcerAt(bpcer20Threshold),
    bpcer20Threshold,
    auc: rocAuc(live, spoof),
    apcerByAttack,
    apcerWorst,
  };
}

/** A frame tagged with the presentation (video) it belongs to. */
export interface PadFrame extends PadSample {
  readonly video: string;
}

/**
 * One sample per video: the mean of its frames' scores (frames of one video are one presentation, strongly
 * correlated). A video mixing live and spoof frames, or two attack species, is refused. Videos are returned sorted
 * by id.
 */
export function videoSamples(frames: readonly PadFrame[]): (PadSample & { video: string; frames: number })[] {
  assertScores(
    'frames.score',
    frames.map((f) => f.score),
  );
  const byVideo = new Map<string, PadFrame[]>();
  for (const f of frames) byVideo.set(f.video, [...(byVideo.get(f.video) ?? []), f]);
  return [...byVideo.keys()].sort().map((video) => {
    const group = byVideo.get(video)!;
    const first = group[0]!;
    if (group.some((f) => f.live !== first.live || f.attack !== first.attack)) {
      throw new RangeError(`video ${video} mixes labels or attack types`);
    }
    // A frame without a face (-Infinity) makes the mean -Infinity: the presentation is rejected, as a capture
    // session would reject it.
    const score = group.reduce((s, f) => s + f.score, 0) / group.length;
    return { video, frames: group.length, score, live: first.live, ...(first.attack ? { attack: first.attack } : {}) };
  });
}

export interface PadOperatingPoint {
  /** The highest threshold whose BPCER is at most the target (live iff score ≥ threshold). */
  readonly threshold: number;
  readonly bpcer: number;
  readonly apcer: number;
  readonly apcerByAttack: Record<string, number>;
  readonly apcerWorst: number;
}

/**
 * APCER per attack species at the operating point where BPCER ≤ `maxBpcer` (e.g. 0.05): the threshold is set from
 * the live scores alone, so that at most ⌊maxBpcer·N_live⌋ live samples fall below it.
 */
export function apcerAtBpcer(samples: readonly PadSample[], maxBpcer: number): PadOperatingPoint {
  if (!(maxBpcer >= 0 && maxBpcer < 1)) throw new RangeError(`maxBpcer must be in [0, 1), got ${maxBpcer}`);
  const live = samples.filter((s) => s.live).map((s) => s.score);
  if (live.length === 0) throw new RangeError('an operating point needs live samples');
  const sorted = [...live].sort((a, b) => a - b);
  const allowed = Math.floor(maxBpcer * live.length * (1 + 1e-12));
  const threshold = sorted[allowed]!;
  const m = padMetrics(samples, threshold);
  return { threshold, bpcer: m.bpcer, apcer: m.apcer, apcerByAttack: m.apcerByAttack, apcerWorst: m.apcerWorst };
}
