import { sigmoid } from './pad-model.js';

/**
 * Training for the fused passive-liveness model: L2-regularised logistic regression, class-balanced, fitted by
 * Newton's method (deterministic: no random initialisation, a fixed order of operations), with client-disjoint
 * cross-validation. The seed only decides which clients fall in which fold.
 */

export interface TrainingSample {
  readonly x: readonly number[];
  readonly live: boolean;
  /** The person shown; all frames of one client stay in one fold. */
  readonly client: string;
  /** The data set the sample comes from (default one set): each set's live and spoof classes weigh the same. */
  readonly set?: string;
}

export interface LogisticFit {
  readonly mean: number[];
  readonly scale: number[];
  readonly weights: number[];
  readonly bias: number;
  readonly iterations: number;
}

/** Per-feature mean and standard deviation (a constant feature gets scale 1). */
export function standardisation(xs: readonly (readonly number[])[]): { mean: number[]; scale: number[] } {
  const d = xs[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  for (const x of xs) for (let j = 0; j < d; j++) mean[j]! += x[j]!;
  for (let j = 0; j < d; j++) mean[j] = mean[j]! / xs.length;
  for (const x of xs) for (let j = 0; j < d; j++) scale[j]! += (x[j]! - mean[j]!) ** 2;
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt(scale[j]! / xs.length);
    scale[j] = s > 1e-12 ? s : 1;
  }
  return { mean, scale };
}

/** Solves A x = b for a symmetric positive-definite A (Cholesky); A is d×d row-major. */
function choleskySolve(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j]!;
      for (let k = 0; k < j; k++) s -= l[i * d + k]! * l[j * d + k]!;
      if (i === j) {
        if (!(s > 0)) throw new RangeError('the Hessian is not positive definite');
        l[i * d + i] = Math.sqrt(s);
      } else l[i * d + j] = s / l[j * d + j]!;
    }
  }
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * d + k]! * y[k]!;
    y[i] = s / l[i * d + i]!;
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < d; k++) s -= l[k * d + i]! * x[k]!;
    x[i] = s / l[i * d + i]!;
  }
  return x;
}

/**
 * Minimises Σ wᵢ·logloss(yᵢ, σ(b + w·zᵢ)) + λ/2·|w|² over standardised features zᵢ, where each (data set, class)
 * cell carries the same share of the total weight (live frames are fewer than attack frames, and a small data set
 * must not be drowned by a large one). The bias is not penalised.
 */
export function fitLogistic(samples: readonly TrainingSample[], lambda: number): LogisticFit {
  const n = samples.length;
  const nLive = samples.filter((s) => s.live).length;
  if (nLive === 0 || nLive === n) throw new RangeError('training needs live and spoof samples');
  const { mean, scale } = standardisation(samples.map((s) => s.x));
  const d = mean.length + 1; // last coefficient is the bias
  const z = samples.map((s) => {
    const row = new Float64Array(d);
    for (let j = 0; j < d - 1; j++) row[j] = (s.x[j]! - mean[j]!) / scale[j]!;
    row[d - 1] = 1;
    return row;
  });
  const cells = new Map<string, number>();
  const cellOf = (s: TrainingSample) => `${s.set ?? ''}\u0000${s.live ? 1 : 0}`;
  for (const s of samples) cells.set(cellOf(s), (cells.get(cellOf(s)) ?? 0) + 1);
  const w = samples.map((s) => n / (cells.size * cells.get(cellOf(s))!));
  const y = samples.map((s) => (s.live ? 1 : 0));
  const beta = new Float64Array(d);
  let iterations = 0;
  for (; iterations < 100; iterations++) {
    const grad = new Float64Array(d);
    const hess = new Float64Array(d * d);
    for (let i = 0; i < n; i++) {
      const row = z[i]!;
      let eta = 0;
      for (let j = 0; j < d; j++) eta += beta[j]! * row[j]!;
      const p = sigmoid(eta);
      const r = w[i]! * (p - y[i]!);
      const h = w[i]! * Math.max(p * (1 - p), 1e-12);
      for (let j = 0; j < d; j++) {
        grad[j]! += r * row[j]!;
        const hj = h * row[j]!;
        for (let k = 0; k <= j; k++) hess[j * d + k]! += hj * row[k]!;
      }
    }
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < j; k++) hess[k * d + j] = hess[j * d + k]!;
      const penalty = j < d - 1 ? lambda : 1e-9;
      hess[j * d + j]! += penalty;
      grad[j]! += penalty * beta[j]!;
    }
    const step = choleskySolve(hess, grad, d);
    let largest = 0;
    for (let j = 0; j < d; j++) {
      beta[j]! -= step[j]!;
      largest = Math.max(largest, Math.abs(step[j]!));
    }
    if (largest < 1e-10) {
      iterations++;
      break;
    }
  }
  return { mean, scale, weights: Array.from(beta.subarray(0, d - 1)), bias: beta[d - 1]!, iterations };
}

export function predictLogistic(fit: Omit<LogisticFit, 'iterations'>, x: readonly number[]): number {
  let eta = fit.bias;
  for (let j = 0; j < x.length; j++) eta += fit.weights[j]! * ((x[j]! - fit.mean[j]!) / fit.scale[j]!);
  return sigmoid(eta);
}

/** mulberry32: a small deterministic generator, so that a seed means the same folds on every machine. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Assigns clients to k folds: sorted, shuffled with the seed (Fisher–Yates on mulberry32), dealt round-robin. */
export function clientFolds(clients: readonly string[], k: number, seed: number): Map<string, number> {
  const unique = [...new Set(clients)].sort();
  if (unique.length < k) throw new RangeError(`${k}-fold cross-validation needs at least ${k} clients`);
  const random = seededRandom(seed);
  for (let i = unique.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [unique[i], unique[j]] = [unique[j]!, unique[i]!];
  }
  return new Map(unique.map((c, i) => [c, i % k]));
}

/** Class-balanced mean log-loss: the criterion that picks λ. */
export function balancedLogLoss(scores: readonly number[], live: readonly boolean[]): number {
  const sum = [0, 0];
  const count = [0, 0];
  scores.forEach((p, i) => {
    const c = live[i] ? 1 : 0;
    const q = Math.min(1 - 1e-12, Math.max(1e-12, p));
    sum[c]! += -Math.log(c === 1 ? q : 1 - q);
    count[c]!++;
  });
  return (sum[0]! / Math.max(1, count[0]!) + sum[1]! / Math.max(1, count[1]!)) / 2;
}

export interface CrossValidation {
  /** Out-of-fold live probability of every sample, in input order. */
  readonly scores: number[];
  readonly fold: number[];
  /** λ chosen inside each outer fold (nested, on its training clients only). */
  readonly lambdas: number[];
}

/** Out-of-fold scores for each sample with a fixed λ. */
function outOfFold(
  samples: readonly TrainingSample[],
  folds: Map<string, number>,
  k: number,
  lambda: number,
): number[] {
  const scores = new Array<number>(samples.length).fill(Number.NaN);
  for (let f = 0; f < k; f++) {
    const train = samples.filter((s) => folds.get(s.client) !== f);
    const fit = fitLogistic(train, lambda);
    samples.forEach((s, i) => {
      if (folds.get(s.client) === f) scores[i] = predictLogistic(fit, s.x);
    });
  }
  return scores;
}

/** The λ of `grid` with the lowest client-disjoint cross-validated balanced log-loss (ties: the larger λ). */
export function chooseLambda(
  samples: readonly TrainingSample[],
  grid: readonly number[],
  k: number,
  seed: number,
): { lambda: number; losses: Record<string, number> } {
  const folds = clientFolds(
    samples.map((s) => s.client),
    k,
    seed,
  );
  const losses: Record<string, number> = {};
  let best = { lambda: grid[0]!, loss: Infinity };
  for (const lambda of [...grid].sort((a, b) => b - a)) {
    const loss = balancedLogLoss(
      outOfFold(samples, folds, k, lambda),
      samples.map((s) => s.live),
    );
    losses[String(lambda)] = loss;
    if (loss < best.loss) best = { lambda, loss };
  }
  return { lambda: best.lambda, losses };
}

/**
 * Nested client-disjoint cross-validation: k outer folds; in each, λ is chosen by (k−1)-fold CV on the outer
 * training clients alone, the model is fitted on them, and the held-out clients are scored.
 */
export function crossValidate(
  samples: readonly TrainingSample[],
  grid: readonly number[],
  k: number,
  seed: number,
): CrossValidation {
  const folds = clientFolds(
    samples.map((s) => s.client),
    k,
    seed,
  );
  const scores = new Array<number>(samples.length).fill(Number.NaN);
  const lambdas: number[] = [];
  for (let f = 0; f < k; f++) {
    const train = samples.filter((s) => folds.get(s.client) !== f);
    const { lambda } = chooseLambda(
      train,
      grid,
      Math.min(k - 1, new Set(train.map((s) => s.client)).size),
      seed + f + 1,
    );
    lambdas.push(lambda);
    const fit = fitLogistic(train, lambda);
    samples.forEach((s, i) => {
      if (folds.get(s.client) === f) scores[i] = predictLogistic(fit, s.x);
    });
  }
  return { scores, fold: samples.map((s) => folds.get(s.client)!), lambdas };
}
