import { performance } from 'node:perf_hooks';
import {
  createFaceEngine,
  defaultImageLimits,
  EngineError,
  loadCalibration,
  verifyTemplates,
  type FaceAnalysis,
} from '@visage/engine';
import { readInputFile, round } from '../input-files.js';
import type { EngineSettings } from '../settings.js';

export interface CompareOptions {
  readonly allowMultipleFaces?: boolean;
}

/** Reads both files, analyses them in parallel and returns the 1:1 decision at every calibrated FAR. */
export async function compareFiles(settings: EngineSettings, fileA: string, fileB: string, options: CompareOptions) {
  const start = performance.now();
  const calibration = await loadCalibration(settings.calibrationPath);
  const { maxBytes } = defaultImageLimits;
  const [bytesA, bytesB] = await Promise.all([readInputFile(fileA, maxBytes), readInputFile(fileB, maxBytes)]);
  const engine = await createFaceEngine({ modelDir: settings.modelDir, workers: Math.min(2, settings.workers) });
  try {
    const analyzeOptions = { allowMultipleFaces: options.allowMultipleFaces ?? false };
    const [a, b] = await Promise.all([
      engine.analyze(bytesA, analyzeOptions).catch(tagWith(fileA)),
      engine.analyze(bytesB, analyzeOptions).catch(tagWith(fileB)),
    ]);
    const verification = verifyTemplates(calibration, a.template, b.template);
    return {
      similarity: round(verification.similarity, 4),
      confidence: verification.confidence,
      thresholds: mapValues(verification.thresholds, (t) => round(t, 4)),
      match: verification.match,
      model: a.template.model,
      calibration: { dataset: calibration.dataset, created_at: calibration.created_at },
      faces: [describe(fileA, a), describe(fileB, b)],
      timings_ms: { total: round(performance.now() - start, 1) },
    };
  } finally {
    await engine.dispose();
  }
}

const tagWith = (file: string) => (error: unknown) => {
  if (error instanceof EngineError) throw new EngineError(error.code, { ...error.details, file }, error.message);
  throw error;
};

function describe(file: string, analysis: FaceAnalysis) {
  const face = analysis.faces[analysis.chosen]!;
  const r = (v: number) => round(v, 1);
  return {
    file,
    image: analysis.image,
    face_count: analysis.faces.length,
    box: { x1: r(face.box.x1), y1: r(face.box.y1), x2: r(face.box.x2), y2: r(face.box.y2) },
    detection_score: round(face.score, 4),
    landmarks: face.landmarks.map((p) => [r(p.x), r(p.y)]),
    quality: analysis.quality,
    liveness: analysis.liveness && {
      score: round(analysis.liveness.score, 4),
      threshold: analysis.liveness.threshold,
      live: analysis.liveness.live,
    },
    timings_ms: analysis.timings_ms,
  };
}

const mapValues = <K extends string, V, W>(o: Record<K, V>, f: (v: V) => W): Record<K, W> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v as V)])) as Record<K, W>;
