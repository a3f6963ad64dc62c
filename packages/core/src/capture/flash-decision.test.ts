import { describe, expect, it } from 'vitest';
import type { FaceComparison, FaceFrameAnalysis, FaceTemplateRef } from '../verification/verification.ports.js';
import { chroma, flashColorRgb, flashStepNames, type FlashColor, type FlashStep } from './flash-response.js';
import { decideLiveness, type LivenessFrame } from './liveness-decision.js';

// The decision's `flash` mode over frames carrying face-region RGB: the skin colour plus a small part of the shown
// colour (the synthetic-image test in packages/server/src/engine/flash-response.synthetic.test.ts covers the detector
// on real fixture faces; this covers the decision's wiring: counts, order, timing, reason and evidence).

const engine = {
  compare(a: FaceTemplateRef, b: FaceTemplateRef): FaceComparison {
    const same = a.vector.every((v, i) => v === b.vector[i]);
    const similarity = same ? 1 : 0.2;
    const thresholds = { '1e-3': 0.5, '1e-4': 0.55, '1e-5': 0.6, '1e-6': 0.65 };
    const m = (t: number) => similarity >= t;
    return {
      similarity,
      confidence: same ? 99 : 1,
      thresholds,
      match: { '1e-3': m(0.5), '1e-4': m(0.55), '1e-5': m(0.6), '1e-6': m(0.65) },
    };
  },
};

const skin = [180, 130, 110] as const;

function face(rgb: readonly [number, number, number] | undefined): FaceFrameAnalysis {
  return {
    faceCount: 1,
    box: { x: 100, y: 100, width: 200, height: 200 },
    landmarks68: [],
    pose: { yaw: 0, pitch: 0, roll: 0 },
    eyeAspectRatio: 0.3,
    mouthAspectRatio: 0.02,
    template: { model: 'test', vector: [1, 1] },
    quality: { pass: true, reasons: [], score: 0.8 },
    liveness: { score: 0.9, threshold: 0.5, live: true },
    ...(rgb ? { faceRgb: rgb } : {}),
  };
}

const lit = (color: FlashColor | null, j: number): [number, number, number] => {
  const light = color ? flashColorRgb[color] : [0, 0, 0];
  // ±1 level of deterministic wobble so that no two frames are identical.
  return [0, 1, 2].map((c) => skin[c]! * (1 + (0.06 * light[c]!) / 255) + ((j * 7 + c * 3) % 3) - 1) as [
    number,
    number,
    number,
  ];
};

const sequence: FlashStep[] = [
  { color: 'red', durationMs: 500 },
  { color: 'cyan', durationMs: 600 },
  { color: 'blue', durationMs: 450 },
  { color: 'yellow', durationMs: 650 },
];

function frames(shown: (k: number) => FlashColor | null, options: { rgb?: boolean } = {}): LivenessFrame[] {
  const out: LivenessFrame[] = [{ ...face(lit(null, 0)), step: 'still', capturedAtMs: 0 }];
  let start = 300;
  for (let k = 0; k < sequence.length; k++) {
    for (let j = 0; j < 3; j++) {
      const rgb = options.rgb === false ? undefined : lit(shown(k), j + k);
      out.push({ ...face(rgb), step: flashStepNames[k]!, capturedAtMs: start + 130 + j * 97 + k });
    }
    start += sequence[k]!.durationMs;
  }
  return out;
}

const decide = (f: LivenessFrame[]) =>
  decideLiveness({ mode: 'flash', challenges: [], flash: sequence, frames: f }, engine);

describe('decideLiveness, flash mode', () => {
  it('passes a face whose colour follows the sequence, with the evidence', () => {
    const d = decide(frames((k) => sequence[k]!.color));
    expect(d.live).toBe(true);
    expect(d.challenges).toHaveLength(1);
    expect(d.challenges[0]).toMatchObject({ name: 'flash', passed: true });
    expect(d.challenges[0]!.evidence['correlation']).toBeGreaterThan(0.9);
  });

  it('fails liveness.challenge_failed (challenge flash) on the wrong order, no response and a late response', () => {
    for (const shown of [
      (k: number) => [...sequence].reverse()[k]!.color,
      () => null,
      (k: number) => sequence[Math.max(0, k - 1)]!.color,
    ]) {
      const d = decide(frames(shown));
      expect(d).toMatchObject({ live: false, reason: 'liveness.challenge_failed', details: { challenge: 'flash' } });
      expect(d.challenges[0]).toMatchObject({ name: 'flash', passed: false });
    }
  });

  it('needs frames for every colour step, in order, and the engine’s face colour', () => {
    const all = frames((k) => sequence[k]!.color);
    expect(decide(all.filter((f) => f.step !== 'flash_3'))).toMatchObject({ reason: 'liveness.too_few_frames' });
    const swapped = all.map((f) =>
      f.step === 'flash_1'
        ? { ...f, step: 'flash_2' as const }
        : f.step === 'flash_2'
          ? { ...f, step: 'flash_1' as const }
          : f,
    );
    expect(decide(swapped)).toMatchObject({ reason: 'liveness.timing', details: { problem: 'wrong_order' } });
    expect(decide(all.map((f) => (f.step === 'flash_1' ? { ...f, step: 'blink' as const } : f)))).toMatchObject({
      live: false,
    });
    expect(decide(frames((k) => sequence[k]!.color, { rgb: false }))).toMatchObject({
      reason: 'liveness.challenge_failed',
      details: { challenge: 'flash', problem: 'too_few_frames' },
    });
  });

  it('reports every signal that fired: a screen showing a face that neither passes nor reflects the colours', () => {
    const onScreen = frames(() => null).map((f) =>
      f.faceCount > 0 ? { ...f, liveness: { score: 0.2, threshold: 0.5, live: false } } : f,
    );
    const d = decide(onScreen);
    expect(d).toMatchObject({ live: false, reason: 'liveness.spoof' });
    expect(d.details).toMatchObject({ signals_fired: ['passive', 'flash'] });
    expect(d.signals.map((s) => [s.name, s.fired])).toEqual([
      ['passive', true],
      ['face_consistency', false],
      ['flash', true],
    ]);
    expect(d.signals[2]!.measures).toMatchObject({ problem: 'no_response', min_correlation: 0.7, min_shift: 0.004 });
    expect(d.challenges[0]).toMatchObject({ name: 'flash', passed: false, evidence: { problem: 'no_response' } });
  });

  it('chroma ignores brightness', () => {
    expect(chroma([100, 50, 50])).toEqual(chroma([200, 100, 100]));
  });
});
