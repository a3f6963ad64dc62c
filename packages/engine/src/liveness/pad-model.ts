import { textureSpec, type TextureBlock } from './texture-features.js';

/**
 * The fused passive-liveness model: a logistic regression over the anti-spoofing network's log-odds at one or more
 * crop scales and the texture blocks of `texture-features.ts`. Trained by `visage train pad` (pad-training.ts) and
 * shipped as a versioned JSON artefact with its training report; it is small, and it is our own training.
 */
export interface PadModel {
  readonly format: 'visage-pad-model';
  /** `<name>@<version>`; bump the version whenever the features or the training change. */
  readonly id: string;
  readonly features: {
    /** Crop scales at which the anti-spoofing network is run; each gives one feature, its log-odds. */
    readonly cnnScales: readonly number[];
    /** Texture blocks used, by name (see `textureSpec`); `textureVersion` pins their definition. */
    readonly textureBlocks: readonly TextureBlock[];
    readonly textureVersion: number;
  };
  /** Standardisation applied before the weights: (x − mean) / scale. */
  readonly mean: readonly number[];
  readonly scale: readonly number[];
  readonly weights: readonly number[];
  readonly bias: number;
  /** Live iff the fused probability ≥ threshold. */
  readonly threshold: number;
  /** How it was trained and what it measured (cross-validated); free-form but always present. */
  readonly training: Record<string, unknown>;
}

/** What the engine measures on one face for the fused model: the network's live probability per scale, texture. */
export interface PadRawFeatures {
  readonly cnn: Readonly<Record<string, number>>;
  readonly texture: readonly number[];
}

const clampP = (p: number): number => Math.min(1 - 1e-6, Math.max(1e-6, p));
export const logit = (p: number): number => Math.log(clampP(p) / (1 - clampP(p)));
export const cnnKey = (scale: number): string => scale.toFixed(2);

const blockOffsets: Record<TextureBlock, { start: number; length: number }> = (() => {
  const out = {} as Record<TextureBlock, { start: number; length: number }>;
  let start = 0;
  for (const b of textureSpec.blocks) {
    out[b.name] = { start, length: b.length };
    start += b.length;
  }
  return out;
})();

/** The model's input vector (before standardisation), in a fixed order: network scales, then texture blocks. */
export function padFeatureVector(
  features: Pick<PadModel['features'], 'cnnScales' | 'textureBlocks'>,
  raw: PadRawFeatures,
): number[] {
  const out: number[] = [];
  for (const s of features.cnnScales) {
    const p = raw.cnn[cnnKey(s)];
    if (p === undefined) throw new RangeError(`no network score at crop scale ${s}`);
    out.push(logit(p));
  }
  for (const name of features.textureBlocks) {
    const { start, length } = blockOffsets[name];
    if (raw.texture.length < start + length) throw new RangeError(`texture features too short for ${name}`);
    for (let i = 0; i < length; i++) out.push(raw.texture[start + i]!);
  }
  return out;
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** The fused live probability for one face. */
export function padModelScore(model: PadModel, raw: PadRawFeatures): number {
  const x = padFeatureVector(model.features, raw);
  let z = model.bias;
  for (let i = 0; i < x.length; i++) z += model.weights[i]! * ((x[i]! - model.mean[i]!) / model.scale[i]!);
  return sigmoid(z);
}

/** Checks a parsed artefact's shape; a model that does not fit the engine is refused, never half-used. */
export function parsePadModel(json: unknown): PadModel {
  const m = json as Partial<PadModel> | null;
  const fail = (why: string): never => {
    throw new RangeError(`invalid PAD model: ${why}`);
  };
  if (!m || typeof m !== 'object' || m.format !== 'visage-pad-model') fail('format is not visage-pad-model');
  const model = m as PadModel;
  if (typeof model.id !== 'string') fail('id');
  const f = model.features;
  if (!f || !Array.isArray(f.cnnScales) || !Array.isArray(f.textureBlocks)) fail('features');
  if (f.textureBlocks.length > 0 && f.textureVersion !== textureSpec.version) {
    fail(`texture version ${f.textureVersion} is not this engine's ${textureSpec.version}`);
  }
  for (const b of f.textureBlocks) if (!(b in blockOffsets)) fail(`unknown texture block ${String(b)}`);
  const d = f.cnnScales.length + f.textureBlocks.reduce((s, b) => s + blockOffsets[b].length, 0);
  for (const key of ['mean', 'scale', 'weights'] as const) {
    const v = model[key];
    if (!Array.isArray(v) || v.length !== d || !v.every(Number.isFinite)) fail(`${key} must be ${d} finite numbers`);
  }
  if (!model.scale.every((s) => s > 0)) fail('scale must be positive');
  if (!Number.isFinite(model.bias) || !(model.threshold >= 0 && model.threshold <= 1)) fail('bias or threshold');
  return model;
}
