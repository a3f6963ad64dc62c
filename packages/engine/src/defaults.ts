import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseCalibration, type Calibration } from './calibration/calibration.js';
import { templateModelId } from './embed/fused-template.js';
import { EngineError } from './errors.js';
import { parsePadModel, type PadModel } from './liveness/pad-model.js';

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

/** The fused passive-liveness model shipped with this engine (`visage train pad`; docs/liveness.md). */
export const defaultPadModelPath = (): string =>
  fileURLToPath(new URL(`../pad-model/${padModelFile}`, import.meta.url));

/** File name of the shipped fused PAD model. */
export const padModelFile = 'pad-fused@1.json';

/** Reads and checks a PAD model artefact; fails closed (`model.missing`, `model.integrity`), never half-loads. */
export async function loadPadModel(path: string = defaultPadModelPath()): Promise<PadModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new EngineError('model.missing', { path, cause: String(cause) });
  }
  try {
    return parsePadModel(JSON.parse(text));
  } catch (cause) {
    throw new EngineError('model.integrity', { path, cause: String(cause) });
  }
}
