import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseCalibration, type Calibration } from './calibration/calibration.js';
import { templateModelId } from './embed/fused-template.js';
import { EngineError } from './errors.js';

/** Where `npm install` unpacks the verified model files: `<repo>/models`. */
export const defaultModelDir = (): string => fileURLToPath(new URL('../../../models/', import.meta.url));

/** The calibration shipped with this engine version (see docs/benchmarks.md for how it was made). */
export const defaultCalibrationPath = (): string =>
  fileURLToPath(new URL(`../calibration/${templateModelId}.json`, import.meta.url));

export async function loadCalibration(path: string = defaultCalibrationPath()): Promise<Calibration> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new EngineError('calibration.invalid', { path, cause: String(cause) });
  }
  return parseCalibration(json, templateModelId);
}
