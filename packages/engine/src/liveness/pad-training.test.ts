import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../testing/seeded-random.js';
import {
  balancedLogLoss,
  chooseLambda,
  clientFolds,
  crossValidate,
  fitLogistic,
  predictLogistic,
  standardisation,
  type TrainingSample,
} from './pad-training.js';

/** Two Gaussian classes in 3-D, separated along the first axis; the other two axes are noise. */
function synthetic(seed: number, perClient = 6, clients = 10): TrainingSample[] {
  const random = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const out: TrainingSample[] = [];
  for (let c = 0; c < clients; c++) {
    for (let i = 0; i < perClient; i++) {
      const live = i % 3 === 0; // 1 live : 2 spoof, as in Replay-Attack
      out.push({ x: [(live ? 2 : -2) + gauss(), gauss(), 5 + 3 * gauss()], live, client: `c${c}` });
    }
  }
  return out;
}

describe('standardisation', () => {
  it('gives each feature mean 0 and scale 1, and a constant feature scale 1', () => {
    const { mean, scale } = standardisation([
      [1, 5],
      [3, 5],
    ]);
    expect(mean).toEqual([2, 5]);
    expect(scale).toEqual([1, 1]);
  });
});

describe('fitLogistic', () => {
  it('learns the informative feature and separates held-out data', () => {
    const fit = fitLogistic(synthetic(1), 1);
    expect(fit.weights[0]!).toBeGreaterThan(1);
    expect(Math.abs(fit.weights[1]!)).toBeLessThan(Math.abs(fit.weights[0]!) / 3);
    const test = synthetic(2);
    const correct = test.filter((s) => predictLogistic(fit, s.x) >= 0.5 === s.live).length;
    expect(correct / test.length).toBeGreaterThan(0.95);
  });

  it('balances the classes: the decision boundary sits midway although spoofs outnumber live 2:1', () => {
    const fit = fitLogistic(synthetic(3, 30, 20), 1);
    const p = predictLogistic(fit, [0, 0, 5]);
    expect(p).toBeGreaterThan(0.3);
    expect(p).toBeLessThan(0.7);
  });

  it('shrinks the weights as lambda grows, and is deterministic', () => {
    const data = synthetic(4);
    const small = fitLogistic(data, 0.1);
    const large = fitLogistic(data, 1000);
    expect(Math.abs(large.weights[0]!)).toBeLessThan(Math.abs(small.weights[0]!));
    expect(fitLogistic(data, 0.1)).toEqual(small);
  });

  it('needs both classes', () => {
    expect(() => fitLogistic([{ x: [1], live: true, client: 'a' }], 1)).toThrow(RangeError);
  });
});

describe('clientFolds', () => {
  it('deals every client to one fold, evenly, the same way for the same seed', () => {
    const clients = Array.from({ length: 15 }, (_, i) => `client${i}`);
    const a = clientFolds([...clients, ...clients], 5, 42);
    expect(a.size).toBe(15);
    const sizes = [0, 0, 0, 0, 0];
    for (const f of a.values()) sizes[f]!++;
    expect(sizes).toEqual([3, 3, 3, 3, 3]);
    expect(clientFolds([...clients].reverse(), 5, 42)).toEqual(a);
    expect([...clientFolds(clients, 5, 43)]).not.toEqual([...a]);
    expect(() => clientFolds(['a', 'b'], 5, 1)).toThrow(RangeError);
  });
});

describe('crossValidate', () => {
  it('scores every sample out of fold and never trains on a held-out client', () => {
    const data = synthetic(5);
    const cv = crossValidate(data, [1, 100], 5, 9);
    expect(cv.scores.every((s) => s > 0 && s < 1)).toBe(true);
    expect(cv.lambdas).toHaveLength(5);
    // All frames of one client share a fold.
    const foldOf = new Map<string, number>();
    data.forEach((s, i) => {
      expect(foldOf.get(s.client) ?? cv.fold[i]).toBe(cv.fold[i]);
      foldOf.set(s.client, cv.fold[i]!);
    });
    // A client whose labels are inverted cannot be learned from the others: held out, it scores badly.
    const poisoned = data.map((s) => (s.client === 'c0' ? { ...s, live: !s.live } : s));
    const cv2 = crossValidate(poisoned, [1], 5, 9);
    const c0 = poisoned.flatMap((s, i) => (s.client === 'c0' ? [cv2.scores[i]! >= 0.5 === s.live] : []));
    expect(c0.filter(Boolean).length).toBe(0);
  });

  it('picks the lambda with the lowest balanced log-loss', () => {
    const { lambda, losses } = chooseLambda(synthetic(6), [0.01, 1e6], 5, 1);
    expect(losses['1000000']!).toBeGreaterThan(losses['0.01']!);
    expect(lambda).toBe(0.01);
    expect(balancedLogLoss([0.5, 0.5], [true, false])).toBeCloseTo(Math.log(2), 12);
  });
});
