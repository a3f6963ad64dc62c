import { describe, expect, it } from 'vitest';
import type { Box, FivePoints, Point, RgbImage } from '../image/rgb-image.js';
import {
  assessQuality,
  defaultQualityThresholds,
  estimatePose,
  faceCropGrey,
  laplacianVariance,
  meanLuma,
} from './face-quality.js';

const TEMPLATE: FivePoints = [
  { x: 38.2946, y: 51.6963 },
  { x: 73.5318, y: 51.5014 },
  { x: 56.0252, y: 71.7366 },
  { x: 41.5493, y: 92.3655 },
  { x: 70.7299, y: 92.2041 },
];

const mapPoints = (points: FivePoints, f: (p: Point) => Point): FivePoints => points.map(f) as unknown as FivePoints;

function rotate(points: FivePoints, degrees: number, cx = 56, cy = 56): FivePoints {
  const a = (degrees * Math.PI) / 180;
  return mapPoints(points, ({ x, y }) => ({
    x: cx + (x - cx) * Math.cos(a) - (y - cy) * Math.sin(a),
    y: cy + (x - cx) * Math.sin(a) + (y - cy) * Math.cos(a),
  }));
}

/** Template lifted to 3D (nose 0.5·IOD in front of the eye/mouth plane), rotated, projected orthographically. */
function project3d(yawDeg: number, pitchDeg: number): FivePoints {
  const iod = TEMPLATE[1].x - TEMPLATE[0].x;
  const yaw = (yawDeg * Math.PI) / 180;
  const pitch = (pitchDeg * Math.PI) / 180;
  return TEMPLATE.map((p, i) => {
    const x0 = p.x - 56;
    const y0 = p.y - 70;
    const z0 = i === 2 ? 0.5 * iod : 0; // z points toward the camera
    const x = x0 * Math.cos(yaw) + z0 * Math.sin(yaw);
    const z = -x0 * Math.sin(yaw) + z0 * Math.cos(yaw);
    return { x: 200 + x, y: 200 + y0 * Math.cos(pitch) - z * Math.sin(pitch) };
  }) as unknown as FivePoints;
}

function greyToRgb(grey: ArrayLike<number>, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.fill(Math.round(grey[i]!), i * 3, i * 3 + 3);
  return { width, height, data };
}

function uniform(width: number, height: number, r: number, g = r, b = r): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set([r, g, b], i * 3);
  return { width, height, data };
}

/** Deterministic pseudo-random texture (LCG) around `mean` with amplitude `amp`. */
function noise(width: number, height: number, mean: number, amp: number, seed = 1): Float32Array {
  const out = new Float32Array(width * height);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = mean + amp * (s / 2 ** 32 - 0.5) * 2;
  }
  return out;
}

function boxBlur(grey: Float32Array, width: number, height: number, radius: number): Float32Array {
  const out = new Float32Array(grey.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      let n = 0;
      for (let dy = -radius; dy <= radius; dy++) {
        for (let dx = -radius; dx <= radius; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
          sum += grey[yy * width + xx]!;
          n++;
        }
      }
      out[y * width + x] = sum / n;
    }
  }
  return out;
}

const FACE_BOX: Box = { x1: 0, y1: 0, x2: 112, y2: 112 };

describe('laplacianVariance', () => {
  it('is 0 for a flat image and for a linear ramp', () => {
    expect(laplacianVariance(new Uint8Array(25).fill(77), 5, 5)).toBe(0);
    const ramp = Float32Array.from({ length: 36 }, (_, i) => 3 * (i % 6) + 2 * Math.floor(i / 6));
    expect(laplacianVariance(ramp, 6, 6)).toBeCloseTo(0, 9);
  });

  it('matches hand-computed values', () => {
    // 4x4 0/255 checkerboard: the 4 interior Laplacians are ±4·255, mean 0.
    const checker = Uint8Array.from({ length: 16 }, (_, i) => (((i % 4) + Math.floor(i / 4)) % 2 ? 255 : 0));
    expect(laplacianVariance(checker, 4, 4)).toBe(1020 ** 2);
    // 5x5 with a single 9 in the centre: interior Laplacians are -36, four 9s and four 0s → (1296 + 324) / 9.
    const dot = new Uint8Array(25);
    dot[12] = 9;
    expect(laplacianVariance(dot, 5, 5)).toBeCloseTo(180, 9);
  });

  it('is large for a checkerboard and drops when the image is blurred', () => {
    const checker = Float32Array.from({ length: 64 * 64 }, (_, i) => (((i % 64) + Math.floor(i / 64)) % 2 ? 200 : 50));
    expect(laplacianVariance(checker, 64, 64)).toBeGreaterThan(100_000);

    const sharp = noise(112, 112, 128, 60);
    const blurred = boxBlur(sharp, 112, 112, 2);
    const vSharp = laplacianVariance(sharp, 112, 112);
    const vBlurred = laplacianVariance(blurred, 112, 112);
    expect(vBlurred).toBeLessThan(vSharp / 10);
  });

  it('is 0 below 3x3 and rejects a short buffer', () => {
    expect(laplacianVariance(new Uint8Array([0, 255, 0, 255]), 2, 2)).toBe(0);
    expect(() => laplacianVariance(new Uint8Array(8), 3, 3)).toThrow(RangeError);
  });
});

describe('meanLuma', () => {
  it('is the value of a uniform image', () => {
    expect(meanLuma(new Uint8Array(100).fill(42))).toBe(42);
    expect(meanLuma(new Float32Array([10, 20, 30, 40]))).toBe(25);
  });
});

describe('faceCropGrey', () => {
  it('returns size² luma values using 0.299R + 0.587G + 0.114B', () => {
    const crop = faceCropGrey(uniform(50, 40, 200, 100, 50), { x1: 5, y1: 5, x2: 30, y2: 35 }, 16);
    expect(crop).toHaveLength(256);
    for (const v of crop) expect(v).toBeCloseTo(0.299 * 200 + 0.587 * 100 + 0.114 * 50, 3);
  });

  it('is the identity at scale 1 and clamps the box to the image', () => {
    const grey = noise(20, 20, 128, 100);
    const img = greyToRgb(grey, 20, 20);
    const crop = faceCropGrey(img, { x1: 4, y1: 6, x2: 12, y2: 14 }, 8);
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) expect(crop[y * 8 + x]).toBeCloseTo(Math.round(grey[(y + 6) * 20 + x + 4]!), 3);
    }
    const clamped = faceCropGrey(img, { x1: -10, y1: -10, x2: 8, y2: 8 }, 8);
    expect(Array.from(clamped)).toEqual(Array.from(faceCropGrey(img, { x1: 0, y1: 0, x2: 8, y2: 8 }, 8)));
  });

  it('gives a sharpness that does not depend on the face pixel size', () => {
    const render = (scale: number): RgbImage => {
      const n = 112 * scale;
      const grey = new Float32Array(n * n);
      for (let y = 0; y < n; y++) {
        for (let x = 0; x < n; x++) {
          const u = (x + 0.5) / scale;
          const v = (y + 0.5) / scale;
          grey[y * n + x] = 128 + 60 * Math.sin(u / 2.5) * Math.cos(v / 3.5);
        }
      }
      return greyToRgb(grey, n, n);
    };
    const at = (scale: number) =>
      laplacianVariance(faceCropGrey(render(scale), { x1: 0, y1: 0, x2: 112 * scale, y2: 112 * scale }), 112, 112);
    const base = at(1);
    expect(at(4) / base).toBeGreaterThan(0.85);
    expect(at(4) / base).toBeLessThan(1.15);
  });

  it('rejects a box outside the image', () => {
    expect(() => faceCropGrey(uniform(10, 10, 0), { x1: 20, y1: 20, x2: 30, y2: 30 })).toThrow(RangeError);
  });
});

describe('estimatePose', () => {
  it('is ~0/0/0 on the ArcFace template, at any scale and position', () => {
    for (const pts of [TEMPLATE, mapPoints(TEMPLATE, ({ x, y }) => ({ x: 3 * x + 100, y: 3 * y + 40 }))]) {
      const pose = estimatePose(pts);
      expect(Math.abs(pose.yaw)).toBeLessThan(0.5);
      expect(Math.abs(pose.pitch)).toBeLessThan(0.5);
      expect(Math.abs(pose.roll)).toBeLessThan(0.5);
    }
  });

  it('reads a 20° clockwise (on screen) rotation as roll ≈ +20 and leaves yaw/pitch alone', () => {
    const pose = estimatePose(rotate(TEMPLATE, 20));
    expect(pose.roll).toBeCloseTo(20, 0);
    expect(Math.abs(pose.yaw)).toBeLessThan(0.5);
    expect(Math.abs(pose.pitch)).toBeLessThan(0.5);
    expect(estimatePose(rotate(TEMPLATE, -20)).roll).toBeCloseTo(-20, 0);
  });

  it('gives positive yaw when the nose moves toward image-right, negative toward image-left', () => {
    const shifted = (dx: number): FivePoints =>
      mapPoints(TEMPLATE, (p) => (p === TEMPLATE[2] ? { x: p.x + dx, y: p.y } : p));
    expect(estimatePose(shifted(6)).yaw).toBeGreaterThan(10);
    expect(estimatePose(shifted(-6)).yaw).toBeLessThan(-10);
    expect(Math.abs(estimatePose(shifted(6)).pitch)).toBeLessThan(0.5);
    // Same yaw once the whole face is rolled.
    expect(estimatePose(rotate(shifted(6), 15)).yaw).toBeCloseTo(estimatePose(shifted(6)).yaw, 6);
  });

  it('gives positive pitch when the nose moves toward the eye line', () => {
    const shifted = (dy: number): FivePoints =>
      mapPoints(TEMPLATE, (p) => (p === TEMPLATE[2] ? { x: p.x, y: p.y + dy } : p));
    expect(estimatePose(shifted(-5)).pitch).toBeGreaterThan(10);
    expect(estimatePose(shifted(5)).pitch).toBeLessThan(-10);
  });

  it('recovers yaw and pitch of the 3D model it assumes', () => {
    for (const [yaw, pitch] of [
      [20, 0],
      [-35, 0],
      [0, 15],
      [0, -20],
      [15, 10],
    ] as const) {
      const pose = estimatePose(project3d(yaw, pitch));
      expect(pose.yaw).toBeCloseTo(yaw, 0);
      expect(pose.pitch).toBeCloseTo(pitch, 0);
    }
  });
});

describe('assessQuality', () => {
  const textured = greyToRgb(noise(112, 112, 128, 60), 112, 112);

  it('passes a large, sharp, well-lit, frontal face', () => {
    const q = assessQuality(textured, FACE_BOX, TEMPLATE);
    expect(q.pass).toBe(true);
    expect(q.reasons).toEqual([]);
    expect(q.face_size).toEqual({ value: 112, pass: true });
    expect(q.sharpness.pass).toBe(true);
    expect(q.brightness.pass).toBe(true);
    expect(q.brightness.value).toBeGreaterThan(110);
    expect(q.pose.pass).toBe(true);
    expect(q.pose.reason).toBeUndefined();
  });

  it('fails a dark image with too_dark', () => {
    const q = assessQuality(uniform(112, 112, 20), FACE_BOX, TEMPLATE);
    expect(q.brightness).toEqual({ value: 20, pass: false, reason: 'too_dark' });
    expect(q.pass).toBe(false);
    expect(q.reasons).toContain('too_dark');
  });

  it('fails a washed-out image with too_bright and a flat one with blurry', () => {
    const q = assessQuality(uniform(112, 112, 240), FACE_BOX, TEMPLATE);
    expect(q.brightness.reason).toBe('too_bright');
    expect(q.sharpness).toEqual({ value: 0, pass: false, reason: 'blurry' });
    expect(q.reasons).toEqual(['too_bright', 'blurry']);
  });

  it('fails a small box with too_small', () => {
    const small: Box = { x1: 10, y1: 10, x2: 50, y2: 60 };
    const pts = mapPoints(TEMPLATE, ({ x, y }) => ({ x: 10 + (x * 40) / 112, y: 10 + (y * 50) / 112 }));
    const q = assessQuality(textured, small, pts);
    expect(q.face_size).toEqual({ value: 40, pass: false, reason: 'too_small' });
    expect(q.reasons[0]).toBe('too_small');
  });

  it('names the worst pose axis', () => {
    const turned = assessQuality(textured, FACE_BOX, project3d(45, 0));
    expect(turned.pose.pass).toBe(false);
    expect(turned.pose.reason).toBe('turned_sideways');
    expect(turned.reasons).toEqual(['turned_sideways']);

    const tilted = assessQuality(textured, FACE_BOX, rotate(TEMPLATE, -40));
    expect(tilted.pose.reason).toBe('tilted');
    expect(tilted.pose.roll).toBeCloseTo(-40, 0);

    const up = assessQuality(textured, FACE_BOX, project3d(0, 35));
    expect(up.pose.reason).toBe('looking_up_or_down');
  });

  it('respects custom thresholds', () => {
    const q = assessQuality(textured, FACE_BOX, TEMPLATE, { ...defaultQualityThresholds, minFaceSize: 200 });
    expect(q.reasons).toEqual(['too_small']);
  });

  it('produces plain JSON-safe output', () => {
    const q = assessQuality(textured, FACE_BOX, rotate(TEMPLATE, 10));
    expect(JSON.parse(JSON.stringify(q))).toEqual(q);
    expect(Object.keys(q)).toEqual(['face_size', 'sharpness', 'brightness', 'pose', 'pass', 'reasons']);
  });
});
