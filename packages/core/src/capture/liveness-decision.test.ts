import { describe, expect, it } from 'vitest';
import type { FaceComparison, FaceFrameAnalysis, FaceTemplateRef } from '../verification/verification.ports.js';
import {
  decideLiveness,
  detectBlink,
  detectNod,
  detectOpenMouth,
  detectTurn,
  firedSignals,
  type LivenessChallenge,
  type LivenessFrame,
  type LivenessStep,
} from './liveness-decision.js';
import { blinkMinDrop, mouthOpenMinMar, nodMinPitch, turnMinReturn, turnMinYaw } from './liveness-thresholds.js';

// Synthetic landmark-derived sequences: each frame carries what the engine measures (EAR, MAR, pose, scores).
const person = (id: number): FaceTemplateRef => ({ model: 'test', vector: [id, 1] });

/** Same person = same vector: similarity 1 above the threshold, anything else 0.2 below it. */
const engine = {
  compare(a: FaceTemplateRef, b: FaceTemplateRef): FaceComparison {
    const same = a.vector.every((v, i) => v === b.vector[i]);
    const similarity = same ? 1 : 0.2;
    const thresholds = { '1e-3': 0.5, '1e-4': 0.55, '1e-5': 0.6, '1e-6': 0.65 };
    const match = {
      '1e-3': similarity >= 0.5,
      '1e-4': similarity >= 0.55,
      '1e-5': similarity >= 0.6,
      '1e-6': similarity >= 0.65,
    };
    return { similarity, confidence: same ? 99 : 1, thresholds, match };
  },
};

interface FaceSpec {
  ear?: number;
  mar?: number;
  yaw?: number;
  pitch?: number;
  live?: number;
  quality?: number;
  who?: number;
  faces?: number;
  /** The fused model's score, when the engine gave one. */
  fused?: number;
}

const OPEN_EAR = 0.3;
const CLOSED_EAR = 0.1;

function face(spec: FaceSpec = {}): FaceFrameAnalysis {
  const score = spec.live ?? 0.9;
  return {
    faceCount: spec.faces ?? 1,
    box: { x: 100, y: 100, width: 200, height: 200 },
    landmarks68: [],
    pose: { yaw: spec.yaw ?? 0, pitch: spec.pitch ?? 0, roll: 0 },
    eyeAspectRatio: spec.ear ?? OPEN_EAR,
    mouthAspectRatio: spec.mar ?? 0.02,
    template: person(spec.who ?? 1),
    quality: { pass: true, reasons: [], score: spec.quality ?? 0.8 },
    liveness: {
      score,
      threshold: 0.5,
      live: score >= 0.5,
      ...(spec.fused === undefined ? {} : { fused: { model: 'pad-fused@1', score: spec.fused, threshold: 0.57 } }),
    },
  };
}

/** Frames at a human-looking cadence: ~200 ms apart with a few ms of jitter. */
function sequence(steps: [LivenessStep, (FaceSpec | 'none')[]][], start = 0): LivenessFrame[] {
  let t = start;
  let k = 0;
  const frames: LivenessFrame[] = [];
  for (const [step, specs] of steps) {
    for (const spec of specs) {
      t += 200 + ((k++ * 7) % 11);
      frames.push(spec === 'none' ? { faceCount: 0, step, capturedAtMs: t } : { ...face(spec), step, capturedAtMs: t });
    }
    t += 600; // the prompt for the next step
  }
  return frames;
}

const still = (n: number, spec: FaceSpec = {}): LivenessFrame[] =>
  sequence([['still', Array.from({ length: n }, () => spec)]]);
const steady = (n = 5): FaceSpec[] => Array.from({ length: n }, () => ({}));
const blink: FaceSpec[] = [{}, {}, { ear: CLOSED_EAR }, {}, {}];
const mouth: FaceSpec[] = [{}, { mar: 0.5 }, { mar: 0.6 }, { mar: 0.55 }, {}];
const turnLeft: FaceSpec[] = [{ yaw: 0 }, { yaw: 12 }, { yaw: 25 }, { yaw: 10 }, { yaw: 2 }];
const turnRight: FaceSpec[] = turnLeft.map((f) => ({ yaw: -(f.yaw ?? 0) }));
const nod: FaceSpec[] = [{ pitch: 0 }, { pitch: -8 }, { pitch: -16 }, { pitch: -5 }, { pitch: 1 }];

const action = (challenges: LivenessChallenge[], frames: LivenessFrame[]) =>
  decideLiveness({ mode: 'action', challenges, frames }, engine);

describe('decideLiveness: still', () => {
  it('passes a live, steady face and reports the best frame and passive score', () => {
    const frames = still(5);
    frames[3] = {
      ...frames[3]!,
      ...face({ quality: 0.95, live: 0.8 }),
      step: 'still',
      capturedAtMs: frames[3]!.capturedAtMs,
    };
    const d = decideLiveness({ mode: 'still', challenges: [], frames }, engine);
    expect(d).toMatchObject({ live: true, frameCount: 5, bestFrameIndex: 3, bestQuality: 0.95, passiveThreshold: 0.5 });
    expect(d.reason).toBeUndefined();
    expect(d.passiveScore).toBe(0.9); // median of 0.8, 0.9, 0.9
    expect(d.challenges).toEqual([]);
  });

  it('refuses too few frames', () => {
    expect(decideLiveness({ mode: 'still', challenges: [], frames: still(2) }, engine)).toMatchObject({
      live: false,
      reason: 'liveness.too_few_frames',
    });
  });

  it('refuses frames without a face', () => {
    const frames = sequence([['still', ['none', 'none', 'none', 'none']]]);
    const d = decideLiveness({ mode: 'still', challenges: [], frames }, engine);
    expect(d).toMatchObject({ live: false, reason: 'liveness.no_face', bestFrameIndex: -1, passiveScore: null });
  });

  it('refuses a photo: the best frames score below the anti-spoofing threshold', () => {
    const d = decideLiveness({ mode: 'still', challenges: [], frames: still(5, { live: 0.1 }) }, engine);
    expect(d).toMatchObject({ live: false, reason: 'liveness.spoof', passiveScore: 0.1 });
  });

  it('judges the passive score on the best frames, not on one lucky frame', () => {
    const frames = sequence([['still', [{ live: 0.95, quality: 0.3 }, { live: 0.2 }, { live: 0.2 }, { live: 0.2 }]]]);
    expect(decideLiveness({ mode: 'still', challenges: [], frames }, engine).reason).toBe('liveness.spoof');
  });

  it('holds the fused score against its own threshold when the engine gives one: a replay the network passes fails', () => {
    const replay = decideLiveness(
      { mode: 'still', challenges: [], frames: still(5, { live: 0.9, fused: 0.2 }) },
      engine,
    );
    expect(replay).toMatchObject({ live: false, reason: 'liveness.spoof', passiveSignal: 'pad-fused@1' });
    expect(replay.details).toMatchObject({ passive_score: 0.2, threshold: 0.57, signal: 'pad-fused@1' });
    const person = decideLiveness(
      { mode: 'still', challenges: [], frames: still(5, { live: 0.3, fused: 0.8 }) },
      engine,
    );
    expect(person).toMatchObject({
      live: true,
      passiveScore: 0.8,
      passiveThreshold: 0.57,
      passiveSignal: 'pad-fused@1',
    });
  });

  it('falls back to the network alone unless every chosen frame has the same fused model', () => {
    const frames = sequence([['still', [{ fused: 0.9 }, { live: 0.2 }, { live: 0.2 }, { live: 0.2 }]]]);
    const d = decideLiveness({ mode: 'still', challenges: [], frames }, engine);
    expect(d).toMatchObject({ live: false, reason: 'liveness.spoof', passiveSignal: 'network' });
  });

  it('refuses a face swapped mid-way with liveness.face_replaced, naming the frame', () => {
    const frames = sequence([['still', [{}, {}, { who: 2 }, {}, {}]]]);
    const d = decideLiveness({ mode: 'still', challenges: [], frames }, engine);
    expect(d).toMatchObject({ live: false, reason: 'liveness.face_replaced', details: { frame: 2 } });
  });
});

describe('decideLiveness: timing', () => {
  const decide = (frames: LivenessFrame[]) => decideLiveness({ mode: 'still', challenges: [], frames }, engine);
  const at = (times: number[]) => times.map((t) => ({ ...face(), step: 'still' as const, capturedAtMs: t }));

  it('refuses timestamps identical to the millisecond', () => {
    expect(decide(at([0, 200, 400, 600, 800, 1000]))).toMatchObject({
      reason: 'liveness.timing',
      details: { problem: 'too_regular' },
    });
  });

  it('accepts a camera cadence with jitter', () => {
    expect(decide(at([0, 203, 398, 601, 805, 1000])).live).toBe(true);
  });

  it('refuses timestamps that go backwards or repeat', () => {
    expect(decide(at([0, 200, 190, 400])).details).toMatchObject({ problem: 'not_increasing', frame: 2 });
    expect(decide(at([0, 200, 200, 400])).details).toMatchObject({ problem: 'not_increasing' });
  });

  it('refuses frames faster than a camera page captures', () => {
    expect(decide(at([0, 5, 11, 18])).details).toMatchObject({ problem: 'too_fast' });
  });

  it('refuses a step that lasts too long', () => {
    expect(decide(at([0, 200, 30_000, 30_201])).details).toMatchObject({ problem: 'step_too_long' });
  });

  it('refuses steps out of the order asked', () => {
    const frames = sequence([
      ['turn_left', turnLeft],
      ['blink', blink],
    ]);
    expect(action(['blink', 'turn_left'], frames)).toMatchObject({
      reason: 'liveness.timing',
      details: { problem: 'wrong_order' },
    });
  });

  it('refuses a challenge step done in an instant', () => {
    const frames = sequence([['blink', blink]]).map((f, i) => ({ ...f, capturedAtMs: 1000 + i * 25 + (i % 2) }));
    expect(action(['blink'], frames).details).toMatchObject({ problem: 'step_too_short' });
  });
});

describe('decideLiveness: action challenges', () => {
  it('passes every challenge performed as asked, in order', () => {
    const frames = sequence([
      ['still', steady(3)],
      ['blink', blink],
      ['turn_left', turnLeft],
      ['open_mouth', mouth],
      ['nod', nod],
      ['turn_right', turnRight],
    ]);
    const d = action(['blink', 'turn_left', 'open_mouth', 'nod', 'turn_right'], frames);
    expect(d.reason).toBeUndefined();
    expect(d.live).toBe(true);
    expect(d.challenges.map((c) => [c.name, c.passed])).toEqual([
      ['blink', true],
      ['turn_left', true],
      ['open_mouth', true],
      ['nod', true],
      ['turn_right', true],
    ]);
    expect(d.challenges[0]!.evidence).toMatchObject({ closed_ear: CLOSED_EAR, open_before: OPEN_EAR });
  });

  it('fails a static face (a photo held still): nothing blinks, turns or opens', () => {
    const frames = sequence([
      ['blink', steady()],
      ['turn_left', steady()],
      ['open_mouth', steady()],
    ]);
    const d = action(['blink', 'turn_left', 'open_mouth'], frames);
    expect(d).toMatchObject({ live: false, reason: 'liveness.challenge_failed', details: { challenge: 'blink' } });
    expect(d.challenges.every((c) => !c.passed)).toBe(true);
  });

  it('fails the challenges performed in the wrong order (blink asked first, turn done first)', () => {
    const frames = sequence([
      ['blink', turnLeft],
      ['turn_left', blink],
    ]);
    const d = action(['blink', 'turn_left'], frames);
    expect(d.reason).toBe('liveness.challenge_failed');
    expect(d.challenges.map((c) => c.passed)).toEqual([false, false]);
  });

  it('fails a turn the wrong way and says so', () => {
    const d = action(['turn_left'], sequence([['turn_left', turnRight]]));
    expect(d.reason).toBe('liveness.challenge_failed');
    expect(d.challenges[0]).toMatchObject({ name: 'turn_left', passed: false, evidence: { wrong_direction: true } });
  });

  it('refuses a frame of a step that was not asked', () => {
    expect(
      action(
        ['blink'],
        sequence([
          ['blink', blink],
          ['nod', nod],
        ]),
      ).reason,
    ).toBe('liveness.challenge_failed');
  });

  it('needs enough frames with a face in each challenge step', () => {
    const frames = sequence([['blink', [{}, 'none', 'none', 'none', {}]]]);
    expect(action(['blink'], frames)).toMatchObject({ reason: 'liveness.no_face', details: { step: 'blink' } });
    expect(action(['blink'], sequence([['blink', [{}, {}]]])).reason).toBe('liveness.too_few_frames');
  });

  it('fails a face replaced between two challenges', () => {
    const frames = sequence([
      ['blink', blink],
      ['turn_left', turnLeft.map((f) => ({ ...f, who: 2 }))],
    ]);
    expect(action(['blink', 'turn_left'], frames)).toMatchObject({ reason: 'liveness.face_replaced' });
  });
});

describe('decideLiveness: signals', () => {
  const names = (d: { signals: readonly { name: string }[] }) => d.signals.map((s) => s.name);

  it('a pass evaluates every signal and reports none fired, with their numbers', () => {
    const d = decideLiveness({ mode: 'still', challenges: [], frames: still(5) }, engine);
    expect(d.live).toBe(true);
    expect(d.signals).toEqual([
      {
        name: 'passive',
        evaluated: true,
        fired: false,
        measures: { score: 0.9, threshold: 0.5, source: 'network', frames: 3 },
      },
      {
        name: 'face_consistency',
        evaluated: true,
        fired: false,
        measures: { min_similarity: 1, threshold: 0.55, frame: 1, mismatched_frames: 0, compared_frames: 4 },
      },
    ]);
    expect(firedSignals(d.signals)).toEqual([]);
    expect(d.details).toBeUndefined();

    const frames = sequence([
      ['blink', blink],
      ['turn_left', turnLeft],
    ]);
    const a = action(['blink', 'turn_left'], frames);
    expect(a.live).toBe(true);
    expect(a.signals.map((s) => [s.name, s.evaluated, s.fired])).toEqual([
      ['passive', true, false],
      ['face_consistency', true, false],
      ['challenge:blink', true, false],
      ['challenge:turn_left', true, false],
    ]);
    expect(a.signals[2]!.measures).toMatchObject({ closed_ear: CLOSED_EAR, min_drop: blinkMinDrop });
  });

  it('a session failing two signals at once reports both, in the stable order; the reason stays the first', () => {
    // A photo on a screen: low passive score, and it does not blink; the turn was done (by moving the screen).
    const frames = sequence([
      ['blink', steady().map(() => ({ live: 0.2 }))],
      ['turn_left', turnLeft.map((f) => ({ ...f, live: 0.2 }))],
    ]);
    const d = action(['blink', 'turn_left'], frames);
    expect(d).toMatchObject({ live: false, reason: 'liveness.spoof' });
    expect(d.details).toMatchObject({
      passive_score: 0.2,
      threshold: 0.5,
      signals_fired: ['passive', 'challenge:blink'],
    });
    expect(firedSignals(d.signals)).toEqual(['passive', 'challenge:blink']);
    expect(d.signals.map((s) => [s.name, s.fired])).toEqual([
      ['passive', true],
      ['face_consistency', false],
      ['challenge:blink', true],
      ['challenge:turn_left', false],
    ]);
    // The challenges were judged too, not left unchecked behind the spoof.
    expect(d.challenges.map((c) => [c.name, c.passed])).toEqual([
      ['blink', false],
      ['turn_left', true],
    ]);

    // The order is the decision's own: the face before the challenges, the challenges in the order asked.
    const swapped = sequence([
      ['turn_left', steady()],
      ['blink', blink.map((f, i) => ({ ...f, who: i === 2 ? 2 : 1 }))],
    ]);
    const e = action(['turn_left', 'blink'], swapped);
    expect(e).toMatchObject({ reason: 'liveness.face_replaced', details: { frame: 7, step: 'blink' } });
    expect(names(e)).toEqual(['passive', 'face_consistency', 'challenge:turn_left', 'challenge:blink']);
    expect(e.details?.['signals_fired']).toEqual(['face_consistency', 'challenge:turn_left']);
    expect(e.signals[1]!.measures).toEqual({
      min_similarity: 0.2,
      threshold: 0.55,
      frame: 7,
      mismatched_frames: 1,
      compared_frames: 9,
    });
  });

  it('a gatekeeper failure marks every signal not evaluated, not guessed', () => {
    const few = action(['blink', 'nod'], sequence([['blink', blink]]));
    expect(few.reason).toBe('liveness.too_few_frames');
    expect(few.signals).toEqual(
      ['passive', 'face_consistency', 'challenge:blink', 'challenge:nod'].map((name) => ({
        name,
        evaluated: false,
        fired: null,
        measures: {},
      })),
    );
    expect(few.details).not.toHaveProperty('signals_fired');
    expect(few.challenges.map((c) => c.evidence)).toEqual([{ checked: false }, { checked: false }]);

    // Scripted timestamps over frames of a printed photo: the passive score is not held against them.
    const scripted = still(5, { live: 0.1 }).map((f, i) => ({ ...f, capturedAtMs: i * 200 }));
    const timing = decideLiveness({ mode: 'still', challenges: [], frames: scripted }, engine);
    expect(timing.reason).toBe('liveness.timing');
    expect(timing.signals.every((s) => !s.evaluated && s.fired === null)).toBe(true);
    expect(firedSignals(timing.signals)).toEqual([]);

    const noFace = action(['blink'], sequence([['blink', [{}, 'none', 'none', 'none', {}]]]));
    expect(noFace.reason).toBe('liveness.no_face');
    expect(noFace.signals.map((s) => s.evaluated)).toEqual([false, false, false]);
  });

  it('face consistency with a single face frame is not evaluated (nothing to compare), the rest is', () => {
    const frames = sequence([['still', ['none', {}, 'none']]]);
    const d = decideLiveness({ mode: 'still', challenges: [], frames }, engine);
    expect(d.live).toBe(true);
    expect(d.signals).toEqual([
      expect.objectContaining({ name: 'passive', evaluated: true, fired: false }),
      { name: 'face_consistency', evaluated: false, fired: null, measures: { compared_frames: 0 } },
    ]);
  });
});

describe('challenge detectors', () => {
  const faces = (specs: FaceSpec[]) => specs.map(face);

  it('blink: a dip with recovery passes; no dip, too small a dip, or no recovery, fails', () => {
    expect(detectBlink(faces(blink)).passed).toBe(true);
    // As measured on Replay-Attack webcam frames: open 0.357, closed 0.232 (docs/liveness.md).
    expect(detectBlink(faces([{ ear: 0.357 }, { ear: 0.232 }, { ear: 0.355 }])).passed).toBe(true);
    expect(detectBlink(faces([{}, { ear: OPEN_EAR - blinkMinDrop - 0.01 }, { ear: 0.31 }])).passed).toBe(true);
    expect(detectBlink(faces(steady())).passed).toBe(false);
    // Landmark jitter of a still face (within-recording EAR range ≤ 0.054 on 99 % of replayed videos).
    expect(detectBlink(faces([{ ear: 0.33 }, { ear: 0.29 }, { ear: 0.34 }, { ear: 0.3 }])).passed).toBe(false);
    expect(detectBlink(faces([{}, {}, { ear: CLOSED_EAR }, { ear: CLOSED_EAR }])).passed).toBe(false); // never reopens
    expect(detectBlink(faces([{ ear: CLOSED_EAR }, {}, {}, {}])).passed).toBe(false); // never seen open before
    expect(detectBlink(faces([{}, {}])).passed).toBe(false);
  });

  it('open_mouth: at least two open frames above the closed mouth', () => {
    const all = faces([...steady(3), ...mouth]);
    expect(detectOpenMouth(faces(mouth), all).passed).toBe(true);
    const once = faces([{}, { mar: 0.6 }, {}]);
    expect(detectOpenMouth(once, [...faces(steady(3)), ...once]).passed).toBe(false);
    // A mouth that is open the whole time (a photo of an open mouth) shows no change.
    const always = faces(Array.from({ length: 5 }, () => ({ mar: mouthOpenMinMar + 0.1 })));
    expect(detectOpenMouth(always, always).passed).toBe(false);
  });

  it('turns: the asked direction, far enough, and back', () => {
    expect(detectTurn('turn_left', faces(turnLeft), [], 1).passed).toBe(true);
    expect(detectTurn('turn_right', faces(turnRight), [], -1).passed).toBe(true);
    expect(detectTurn('turn_right', faces(turnLeft), [], -1).passed).toBe(false);
    const small = faces([{ yaw: 0 }, { yaw: turnMinYaw - 3 }, { yaw: 0 }]);
    expect(detectTurn('turn_left', small, [], 1).passed).toBe(false);
    const stays = faces([{ yaw: 0 }, { yaw: 20 }, { yaw: 25 }, { yaw: 24 }]);
    expect(detectTurn('turn_left', stays, [], 1).passed).toBe(false);
    // The return may show in the next step's frames.
    expect(detectTurn('turn_left', stays, faces([{ yaw: 25 - turnMinReturn }]), 1).passed).toBe(true);
    expect(detectTurn('turn_left', stays, faces([{ yaw: 25 - turnMinReturn + 2 }]), 1).passed).toBe(false);
  });

  it('nod: down then up by the minimum pitch', () => {
    expect(detectNod(faces(nod)).passed).toBe(true);
    expect(detectNod(faces([{ pitch: 0 }, { pitch: -(nodMinPitch + 2) }, { pitch: -(nodMinPitch + 2) }])).passed).toBe(
      false,
    );
    expect(detectNod(faces([{ pitch: 0 }, { pitch: -4 }, { pitch: 0 }])).passed).toBe(false);
    expect(detectNod(faces([{ pitch: 0 }, { pitch: 15 }, { pitch: 0 }])).passed).toBe(false); // up then down
  });
});
