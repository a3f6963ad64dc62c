import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The pool's workers run compiled code, so these tests exercise the built package (`npx tsc -b packages/engine`).
import {
  createFaceEngine,
  defaultModelDir,
  EngineError,
  loadPadModel,
  padModelScore,
  type FaceEngine,
} from '@visage/engine';
import { readFixture } from '../testing/bad-images.js';

const nuaaLive = readFixture('nuaa-live-0001.jpg');
const nuaaSpoof = readFixture('nuaa-spoof-0001.jpg');

let engine: FaceEngine;
beforeAll(async () => {
  engine = await createFaceEngine({ modelDir: defaultModelDir(), workers: 1 });
});
afterAll(() => engine.dispose());

describe('the shipped fused PAD model in the engine', () => {
  // Both fixtures are NUAA pad-dev frames, which the model was trained on: this checks the wiring, not accuracy.
  it('adds a fused score to every frame, which tells the live NUAA face from the printed one', async () => {
    const live = (await engine.analyzeFrame(nuaaLive)).face!.liveness;
    const spoof = (await engine.analyzeFrame(nuaaSpoof)).face!.liveness;
    expect(live.fused?.model).toBe('pad-fused@1');
    expect(live.fused!.threshold).toBe((await loadPadModel()).threshold);
    expect(live.fused!.live).toBe(true);
    expect(spoof.fused!.live).toBe(false);
    expect(live.fused!.score).toBeGreaterThan(spoof.fused!.score);
    // The network's own score is still reported unchanged beside it.
    expect(live.score).toBeGreaterThan(live.threshold);
  });

  it('returns the raw features on request, and the fused score is the model applied to them', async () => {
    const model = await loadPadModel();
    const a = await engine.analyze(nuaaLive, {
      padFeatures: { cnnScales: model.features.cnnScales },
      fusedLiveness: true,
    });
    // A plain analysis (a compare) does not pay for the fused score.
    expect((await engine.analyze(nuaaLive)).liveness!.fused).toBeUndefined();
    expect(a.pad!.cnn['2.70']).toBe(a.liveness!.score);
    expect(padModelScore(model, a.pad!)).toBe(a.liveness!.fused!.score);
  });

  it("ships a model whose cross-validated report meets issue 7's targets", async () => {
    type Figures = { at_bpcer_5: { apcer_by_attack: Record<string, number> }; bpcer20: number };
    const report = (await loadPadModel()).training as {
      cross_validation: { by_set: Record<string, Figures & { video: Figures }> };
    };
    const replay = report.cross_validation.by_set['replay-dev']!;
    for (const rate of Object.values(replay.at_bpcer_5.apcer_by_attack)) expect(rate).toBeLessThanOrEqual(0.1);
    for (const rate of Object.values(replay.video.at_bpcer_5.apcer_by_attack)) expect(rate).toBeLessThanOrEqual(0.05);
    expect(report.cross_validation.by_set['pad-dev']!.bpcer20).toBeLessThanOrEqual(0.01);
  });

  it('fails closed: a missing or malformed artefact stops the engine from starting', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'visage-pad-model-'));
    try {
      await expect(loadPadModel(join(dir, 'absent.json'))).rejects.toMatchObject({ code: 'model.missing' });
      await writeFile(join(dir, 'bad.json'), JSON.stringify({ format: 'visage-pad-model', id: 'x' }));
      const bad = loadPadModel(join(dir, 'bad.json'));
      await expect(bad).rejects.toBeInstanceOf(EngineError);
      await expect(bad).rejects.toMatchObject({ code: 'model.integrity' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('without a model (padModel: null) gives the network score alone', async () => {
    const bare = await createFaceEngine({ modelDir: defaultModelDir(), workers: 1, padModel: null });
    try {
      const f = await bare.analyzeFrame(nuaaLive);
      expect(f.face!.liveness.fused).toBeUndefined();
    } finally {
      await bare.dispose();
    }
  });
});
