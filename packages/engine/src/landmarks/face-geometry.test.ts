import { describe, expect, it } from 'vitest';
import type { Point } from '../image/rgb-image.js';
import { mulberry32 as seededRandom } from '../testing/seeded-random.js';
import { eyeAspectRatio, eyesAspectRatio, headModel, headPose, mouthAspectRatio } from './face-geometry.js';

type M3 = number[][];
const mul = (a: M3, b: M3): M3 => a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const rad = (d: number) => (d * Math.PI) / 180;
const rx = (a: number): M3 => [
  [1, 0, 0],
  [0, Math.cos(a), -Math.sin(a)],
  [0, Math.sin(a), Math.cos(a)],
];
const ry = (a: number): M3 => [
  [Math.cos(a), 0, Math.sin(a)],
  [0, 1, 0],
  [-Math.sin(a), 0, Math.cos(a)],
];
const rz = (a: number): M3 => [
  [Math.cos(a), -Math.sin(a), 0],
  [Math.sin(a), Math.cos(a), 0],
  [0, 0, 1],
];

/** The head model posed (degrees, in headPose's conventions) and projected at 2.5 px/mm around (320, 240). */
function project(yaw: number, pitch: number, roll: number, noise = 0, random = seededRandom(7)): Point[] {
  const R = mul(rz(rad(roll)), mul(ry(rad(-yaw)), rx(rad(-pitch))));
  const pts: Point[] = Array.from({ length: 68 }, () => ({ x: 0, y: 0 }));
  for (const m of headModel) {
    const v = [m.x, m.y, m.z];
    const c = R.map((row) => row.reduce((s, r, k) => s + r * v[k]!, 0));
    pts[m.index] = { x: 320 + 2.5 * c[0]! + noise * (random() - 0.5), y: 240 + 2.5 * c[1]! + noise * (random() - 0.5) };
  }
  return pts;
}

describe('headPose', () => {
  it('reads a frontal face as 0, 0, 0', () => {
    const p = headPose(project(0, 0, 0));
    expect(Math.abs(p.yaw)).toBeLessThan(1e-6);
    expect(Math.abs(p.pitch)).toBeLessThan(1e-6);
    expect(Math.abs(p.roll)).toBeLessThan(1e-6);
  });

  for (const [yaw, pitch, roll] of [
    [20, 0, 0],
    [-35, 0, 0],
    [0, 15, 0],
    [0, -20, 0],
    [0, 0, 12],
    [25, -10, 5],
    [-15, 20, -8],
  ] as const) {
    it(`recovers yaw ${yaw}°, pitch ${pitch}°, roll ${roll}°`, () => {
      const p = headPose(project(yaw, pitch, roll));
      expect(p.yaw).toBeCloseTo(yaw, 3);
      expect(p.pitch).toBeCloseTo(pitch, 3);
      expect(p.roll).toBeCloseTo(roll, 3);
    });
  }

  it('stays within 3° with a pixel of landmark noise', () => {
    const random = seededRandom(11);
    for (let k = 0; k < 20; k++) {
      const p = headPose(project(20, -10, 5, 2, random));
      expect(Math.abs(p.yaw - 20)).toBeLessThan(3);
      expect(Math.abs(p.pitch + 10)).toBeLessThan(3);
      expect(Math.abs(p.roll - 5)).toBeLessThan(3);
    }
  });

  it('signs: nose toward the image right is yaw > 0, nose up is pitch > 0, image-right eye lower is roll > 0', () => {
    const turned = project(20, 0, 0);
    const eyesMid = (turned[36]!.x + turned[45]!.x) / 2;
    expect(turned[30]!.x).toBeGreaterThan(eyesMid);
    expect(headPose(turned).yaw).toBeGreaterThan(0);

    const up = project(0, 15, 0);
    const front = project(0, 0, 0);
    expect(up[30]!.y - up[27]!.y).toBeLessThan(front[30]!.y - front[27]!.y);
    expect(headPose(up).pitch).toBeGreaterThan(0);

    const tilted = project(0, 0, 10);
    expect(tilted[45]!.y).toBeGreaterThan(tilted[36]!.y);
    expect(headPose(tilted).roll).toBeGreaterThan(0);
  });

  it('does not depend on scale or position', () => {
    const a = headPose(project(18, 7, -4));
    const b = headPose(project(18, 7, -4).map((p) => ({ x: p.x * 0.3 + 11, y: p.y * 0.3 - 40 })));
    expect(b.yaw).toBeCloseTo(a.yaw, 6);
    expect(b.pitch).toBeCloseTo(a.pitch, 6);
  });

  it('refuses too few points and degenerate ones', () => {
    expect(() => headPose([{ x: 0, y: 0 }])).toThrow(RangeError);
    expect(() => headPose(Array.from({ length: 68 }, () => ({ x: 5, y: 5 })))).toThrow(RangeError);
  });
});

describe('eye and mouth aspect ratios', () => {
  const eye = (h: number) =>
    [
      { x: 0, y: 0 },
      { x: 10, y: -h },
      { x: 20, y: -h },
      { x: 30, y: 0 },
      { x: 20, y: h },
      { x: 10, y: h },
    ] as const;

  it('EAR is lid opening over eye width', () => {
    expect(eyeAspectRatio(eye(4.5))).toBeCloseTo(0.3, 6); // (9 + 9) / (2 * 30)
    expect(eyeAspectRatio(eye(0))).toBe(0);
  });

  it('averages both eyes and measures the mouth from the inner lips', () => {
    const pts: Point[] = Array.from({ length: 68 }, () => ({ x: 0, y: 0 }));
    eye(4.5).forEach((p, i) => (pts[36 + i] = p));
    eye(1.5).forEach((p, i) => (pts[42 + i] = { x: p.x + 60, y: p.y }));
    expect(eyesAspectRatio(pts)).toBeCloseTo((0.3 + 0.1) / 2, 6);
    // Inner mouth 40 px wide, open 20 px at the three vertical pairs.
    pts[60] = { x: 0, y: 100 };
    pts[64] = { x: 40, y: 100 };
    for (const [top, bottom, x] of [
      [61, 67, 10],
      [62, 66, 20],
      [63, 65, 30],
    ] as const) {
      pts[top] = { x, y: 90 };
      pts[bottom] = { x, y: 110 };
    }
    expect(mouthAspectRatio(pts)).toBeCloseTo(0.5, 6);
  });
});
