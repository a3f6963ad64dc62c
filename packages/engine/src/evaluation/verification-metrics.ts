/**
 * Benchmark math for 1:1 verification. Scores are similarities: higher means more likely the same person, and a
 * pair is a match iff `score >= threshold`. A pair whose face was not detected carries the score `-Infinity`: it
 * stays in every count and is a non-match at every finite threshold. NaN and +Infinity are rejected as bugs.
 * All rates are fractions in [0, 1].
 */

/** The smallest double greater than `x` (Java's Math.nextUp). `nextUp(-Infinity)` is `-Number.MAX_VALUE`. */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  const scratch = new DataView(new ArrayBuffer(8));
  scratch.setFloat64(0, x);
  const bits = scratch.getBigUint64(0);
  // IEEE 754 doubles are sign-magnitude, so moving up means a larger magnitude when positive, smaller when negative.
  scratch.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n);
  return scratch.getFloat64(0);
}

export function assertScores(name: string, values: readonly number[]): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || Number.isNaN(v) || v === Infinity) {
      throw new RangeError(`${name}[${i}] is ${String(v)}; scores must be finite or -Infinity (no face)`);
    }
  }
}

function assertNonEmpty(name: string, values: readonly unknown[]): void {
  if (values.length === 0) throw new RangeError(`${name} must not be empty`);
}

export function sortedAscending(values: readonly number[]): Float64Array {
  // Typed-array sort is numeric (no string comparison) and much faster than Array#sort with a comparator.
  return Float64Array.from(values).sort();
}

/** Number of elements of the ascending array `sorted` that are `< x`. */
export function countBelow(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of elements of the ascending array `sorted` that are `<= x`. */
export function countAtMost(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Area under the ROC curve as the Mann-Whitney statistic: P(genuine > impostor) + ½·P(genuine = impostor).
 * Sorting the impostors once and binary-searching per genuine score keeps it O((n + m) log n).
 */
export function rocAuc(genuine: readonly number[], impostor: readonly number[]): number {
  assertNonEmpty('genuine', genuine);
  assertNonEmpty('impostor', impostor);
  assertScores('genuine', genuine);
  assertScores('impostor', impostor);
  const imp = sortedAscending(impostor);
  // Sums stay far below 2^53 for any realistic benchmark, so the count is exact; halves are exact too.
  let wins = 0;
  for (const g of genuine) {
    const below = countBelow(imp, g);
    wins += below + (countAtMost(imp, g) - below) / 2;
  }
  return wins / (genuine.length * impostor.length);
}

export interface EqualErrorRate {
  readonly eer: number;
  readonly threshold: number;
}

/**
 * Operating points are evaluated at every distinct score and just above the maximum (FAR = 0). FAR falls and FRR
 * rises with the threshold, so they cross between two adjacent operating points A and B (or meet exactly at one).
 * `eer` is where the straight segment A→B crosses FAR = FRR — a rate achievable by randomising between the two
 * thresholds, unlike the optimistic midpoint of the FVC2000 interval. `threshold` is whichever of A, B has the
 * smaller |FAR − FRR| (the lower one on a tie), i.e. a threshold that actually exists.
 */
export function equalErrorRate(genuine: readonly number[], impostor: readonly number[]): EqualErrorRate {
  assertNonEmpty('genuine', genuine);
  assertNonEmpty('impostor', impostor);
  assertScores('genuine', genuine);
  assertScores('impostor', impostor);
  const gen = sortedAscending(genuine);
  const imp = sortedAscending(impostor);
  const ng = gen.length;
  const ni = imp.length;

  let gi = 0;
  let ii = 0;
  let prev: { t: number; far: number; frr: number } | undefined;
  const visit = (t: number): EqualErrorRate | undefined => {
    while (gi < ng && (gen[gi] as number) < t) gi++;
    while (ii < ni && (imp[ii] as number) < t) ii++;
    const far = (ni - ii) / ni;
    const frr = gi / ng;
    if (frr < far) {
      prev = { t, far, frr };
      return undefined;
    }
    // The lowest candidate is the global minimum, where FAR = 1 > FRR = 0, so `prev` is always set here.
    if (frr === far || prev === undefined) return { eer: far, threshold: t };
    const dA = prev.far - prev.frr;
    const dB = far - frr;
    const alpha = dA / (dA - dB);
    return { eer: prev.far + alpha * (far - prev.far), threshold: dA <= -dB ? prev.t : t };
  };

  let g = 0;
  let i = 0;
  while (g < ng || i < ni) {
    const t = i >= ni || (g < ng && (gen[g] as number) <= (imp[i] as number)) ? (gen[g] as number) : (imp[i] as number);
    const found = visit(t);
    if (found) return found;
    while (g < ng && gen[g] === t) g++;
    while (i < ni && imp[i] === t) i++;
  }
  const top = Math.max(gen[ng - 1] as number, imp[ni - 1] as number);
  // Above every score FAR = 0 <= FRR, so the crossing is always found by now.
  return visit(nextUp(top)) as EqualErrorRate;
}

export interface FarThreshold {
  /** Smallest t with (#impostors >= t) / impostorCount <= far. */
  readonly threshold: number;
  /** Rule of three: with 0 errors in N trials the 95% upper bound on the rate is ≈ 3/N, so N >= 3/far is needed. */
  readonly supported: boolean;
  readonly impostorCount: number;
}

/**
 * The smallest threshold whose false-accept rate on these impostors is at most `far`. With k = ⌊far·N⌋ allowed false
 * accepts and s the (k+1)-th largest impostor score, every t <= s accepts at least k+1 impostors while nextUp(s)
 * accepts only those strictly above s (at most k, whatever the ties), so nextUp(s) is the answer. When far·N < 1 this
 * is just above the maximum: an extrapolation the data cannot vouch for, flagged by `supported`.
 */
export function thresholdAtFar(impostor: readonly number[], far: number): FarThreshold {
  assertNonEmpty('impostor', impostor);
  assertScores('impostor', impostor);
  if (!(far > 0 && far <= 1)) throw new RangeError(`far must be in (0, 1], got ${far}`);
  const n = impostor.length;
  const supported = n >= 3 / far;
  // far·N is often a float hair below an integer (1e-3 · 3000 = 2.9999…); the relative nudge keeps ⌊·⌋ honest.
  const allowed = Math.floor(far * n * (1 + 1e-12));
  if (allowed >= n) return { threshold: -Infinity, supported, impostorCount: n };
  const sorted = sortedAscending(impostor);
  return { threshold: nextUp(sorted[n - 1 - allowed] as number), supported, impostorCount: n };
}

/** Fraction of genuine pairs accepted at `thresholdAtFar(impostor, far)`. */
export function tarAtFar(genuine: readonly number[], impostor: readonly number[], far: number): number {
  assertNonEmpty('genuine', genuine);
  assertScores('genuine', genuine);
  const { threshold } = thresholdAtFar(impostor, far);
  let accepted = 0;
  for (const g of genuine) if (g >= threshold) accepted++;
  return accepted / genuine.length;
}

export interface ScoredPair {
  readonly score: number;
  readonly same: boolean;
}

export interface TenFoldResult {
  /** Mean of the per-fold accuracies. */
  readonly accuracy: number;
  /** Population standard deviation of the per-fold accuracies (not the standard error the LFW README quotes). */
  readonly std: number;
  readonly perFold: number[];
  readonly thresholds: number[];
}

function contiguousChunks<T>(items: readonly T[], count: number): T[][] {
  const chunks: T[][] = [];
  for (let k = 0; k < count; k++) {
    chunks.push(items.slice(Math.floor((k * items.length) / count), Math.floor(((k + 1) * items.length) / count)));
  }
  return chunks;
}

/** A point strictly above `a` and at most `b` (for a < b), so `score >= t` splits them. */
function splitPoint(a: number, b: number): number {
  // Halving first cannot overflow; when a and b are adjacent doubles the midpoint rounds to one of them.
  const mid = a / 2 + b / 2;
  return mid > a ? mid : b;
}

function trainThreshold(train: readonly ScoredPair[]): number {
  const finite = train.filter((p) => p.score !== -Infinity).sort((x, y) => x.score - y.score);
  if (finite.length === 0) return Infinity;
  // At the lowest candidate every detected pair is accepted and every undetected one rejected.
  let correct = 0;
  for (const p of train) if (p.same === (p.score !== -Infinity)) correct++;
  let best = correct;
  let bestThreshold = (finite[0] as ScoredPair).score;
  let i = 0;
  while (i < finite.length) {
    const v = (finite[i] as ScoredPair).score;
    for (; i < finite.length && (finite[i] as ScoredPair).score === v; i++) {
      correct += (finite[i] as ScoredPair).same ? -1 : 1;
    }
    const t = i < finite.length ? splitPoint(v, (finite[i] as ScoredPair).score) : nextUp(v);
    // Strict improvement only: ties go to the lowest threshold, which keeps the choice deterministic.
    if (correct > best) {
      best = correct;
      bestThreshold = t;
    }
  }
  return bestThreshold;
}

function accuracyAt(pairs: readonly ScoredPair[], threshold: number): number {
  let correct = 0;
  for (const p of pairs) if (p.score >= threshold === p.same) correct++;
  return correct / pairs.length;
}

/**
 * The LFW "unrestricted" protocol on one list of scored pairs. Same-pairs and different-pairs are taken separately in
 * array order and each is cut into `folds` contiguous blocks; fold k is block k of both. Filtering keeps order, so
 * this matches the official sets whether the file lists all same-pairs first or alternates 300 same / 300 different.
 * Each fold is scored at the threshold that maximises accuracy on the other folds.
 */
export function lfwTenFold(pairs: readonly ScoredPair[], folds = 10): TenFoldResult {
  if (!Number.isInteger(folds) || folds < 2) throw new RangeError(`folds must be an integer >= 2, got ${folds}`);
  assertScores(
    'pairs.score',
    pairs.map((p) => p.score),
  );
  const same = contiguousChunks(
    pairs.filter((p) => p.same),
    folds,
  );
  const different = contiguousChunks(
    pairs.filter((p) => !p.same),
    folds,
  );
  if (same.some((c) => c.length === 0) || different.some((c) => c.length === 0)) {
    throw new RangeError(`every fold needs at least one same and one different pair (folds = ${folds})`);
  }
  const perFold: number[] = [];
  const thresholds: number[] = [];
  for (let k = 0; k < folds; k++) {
    const train: ScoredPair[] = [];
    for (let j = 0; j < folds; j++) {
      if (j !== k) train.push(...(same[j] as ScoredPair[]), ...(different[j] as ScoredPair[]));
    }
    const threshold = trainThreshold(train);
    thresholds.push(threshold);
    perFold.push(accuracyAt([...(same[k] as ScoredPair[]), ...(different[k] as ScoredPair[])], threshold));
  }
  const accuracy = perFold.reduce((a, b) => a + b, 0) / folds;
  const std = Math.sqrt(perFold.reduce((a, b) => a + (b - accuracy) ** 2, 0) / folds);
  return { accuracy, std, perFold, thresholds };
}

/**
 * Percentile `p` in [0, 100] by linear interpolation between closest ranks (Hyndman & Fan type 7, numpy's default):
 * h = (n − 1)·p/100, result = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋]).
 */
export function percentile(values: readonly number[], p: number): number {
  assertNonEmpty('values', values);
  assertScores('values', values);
  if (!(p >= 0 && p <= 100)) throw new RangeError(`p must be in [0, 100], got ${p}`);
  const sorted = sortedAscending(values);
  const h = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const frac = h - lo;
  if (frac === 0) return a;
  const b = sorted[lo + 1] as number;
  // -Infinity minus anything is NaN-prone; any positive weight on -Infinity yields -Infinity.
  if (a === b || a === -Infinity) return a;
  return a + (b - a) * frac;
}
