import { createHash } from 'node:crypto';
import {
  apcerAtBpcer,
  createFaceEngine,
  defaultLivenessThreshold,
  loadPadModel,
  padMetrics,
  percentile,
  videoSamples,
  type PadModel,
  type PadSample,
} from '@visage/engine';
import { analyzeAll, readPadLabels, type PadLabel } from '../datasets.js';
import { readInputFile, round } from '../input-files.js';
import type { EngineSettings } from '../settings.js';

export interface BenchPadOptions {
  readonly labels: string;
  readonly images: string;
  readonly workers?: number;
  /** The fused PAD model to measure next to the network (default: the shipped one; null: none). */
  readonly padModel?: string | null;
}

const round4 = (x: number): number => round(x, 4);
const rates = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round4(v)]));
/** The operating point reported next to the shipped threshold: at most 5 % of live presentations rejected. */
const targetBpcer = 0.05;

/** APCER per attack type and the worst, BPCER, BPCER20, AUC at a threshold, and APCER at BPCER ≤ 5 %. */
function padFigures(samples: readonly PadSample[], threshold: number) {
  const m = padMetrics(samples, threshold);
  const op = apcerAtBpcer(samples, targetBpcer);
  return {
    apcer: round4(m.apcer),
    apcer_by_attack: rates(m.apcerByAttack),
    apcer_worst: round4(m.apcerWorst),
    bpcer: round4(m.bpcer),
    bpcer20: round4(m.bpcer20),
    auc: round4(m.auc),
    at_bpcer_5: {
      threshold: round(op.threshold, 6),
      bpcer: round4(op.bpcer),
      apcer_by_attack: rates(op.apcerByAttack),
      apcer_worst: round4(op.apcerWorst),
    },
  };
}

/** Per-video figures (mean frame score per video) when every frame's video is known, else null. */
function videoFigures(labels: readonly PadLabel[], scores: readonly number[], threshold: number) {
  if (!labels.every((l) => l.video !== undefined)) return null;
  const videos = videoSamples(
    labels.map((l, i) => ({
      score: scores[i]!,
      live: l.live,
      video: l.video!,
      ...(l.attack ? { attack: l.attack } : {}),
    })),
  );
  if (!videos.some((v) => v.live) || !videos.some((v) => !v.live)) return null;
  return {
    live: videos.filter((v) => v.live).length,
    spoof: videos.filter((v) => !v.live).length,
    ...padFigures(videos, threshold),
  };
}

/** The sha256 of each label list the model was trained on (its training report's `data`). */
function trainingSets(model: PadModel): string[] {
  const data = model.training['data'];
  return Array.isArray(data)
    ? data.flatMap((d: unknown) => {
        const sha = (d as { labels_sha256?: unknown } | null)?.labels_sha256;
        return typeof sha === 'string' ? [sha] : [];
      })
    : [];
}

/**
 * Single-frame presentation-attack detection: the network at the shipped threshold and, when a fused model is
 * present, the fused score at its own threshold; per frame and per video. A frame with no face counts as rejected.
 */
export async function benchPad(settings: EngineSettings, options: BenchPadOptions) {
  const samples = await readPadLabels(options.labels);
  const labelsSha256 = createHash('sha256')
    .update(await readInputFile(options.labels, 64 * 1024 * 1024))
    .digest('hex');
  const padModel: PadModel | undefined =
    options.padModel === null ? undefined : await loadPadModel(...(options.padModel ? [options.padModel] : []));
  const engine = await createFaceEngine({
    modelDir: settings.modelDir,
    workers: options.workers ?? settings.workers,
    padModel: padModel ?? null,
  });
  let run;
  try {
    run = await analyzeAll(
      engine,
      options.images,
      samples.map((s) => s.image),
      // The liveness of a frame as a capture session sees it (analyzeFrame's): the network and the fused score.
      { allowMultipleFaces: true, fusedLiveness: true },
      'pad',
    );
  } finally {
    await engine.dispose();
  }
  const analysis = (image: string) => {
    const o = run.outcomes.get(image);
    return o && 'analysis' in o ? o.analysis : undefined;
  };
  const network = samples.map((s) => analysis(s.image)?.liveness?.score ?? Number.NEGATIVE_INFINITY);
  const fused = samples.map((s) => analysis(s.image)?.liveness?.fused?.score ?? Number.NEGATIVE_INFINITY);
  const frames = (scores: readonly number[]) =>
    samples.map((s, i) => ({ score: scores[i]!, live: s.live, ...(s.attack ? { attack: s.attack } : {}) }));
  const livenessMs = samples.flatMap((s) => {
    const a = analysis(s.image);
    return a ? [a.timings_ms.liveness] : [];
  });
  const totalMs = samples.flatMap((s) => {
    const a = analysis(s.image);
    return a ? [a.timings_ms.total] : [];
  });
  const videos = samples.every((s) => s.video !== undefined)
    ? {
        live: new Set(samples.filter((s) => s.live).map((s) => s.video)).size,
        spoof: new Set(samples.filter((s) => !s.live).map((s) => s.video)).size,
      }
    : null;
  return {
    dataset: { live: samples.filter((s) => s.live).length, spoof: samples.filter((s) => !s.live).length, videos },
    threshold: defaultLivenessThreshold,
    ...padFigures(frames(network), defaultLivenessThreshold),
    video: videoFigures(samples, network, defaultLivenessThreshold),
    fused: padModel
      ? {
          model: padModel.id,
          threshold: round(padModel.threshold, 6),
          // Figures on the model's own training data are in-sample: its training report has the cross-validated ones.
          trained_on_this_data: trainingSets(padModel).includes(labelsSha256),
          frame: padFigures(frames(fused), padModel.threshold),
          video: videoFigures(samples, fused, padModel.threshold),
        }
      : null,
    no_face: [...run.outcomes.values()].filter((o) => 'error' in o).length,
    latency_ms:
      livenessMs.length === 0
        ? null
        : {
            liveness_p50: round(percentile(livenessMs, 50), 2),
            liveness_p95: round(percentile(livenessMs, 95), 2),
            frame_p50: round(percentile(totalMs, 50), 2),
            workers: engine.workers,
          },
  };
}
