import { availableParallelism } from 'node:os';
import { defaultCalibrationPath, defaultModelDir } from '@visage/engine';

/** What every engine-using command needs, from flags and environment, resolved once. */
export interface EngineSettings {
  readonly modelDir: string;
  readonly calibrationPath: string;
  readonly workers: number;
}

export function engineSettings(env: NodeJS.ProcessEnv, flags: { workers?: string | undefined }): EngineSettings {
  const workers = flags.workers === undefined ? availableParallelism() : Number(flags.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new Error('--workers must be a positive integer');
  return {
    modelDir: env['VISAGE_MODEL_DIR'] || defaultModelDir(),
    calibrationPath: env['VISAGE_CALIBRATION'] || defaultCalibrationPath(),
    workers,
  };
}
