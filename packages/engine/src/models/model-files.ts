import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { EngineError } from '../errors.js';
import catalog from './catalog.json' with { type: 'json' };

export type ModelFileName = keyof typeof catalog.files;

export interface SessionOptions {
  /** onnxruntime intra-op threads per session; workers × threads should equal the cores. */
  readonly intraOpThreads: number;
}

/** Reads a model file and refuses it unless its sha256 is the one recorded in the catalog: fail closed. */
export async function readVerifiedModel(modelDir: string, file: ModelFileName): Promise<Uint8Array> {
  const path = join(modelDir, file);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new EngineError('model.missing', { file, path, cause: String(cause) });
  }
  const expected = catalog.files[file].sha256;
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected) throw new EngineError('model.integrity', { file, path, expected, actual });
  return bytes;
}

export async function openVerifiedSession(
  modelDir: string,
  file: ModelFileName,
  options: SessionOptions,
): Promise<ort.InferenceSession> {
  const bytes = await readVerifiedModel(modelDir, file);
  return ort.InferenceSession.create(bytes, {
    intraOpNumThreads: options.intraOpThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
}

export const modelFileNames = Object.keys(catalog.files) as ModelFileName[];
