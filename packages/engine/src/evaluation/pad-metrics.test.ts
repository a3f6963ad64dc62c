import { describe, expect, it } from 'vitest';
import { padMetrics, type PadSample } from './pad-metrics.js';
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
