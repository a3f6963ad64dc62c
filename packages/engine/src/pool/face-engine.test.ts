import { copyFile, mkdtemp, readdir, rm, truncate, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The pool's workers run compiled code, so these tests exercise the built package (`npm test` builds first).
import {
  createFaceEngine,
  defaultModelDir,
  loadCalibration,
  verifyTemplates,
  type Calibration,
  type FaceEngine,
} from '@visage/engine';
import { badImages, expectEngineError, readFixture } from '../testing/bad-images.js';

const fauci1 = readFixture('lfw-anthony-fauci-0001.jpg');
const fauci2 = readFixture('lfw-anthony-fauci-0002.jpg');
const fauci2Grey = readFixture('lfw-a-anthony-fauci-0002.jpg');
const bassett = readFixture('lfw-angela-bassett-0001.jpg');

let engine: FaceEngine;
let calibration: Calibration;

beforeAll(async () => {
  engine = await createFaceEngine({ modelDir: defaultModelDir(), workers: 2 });
  calibration = await loadCalibration();
});
afterAll(() => engine.dispose());

describe('face engine: verification on real photos', () => {
  it('matches two photos of the same person above the FAR 1e-4 threshold', async () => {
    const [a, b] = await Promise.all([engine.analyze(fauci1), engine.analyze(fauci2)]);
    const v = verifyTemplates(calibration, a.template, b.template);
    expect(v.similarity).toBeGreaterThan(v.thresholds['1e-4']);
    expect(v.match['1e-4']).toBe(true);
    expect(v.confidence).toBeGreaterThan(70);
  });

  it('matches a grayscale photo against a colour one', async () => {
    const [a, b] = await Promise.all([engine.analyze(fauci1), engine.analyze(fauci2Grey)]);
    expect(verifyTemplates(calibration, a.template, b.template).match['1e-4']).toBe(true);
  });

  it('keeps two different people below the FAR 1e-4 threshold', async () => {
    const [a, b] = await Promise.all([engine.analyze(fauci1), engine.analyze(bassett)]);
    const v = verifyTemplates(calibration, a.template, b.template);
    expect(v.similarity).toBeLessThan(v.thresholds['1e-4']);
    expect(v.match['1e-3']).toBe(false);
  });

  it('reports a box, five landmarks inside it, quality and an L2-normalised template', async () => {
    const r = await engine.analyze(fauci1);
    expect(r.faces).toHaveLength(1);
    const { box, landmarks, score } = r.faces[0]!;
    expect(score).toBeGreaterThan(0.9);
    for (const p of landmarks) {
      expect(p.x).toBeGreaterThan(box.x1);
      expect(p.x).toBeLessThan(box.x2);
      expect(p.y).toBeGreaterThan(box.y1);
      expect(p.y).toBeLessThan(box.y2);
    }
    const [leftEye, rightEye, nose, leftMouth] = landmarks;
    expect(leftEye!.x).toBeLessThan(rightEye!.x);
    expect(nose!.y).toBeGreaterThan(leftEye!.y);
    expect(leftMouth!.y).toBeGreaterThan(nose!.y);
    expect(r.template.vector).toHaveLength(512 + 128);
    expect(Math.hypot(...r.template.vector)).toBeCloseTo(1, 5);
    expect(r.quality.face_size.value).toBeGreaterThan(64);
    expect(r.quality.pose.pass).toBe(true);
  });

  it('tells a live webcam frame from a printed photo (single-frame liveness)', async () => {
    const [live, spoof] = await Promise.all([
      engine.analyze(readFixture('nuaa-live-0001.jpg')),
      engine.analyze(readFixture('nuaa-spoof-0001.jpg'), { allowMultipleFaces: true }),
    ]);
    expect(live.liveness?.live).toBe(true);
    expect(spoof.liveness?.live).toBe(false);
  });
});

describe('face engine: faces', () => {
  const sideBySide = () =>
    sharp({ create: { width: 520, height: 250, channels: 3, background: '#808080' } })
      .composite([
        { input: fauci1, left: 0, top: 0 },
        { input: bassett, left: 270, top: 0 },
      ])
      .jpeg()
      .toBuffer();

  it('refuses an image without a face with face.none', async () => {
    const gradient = await sharp(Buffer.from(Array.from({ length: 200 * 200 * 3 }, (_, i) => (i * 7) % 256)), {
      raw: { width: 200, height: 200, channels: 3 },
    })
      .blur(4)
      .png()
      .toBuffer();
    await expectEngineError(engine.analyze(gradient), 'face.none');
  });

  it('refuses several faces with face.multiple unless the caller allows them', async () => {
    const two = await sideBySide();
    await expectEngineError(engine.analyze(two), 'face.multiple');
    const r = await engine.analyze(two, { allowMultipleFaces: true });
    expect(r.faces).toHaveLength(2);
    const areas = r.faces.map((f) => (f.box.x2 - f.box.x1) * (f.box.y2 - f.box.y1));
    expect(areas[r.chosen]).toBe(Math.max(...areas));
  });
});

describe('face engine: bad input', () => {
  for (const bad of badImages(fauci1)) {
    it(`answers ${bad.name} with ${bad.code}`, async () => {
      await expectEngineError(engine.analyze(bad.bytes), bad.code);
    });
  }

  it('keeps working after every bad input', async () => {
    await Promise.allSettled(badImages(fauci1).map((bad) => engine.analyze(bad.bytes)));
    expect((await engine.analyze(fauci2)).faces).toHaveLength(1);
  });
});

describe('face engine: pool', () => {
  it('runs N jobs on N workers at the same time', async () => {
    const frame = readFixture('nuaa-live-0001.jpg');
    await Promise.all([engine.analyze(frame), engine.analyze(frame)]); // both workers have loaded their models
    const results = await Promise.all([engine.analyze(frame), engine.analyze(frame)]);
    const [a, b] = results.map((r) => r.worker);
    expect(new Set([a!.threadId, b!.threadId]).size).toBe(2);
    expect(a!.startedAt).toBeLessThan(b!.finishedAt);
    expect(b!.startedAt).toBeLessThan(a!.finishedAt);
  });

  it('refuses work beyond its queue bound with engine.overloaded', async () => {
    const small = await createFaceEngine({ modelDir: defaultModelDir(), workers: 1, maxQueue: 1 });
    try {
      const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => small.analyze(fauci1)));
      const refused = outcomes.filter((o) => o.status === 'rejected');
      expect(outcomes.some((o) => o.status === 'fulfilled')).toBe(true);
      expect(refused.length).toBeGreaterThan(0);
      for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'engine.overloaded' });
    } finally {
      await small.dispose();
    }
  });

  it('gives up on a job that exceeds its time limit with engine.timeout', async () => {
    const hasty = await createFaceEngine({ modelDir: defaultModelDir(), workers: 1, jobTimeoutMs: 1 });
    try {
      await expectEngineError(hasty.analyze(fauci1), 'engine.timeout');
    } finally {
      await hasty.dispose();
    }
  });

  it('answers engine.timeout for a job cut off mid-inference, and the process and the pool live on', async () => {
    // One worker, jobs queued past the time limit: the job running when the limit passes is cut off mid-inference.
    // Before, piscina terminated its worker, and that aborted the whole process (a native exception).
    const hasty = await createFaceEngine({
      modelDir: defaultModelDir(),
      workers: 1,
      jobTimeoutMs: 1000,
      maxQueue: 100,
    });
    try {
      await hasty.analyze(fauci1);
      const outcomes = await Promise.allSettled(Array.from({ length: 50 }, () => hasty.analyze(fauci1)));
      const codes = outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : (o.reason as { code: string }).code));
      expect(codes).toContain('ok');
      expect(codes).toContain('engine.timeout');
      expect(codes.filter((code) => code !== 'ok' && code !== 'engine.timeout')).toEqual([]);
      expect((await hasty.analyze(fauci2)).faces.length).toBeGreaterThan(0);
    } finally {
      await hasty.dispose();
    }
  });

  it('refuses work after dispose with engine.closed', async () => {
    const shortLived = await createFaceEngine({ modelDir: defaultModelDir(), workers: 1 });
    await shortLived.dispose();
    await expectEngineError(shortLived.analyze(fauci1), 'engine.closed');
  });

  it('starts queued jobs in the order they were submitted', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => engine.analyze(i % 2 ? fauci1 : fauci2)));
    const starts = results.map((r) => r.worker.startedAt);
    // Two workers take two jobs at a time: each job starts no later than the job two places after it.
    starts.slice(0, -2).forEach((start, i) => expect(start).toBeLessThanOrEqual(starts[i + 2]!));
  });

  it('lets the jobs in flight finish when disposed, and refuses the ones that come after', async () => {
    const draining = await createFaceEngine({ modelDir: defaultModelDir(), workers: 2 });
    await draining.analyze(fauci1);
    const inFlight = [draining.analyze(fauci1), draining.analyze(fauci2), draining.analyze(bassett)];
    const disposed = draining.dispose();
    await expectEngineError(draining.analyze(fauci1), 'engine.closed');
    const results = await Promise.all(inFlight);
    expect(results.map((r) => r.faces.length)).toEqual([1, 1, 1]);
    await disposed;
  });
});

describe('face engine: models fail closed', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'visage-models-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function copyModels(): Promise<string> {
    const target = await mkdtemp(join(dir, 'm-'));
    for (const file of await readdir(defaultModelDir())) {
      // Every catalog file: the ONNX models and the OCR dictionary.
      if (/\.(onnx|txt)$/.test(file)) await copyFile(join(defaultModelDir(), file), join(target, file));
    }
    return target;
  }

  it('refuses an altered model file', async () => {
    const models = await copyModels();
    const path = join(models, 'fr_feature.onnx');
    const bytes = await readFile(path);
    const middle = bytes.length >> 1;
    bytes.writeUInt8(bytes.readUInt8(middle) ^ 0x01, middle);
    await writeFile(path, bytes);
    await expectEngineError(createFaceEngine({ modelDir: models, workers: 1 }), 'model.integrity');
  });

  it('refuses a truncated model file', async () => {
    const models = await copyModels();
    await truncate(join(models, 'fr_detect.onnx'), 1000);
    await expectEngineError(createFaceEngine({ modelDir: models, workers: 1 }), 'model.integrity');
  });

  it('refuses a missing model file', async () => {
    const models = await copyModels();
    await rm(join(models, 'fr_liveness.onnx'));
    await expectEngineError(createFaceEngine({ modelDir: models, workers: 1 }), 'model.missing');
  });
});
