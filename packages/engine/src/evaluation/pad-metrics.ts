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
