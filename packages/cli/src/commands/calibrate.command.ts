import { writeFile } from 'node:fs/promises';
import { buildCalibration, templateModelId } from '@visage/engine';
import { analyzeAll, readPairs } from '../datasets.js';
import { scoreAllPairs } from '../scoring.js';
import type { EngineSettings } from '../settings.js';
import { withEngine } from './bench-faces.command.js';

export interface CalibrateOptions {
  readonly pairs: string;
  readonly images: string;
  readonly dataset: string;
  readonly out: string;
  readonly now: Date;
}

/** Thresholds from every cross-identity pair of the images a pair list names (not only the listed pairs). */
export async function calibrate(settings: EngineSettings, options: CalibrateOptions) {
  const pairs = await readPairs(options.pairs);
  const files = [...new Set(pairs.flatMap((p) => [p.left, p.right]))].sort();
  const run = await withEngine(settings, settings.workers, (engine) =>
    analyzeAll(
      engine,
      options.images,
      files,
      { allowMultipleFaces: true, primaryFace: 'central', liveness: false },
      'calibrate',
    ),
  );
  const { genuine, impostor } = scoreAllPairs(files, run.outcomes);
  const calibration = buildCalibration({
    modelId: templateModelId,
    dataset: options.dataset,
    // Pairs without a face say nothing about the score distribution.
    genuine: genuine.filter(Number.isFinite),
    impostor: impostor.filter(Number.isFinite),
    createdAt: options.now.toISOString(),
  });
  await writeFile(options.out, `${JSON.stringify(calibration, null, 2)}\n`);
  return calibration;
}
