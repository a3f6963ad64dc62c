import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors.js';
import { nextUp } from '../evaluation/verification-metrics.js';
import { buildCalibration, confidenceOf, farLevels, parseCalibration, type Calibration } from './calibration.js';
import { mulberry32 } from '../testing/seeded-random.js';

const createdAt = '2025-01-01T00:00:00.000Z';
const grid = (n: number): number[] => Array.from({ length: n }, (_, i) => i / n);

const build = (impostor: number[], genuine: number[] = [0.9]): Calibration =>
  buildCalibration({ modelId: 'arcface-r100', dataset: 'lfw', genuine, impostor, createdAt });

/** Cosine-like impostor scores: Gaussian bulk (Box-Muller) clipped to [-1, 1]. */
function gaussianScores(seed: number, n: number, mean: number, sd: number): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    return Math.max(-1, Math.min(1, mean + sd * z));
  });
}

const expectEngineError = (fn: () => unknown): void => {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(EngineError);
  expect((caught as EngineError).code).toBe('calibration.invalid');
};

describe('buildCalibration', () => {
  it('records provenance and counts, including undetected pairs', () => {
    const cal = build([...grid(100), -Infinity], [0.9, 0.8, -Infinity]);
    expect(cal).toMatchObject({
      version: 1,
      model_id: 'arcface-r100',
      dataset: 'lfw',
      created_at: createdAt,
      counts: { genuine: 3, impostor: 101 },
    });
  });

  it('takes measured thresholds where the data supports them and extrapolates the rest', () => {
    const cal = build(grid(10_000));
    // 1e-3 · 10 000 = 10 impostors may pass: just above the 11th highest score, 0.9989; 10 000 >= 3 / 1e-3.
    expect(cal.thresholds['1e-3']).toEqual({ similarity: nextUp(0.9989), supported: true });
    // Exponential tail: top 100 scores above u = 0.9899, mean excess β = 50.5 / 10 000, q = 0.01,
    // so t(far) = u + β·ln(q / far). Uniform scores have a bounded tail, so this lands above the maximum.
    const beta = 50.5 / 10_000;
    for (const level of ['1e-4', '1e-5', '1e-6'] as const) {
      const t = cal.thresholds[level];
      expect(t.supported).toBe(false);
      expect(t.similarity).toBeCloseTo(0.9899 + beta * Math.log(0.01 / Number(level)), 9);
      expect(t.similarity).toBeGreaterThan(0.9999);
    }
  });

  it('never extrapolates below just above the largest impostor', () => {
    // A flat top (all excesses 0) makes the fitted tail collapse onto u; the empirical floor takes over.
    const cal = build([...Array(200).fill(0.3), 0.1]);
    for (const level of farLevels) expect(cal.thresholds[level].similarity).toBe(nextUp(0.3));
    expect(build([0.4]).thresholds['1e-6']).toEqual({ similarity: nextUp(0.4), supported: false });
  });

  it('anchors the confidence map at the median impostor and the FAR thresholds', () => {
    const cal = build(grid(10_000));
    const t = farLevels.map((level) => cal.thresholds[level].similarity);
    // Median of 0, 0.0001, …, 0.9999 by linear interpolation: halfway between 0.4999 and 0.5.
    expect(cal.confidence_map[0]?.similarity).toBeCloseTo(0.49995, 12);
    expect(cal.confidence_map.slice(1)).toEqual([
      { similarity: t[0], confidence: 60 },
      { similarity: t[1], confidence: 70 },
      { similarity: t[2], confidence: 80 },
      { similarity: t[3], confidence: 90 },
      { similarity: 2 * (t[3] as number) - (t[2] as number), confidence: 100 },
    ]);
  });

  it('rejects unusable input', () => {
    expect(() => build([-Infinity])).toThrow(RangeError);
    expect(() => build([])).toThrow(RangeError);
    expect(() => build([Number.NaN])).toThrow(RangeError);
    expect(() =>
      buildCalibration({ modelId: 'm', dataset: 'd', genuine: [], impostor: [0.1], createdAt: 'yesterday' }),
    ).toThrow(RangeError);
  });

  it('keeps thresholds ordered and the map monotone for arbitrary score sets', () => {
    const score = fc.oneof(
      { weight: 20, arbitrary: fc.double({ min: -1, max: 1, noNaN: true }) },
      { weight: 3, arbitrary: fc.constantFrom(0, 0.25, 0.5) },
      { weight: 1, arbitrary: fc.constant(-Infinity) },
    );
    fc.assert(
      fc.property(fc.double({ min: -1, max: 1, noNaN: true }), fc.array(score, { maxLength: 400 }), (first, rest) => {
        assertWellFormed(build([first, ...rest]));
      }),
    );
  });

  it('keeps thresholds ordered and the map monotone for large Gaussian-like score sets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 40_000 }),
        fc.double({ min: -0.2, max: 0.3, noNaN: true }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        (seed, n, mean, sd) => {
          assertWellFormed(build(gaussianScores(seed, n, mean, sd)));
        },
      ),
      { numRuns: 40 },
    );
  });
});

function assertWellFormed(cal: Calibration): void {
  const t = farLevels.map((level) => cal.thresholds[level].similarity);
  for (let i = 1; i < t.length; i++) expect(t[i]).toBeGreaterThanOrEqual(t[i - 1] as number);
  const map = cal.confidence_map;
  for (let i = 1; i < map.length; i++) {
    expect((map[i] as { similarity: number }).similarity).toBeGreaterThanOrEqual(map[i - 1]!.similarity);
    expect((map[i] as { confidence: number }).confidence).toBeGreaterThanOrEqual(map[i - 1]!.confidence);
  }
  // Survives its own validator after a JSON round trip, and confidenceOf is monotone along the similarity axis.
  const json: unknown = JSON.parse(JSON.stringify(cal));
  expect(parseCalibration(json, cal.model_id)).toEqual(json);
  const lo = map[0]!.similarity;
  const hi = map[map.length - 1]!.similarity;
  let previous = -1;
  for (let k = -2; k <= 102; k++) {
    const c = confidenceOf(cal, lo + ((hi - lo) * k) / 100);
    expect(c).toBeGreaterThanOrEqual(previous);
    expect(c).toBeGreaterThanOrEqual(0);
    expect(c).toBeLessThanOrEqual(100);
    previous = c;
  }
  for (const level of farLevels) {
    expect(confidenceOf(cal, cal.thresholds[level].similarity)).toBeGreaterThanOrEqual(
      { '1e-3': 60, '1e-4': 70, '1e-5': 80, '1e-6': 90 }[level],
    );
  }
}

describe('confidenceOf', () => {
  const cal: Calibration = {
    ...build(grid(100)),
    confidence_map: [
      { similarity: 0.1, confidence: 0 },
      { similarity: 0.4, confidence: 60 },
      { similarity: 0.5, confidence: 70 },
      { similarity: 0.6, confidence: 80 },
      { similarity: 0.6, confidence: 90 },
      { similarity: 0.6, confidence: 100 },
    ],
  };

  it('interpolates between anchors and rounds to one decimal', () => {
    expect(confidenceOf(cal, 0.1)).toBe(0);
    expect(confidenceOf(cal, 0.25)).toBe(30);
    expect(confidenceOf(cal, 0.4)).toBe(60);
    expect(confidenceOf(cal, 0.45)).toBe(65);
    expect(confidenceOf(cal, 0.4123)).toBe(61.2);
  });

  it('clamps outside the anchors and takes the top of a vertical step', () => {
    expect(confidenceOf(cal, -Infinity)).toBe(0);
    expect(confidenceOf(cal, -1)).toBe(0);
    expect(confidenceOf(cal, 0.6 - 1e-9)).toBe(80);
    expect(confidenceOf(cal, 0.6)).toBe(100);
    expect(confidenceOf(cal, 1)).toBe(100);
    expect(() => confidenceOf(cal, Number.NaN)).toThrow(RangeError);
  });
});

describe('parseCalibration', () => {
  const valid = (): Record<string, unknown> => JSON.parse(JSON.stringify(build(grid(1000)))) as Record<string, unknown>;

  it('accepts what buildCalibration writes', () => {
    const json = valid();
    expect(parseCalibration(json, 'arcface-r100')).toEqual(json);
    expect(parseCalibration(json)).toEqual(json);
  });

  it('drops unknown fields', () => {
    expect(parseCalibration({ ...valid(), extra: 1 })).not.toHaveProperty('extra');
  });

  it('rejects a calibration made for another model', () => {
    expectEngineError(() => parseCalibration(valid(), 'facenet-512'));
    try {
      parseCalibration(valid(), 'facenet-512');
    } catch (error) {
      expect((error as EngineError).details).toMatchObject({ expected: 'facenet-512', actual: 'arcface-r100' });
    }
  });

  it.each([
    ['null', () => null],
    ['an array', () => []],
    ['a string', () => '{}'],
    ['another version', () => ({ ...valid(), version: 2 })],
    ['an empty model id', () => ({ ...valid(), model_id: '' })],
    ['a missing dataset', () => ({ ...valid(), dataset: undefined })],
    ['a bad timestamp', () => ({ ...valid(), created_at: 'soon' })],
    ['negative counts', () => ({ ...valid(), counts: { genuine: -1, impostor: 10 } })],
    ['fractional counts', () => ({ ...valid(), counts: { genuine: 1.5, impostor: 10 } })],
    [
      'a missing FAR level',
      () => ({ ...valid(), thresholds: { ...(valid().thresholds as object), '1e-5': undefined } }),
    ],
    [
      'a string threshold',
      () => ({
        ...valid(),
        thresholds: { ...(valid().thresholds as object), '1e-3': { similarity: '0.5', supported: true } },
      }),
    ],
    [
      'a non-boolean supported flag',
      () => ({
        ...valid(),
        thresholds: { ...(valid().thresholds as object), '1e-3': { similarity: 0.5, supported: 'yes' } },
      }),
    ],
    [
      'thresholds that fall as the FAR falls',
      () => ({
        ...valid(),
        thresholds: { ...(valid().thresholds as object), '1e-6': { similarity: -0.5, supported: false } },
      }),
    ],
    ['a one-anchor map', () => ({ ...valid(), confidence_map: [{ similarity: 0, confidence: 0 }] })],
    [
      'a map whose similarity falls',
      () => ({
        ...valid(),
        confidence_map: [
          { similarity: 0.5, confidence: 0 },
          { similarity: 0.4, confidence: 60 },
        ],
      }),
    ],
    [
      'a map whose confidence falls',
      () => ({
        ...valid(),
        confidence_map: [
          { similarity: 0.4, confidence: 60 },
          { similarity: 0.5, confidence: 50 },
        ],
      }),
    ],
    [
      'a confidence above 100',
      () => ({
        ...valid(),
        confidence_map: [
          { similarity: 0.4, confidence: 0 },
          { similarity: 0.5, confidence: 101 },
        ],
      }),
    ],
    [
      'a null similarity (how JSON writes -Infinity)',
      () => ({
        ...valid(),
        confidence_map: [
          { similarity: null, confidence: 0 },
          { similarity: 0.5, confidence: 100 },
        ],
      }),
    ],
  ])('rejects %s', (_name, make) => {
    expectEngineError(() => parseCalibration(make()));
  });
});
