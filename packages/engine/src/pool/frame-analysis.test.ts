import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The pool's workers run compiled code, so these tests exercise the built package (`npx tsc -b packages/engine`).
import { createFaceEngine, defaultModelDir, type FaceEngine } from '@visage/engine';
import { readFixture } from '../testing/bad-images.js';

const fauci1 = readFixture('lfw-anthony-fauci-0001.jpg');
const nuaaLive = readFixture('nuaa-live-0001.jpg');

let engine: FaceEngine;

beforeAll(async () => {
  engine = await createFaceEngine({ modelDir: defaultModelDir(), workers: 1 });
});
afterAll(() => engine.dispose());

const mirrored = (bytes: Buffer) => sharp(bytes).flop().jpeg({ quality: 95 }).toBuffer();

describe('face engine: per-frame liveness analysis', () => {
  it('reads a frontal photo as a frontal face with open eyes and a closed mouth', async () => {
    const f = await engine.analyzeFrame(fauci1);
    expect(f.faceCount).toBe(1);
    const face = f.face!;
    expect(face.landmarks68).toHaveLength(68);
    // Measured: yaw 1.8°, pitch 3.7°, roll -0.5°, EAR 0.300, MAR 0.050.
    expect(Math.abs(face.pose.yaw)).toBeLessThan(6);
    expect(Math.abs(face.pose.pitch)).toBeLessThan(10);
    expect(Math.abs(face.pose.roll)).toBeLessThan(5);
    expect(face.eyeAspectRatio).toBeGreaterThan(0.2);
    expect(face.eyeAspectRatio).toBeLessThan(0.5);
    expect(face.mouthAspectRatio).toBeLessThan(0.15);
    expect(face.quality.score).toBeGreaterThan(0);
    expect(face.quality.score).toBeLessThanOrEqual(1);
    expect(face.liveness.threshold).toBeGreaterThan(0);
    expect(f.timings_ms.geometry).toBeGreaterThanOrEqual(0);
  });

  it('reads a head turned to its own left (nose toward the image right) as yaw > 0, and its mirror as yaw < 0', async () => {
    // lfw-anthony-fauci-0002 looks past the camera toward the image's right edge (measured yaw 12.0°).
    const turned = readFixture('lfw-anthony-fauci-0002.jpg');
    const [a, b] = await Promise.all([engine.analyzeFrame(turned), engine.analyzeFrame(await mirrored(turned))]);
    expect(a.face!.pose.yaw).toBeGreaterThan(8);
    expect(b.face!.pose.yaw).toBeLessThan(-8);
    // The quality check's five-point estimate agrees on the direction.
    expect(a.face!.quality.pose.yaw).toBeGreaterThan(0);
  });

  it('gives the same template as a full analysis of the same image', async () => {
    const [frame, full] = await Promise.all([engine.analyzeFrame(fauci1), engine.analyze(fauci1)]);
    expect(Array.from(frame.face!.template.vector)).toEqual(Array.from(full.template.vector));
  });

  it('reads a mirrored face with the opposite yaw and roll', async () => {
    for (const bytes of [fauci1, nuaaLive]) {
      const [a, b] = await Promise.all([engine.analyzeFrame(bytes), engine.analyzeFrame(await mirrored(bytes))]);
      expect(Math.abs(a.face!.pose.yaw + b.face!.pose.yaw)).toBeLessThan(2);
      expect(Math.abs(a.face!.pose.roll + b.face!.pose.roll)).toBeLessThan(2);
      expect(Math.abs(a.face!.pose.pitch - b.face!.pose.pitch)).toBeLessThan(2);
      expect(Math.abs(a.face!.eyeAspectRatio - b.face!.eyeAspectRatio)).toBeLessThan(0.03);
    }
  });

  it('keeps the pose when the face sits elsewhere in a larger frame', async () => {
    // Padding changes where the face sits in the frame, not the head's pose.
    const padded = await sharp(fauci1)
      .extend({ left: 200, right: 40, top: 60, bottom: 10, background: '#777' })
      .jpeg({ quality: 95 })
      .toBuffer();
    const [a, b] = await Promise.all([engine.analyzeFrame(fauci1), engine.analyzeFrame(padded)]);
    expect(Math.abs(a.face!.pose.yaw - b.face!.pose.yaw)).toBeLessThan(3);
  });

  it('reports a frame without a face as faceCount 0 instead of failing', async () => {
    const grey = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#808080' } })
      .jpeg()
      .toBuffer();
    const f = await engine.analyzeFrame(grey);
    expect(f.faceCount).toBe(0);
    expect(f.face).toBeUndefined();
  });

  it('reports several faces and describes the largest', async () => {
    const small = await sharp(fauci1).resize(120, 120).toBuffer();
    const two = await sharp({ create: { width: 520, height: 300, channels: 3, background: '#808080' } })
      .composite([
        { input: fauci1, left: 10, top: 20 },
        { input: small, left: 380, top: 90 },
      ])
      .jpeg()
      .toBuffer();
    const f = await engine.analyzeFrame(two);
    expect(f.faceCount).toBe(2);
    expect(f.face!.box.x1).toBeLessThan(260);
  });

  it('still refuses a file that is not an image', async () => {
    await expect(engine.analyzeFrame(Buffer.from('not an image'))).rejects.toMatchObject({
      code: 'image.unsupported_format',
    });
  });
});
