import { describe, expect, it } from 'vitest';
import { apcerAtBpcer, padMetrics, videoSamples, type PadSample } from './pad-metrics.js';
import { nextUp } from './verification-metrics.js';

const live = (score: number): PadSample => ({ score, live: true });
const spoof = (score: number, attack?: string): PadSample =>
  attack === undefined ? { score, live: false } : { score, live: false, attack };

describe('padMetrics', () => {
  const samples = [
    live(0.9),
    live(0.8),
    live(0.3),
    live(-Infinity),
    spoof(0.6, 'print'),
    spoof(0.1, 'print'),
    spoof(0.95, 'replay'),
    spoof(0.2, 'replay'),
    spoof(0.05, 'replay'),
  ];

  it('computes APCER, BPCER and the per-species breakdown at the threshold', () => {
    const m = padMetrics(samples, 0.5);
    // Spoofs accepted: 0.6 (print) and 0.95 (replay) of 5. Live rejected: 0.3 and the missing face, of 4.
    expect(m.apcer).toBe(0.4);
    expect(m.bpcer).toBe(0.5);
    expect(m.apcerByAttack).toEqual({ print: 0.5, replay: 1 / 3 });
    expect(m.apcerWorst).toBe(0.5);
  });

  it('accepts a score equal to the threshold as live', () => {
    const m = padMetrics([live(0.5), spoof(0.5)], 0.5);
    expect(m.apcer).toBe(1);
    expect(m.bpcer).toBe(0);
  });

  it('computes the AUC with live as the positive class', () => {
    // Live > spoof pairs out of 4 × 5: 0.9 and 0.8 beat 4 spoofs each, 0.3 beats 3, -Infinity beats none → 11/20.
    expect(padMetrics(samples, 0.5).auc).toBe(11 / 20);
  });

  it('finds BPCER20 at the smallest threshold with APCER <= 5%', () => {
    const spoofs = Array.from({ length: 20 }, (_, i) => spoof(i / 20, 'print'));
    const m = padMetrics([...spoofs, live(0.95), live(0.92), live(0.9), live(0.5)], 0.5);
    // One spoof of 20 may pass: the threshold sits just above the second-highest spoof, 0.9.
    expect(m.bpcer20Threshold).toBe(nextUp(0.9));
    expect(m.bpcer20).toBe(0.5);
  });

  it('groups spoofs without a species', () => {
    expect(padMetrics([live(0.9), spoof(0.7), spoof(0.2, 'mask')], 0.5).apcerByAttack).toEqual({
      mask: 0,
      unspecified: 1,
    });
  });

  it('needs both classes', () => {
    expect(() => padMetrics([live(0.9)], 0.5)).toThrow(RangeError);
    expect(() => padMetrics([spoof(0.9)], 0.5)).toThrow(RangeError);
    expect(() => padMetrics([live(Number.NaN), spoof(0.1)], 0.5)).toThrow(RangeError);
  });
});

describe('videoSamples', () => {
  it('averages the frames of each video and keeps its label and attack', () => {
    const v = videoSamples([
      { score: 0.9, live: true, video: 'b' },
      { score: 0.5, live: true, video: 'b' },
      { score: 0.2, live: false, attack: 'print', video: 'a' },
      { score: 0.4, live: false, attack: 'print', video: 'a' },
      { score: 0.8, live: false, attack: 'replay', video: 'c' },
    ]);
    expect(v.map((x) => x.video)).toEqual(['a', 'b', 'c']);
    expect(v[0]).toMatchObject({ frames: 2, live: false, attack: 'print' });
    expect(v[0]!.score).toBeCloseTo(0.3, 12);
    expect(v[1]!.score).toBeCloseTo(0.7, 12);
    expect(v[2]).toMatchObject({ frames: 1, score: 0.8, attack: 'replay' });
  });

  it('rejects a video whose frame has no face, and refuses mixed labels', () => {
    const v = videoSamples([
      { score: 0.9, live: true, video: 'a' },
      { score: -Infinity, live: true, video: 'a' },
    ]);
    expect(v[0]!.score).toBe(-Infinity);
    expect(() =>
      videoSamples([
        { score: 0.9, live: true, video: 'a' },
        { score: 0.1, live: false, video: 'a' },
      ]),
    ).toThrow(RangeError);
  });
});

describe('apcerAtBpcer', () => {
  it('sets the threshold from the live scores so that at most the allowed share is rejected', () => {
    // 20 live scores 0.05 … 1.00: at BPCER ≤ 5 % one may fall below, so the threshold is the second lowest, 0.10.
    const lives = Array.from({ length: 20 }, (_, i) => live((i + 1) / 20));
    const op = apcerAtBpcer(
      [...lives, spoof(0.09, 'print'), spoof(0.1, 'print'), spoof(0.5, 'replay'), spoof(0.01, 'replay')],
      0.05,
    );
    expect(op.threshold).toBe(0.1);
    expect(op.bpcer).toBe(0.05);
    expect(op.apcerByAttack).toEqual({ print: 0.5, replay: 0.5 });
    expect(op.apcerWorst).toBe(0.5);
    expect(op.apcer).toBe(0.5);
  });

  it('with BPCER 0 keeps every live sample', () => {
    const op = apcerAtBpcer([live(0.3), live(0.7), spoof(0.29), spoof(0.3)], 0);
    expect(op.threshold).toBe(0.3);
    expect(op.bpcer).toBe(0);
    expect(op.apcer).toBe(0.5);
  });

  it('needs live samples and a rate in [0, 1)', () => {
    expect(() => apcerAtBpcer([spoof(0.1)], 0.05)).toThrow(RangeError);
    expect(() => apcerAtBpcer([live(0.1), spoof(0.1)], 1)).toThrow(RangeError);
  });
});
