import { describe, expect, it } from 'vitest';
import { frameHasFace } from '@visage/core';
import type { Calibration, FaceEngine } from '@visage/engine';
import { createFaceEnginePort } from './face-engine.adapter.js';

const worker = { threadId: 1, startedAt: 0, finishedAt: 1 };

function engineAnswering(frame: Awaited<ReturnType<FaceEngine['analyzeFrame']>>): FaceEngine {
  return {
    workers: 1,
    analyze: () => Promise.reject(new Error('not used')),
    analyzeFrame: () => Promise.resolve(frame),
    dispose: () => Promise.resolve(),
  };
}

describe('face engine port: analyzeFrame', () => {
  it('flattens the largest face into the port shape', async () => {
    const landmarks68 = Array.from({ length: 68 }, (_, i) => ({ x: i + 0.123456, y: 2 * i }));
    const port = createFaceEnginePort(
      engineAnswering({
        image: { width: 640, height: 480, format: 'jpeg' },
        faceCount: 2,
        face: {
          box: { x1: 10.4, y1: 20.6, x2: 110.4, y2: 140.6 },
          landmarks68,
          pose: { yaw: 12, pitch: -3, roll: 1 },
          eyeAspectRatio: 0.31,
          mouthAspectRatio: 0.05,
          template: { model: 'm', vector: Float32Array.from([0.6, 0.8]) },
          quality: { pass: true, reasons: [], score: 0.7 } as never,
          liveness: { score: 0.9, threshold: 0.5, live: true },
        },
        timings_ms: { total: 50 },
        worker,
      }),
      {} as Calibration,
    );
    const f = await port.analyzeFrame(new Uint8Array([1]));
    expect(frameHasFace(f)).toBe(true);
    if (!frameHasFace(f)) return;
    expect(f).toMatchObject({
      faceCount: 2,
      box: { x: 10, y: 21, width: 100, height: 120 },
      pose: { yaw: 12, pitch: -3, roll: 1 },
      eyeAspectRatio: 0.31,
      mouthAspectRatio: 0.05,
      quality: { pass: true, reasons: [], score: 0.7 },
      liveness: { score: 0.9, threshold: 0.5, live: true },
    });
    expect(f.landmarks68).toHaveLength(68);
    expect(f.landmarks68[1]).toEqual({ x: 1.12, y: 2 });
    expect(f.template.vector[1]).toBeCloseTo(0.8, 6);
    // Plain JSON: the capture service seals it between upload and decision.
    expect(JSON.parse(JSON.stringify(f))).toEqual(f);
  });

  it('answers a frame without a face with faceCount 0', async () => {
    const port = createFaceEnginePort(
      engineAnswering({ image: { width: 1, height: 1, format: 'jpeg' }, faceCount: 0, timings_ms: {}, worker }),
      {} as Calibration,
    );
    expect(await port.analyzeFrame(new Uint8Array([1]))).toEqual({ faceCount: 0 });
  });
});
