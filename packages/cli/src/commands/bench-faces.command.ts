import { join } from 'node:path';
import { resourceUsage } from 'node:process';
import {
  createFaceEngine,
  defaultImageLimits,
  equalErrorRate,
  lfwTenFold,
  percentile,
  rocAuc,
  tarAtFar,
  type FaceEngine,
} from '@visage/engine';
import { analyzeAll, readPairs } from '../datasets.js';
import { scoreAllPairs, scoreListedPairs } from '../scoring.js';
import { readInputFile, round } from '../input-files.js';
import type { EngineSettings } from '../settings.js';

export interface BenchFacesOptions {
  readonly pairs: string;
  readonly images: string;
  readonly workers?: number;
}

export interface BenchFacesReport {
  readonly dataset: { pairs: number; images: number; genuine_all: number; impostor_all: number };
  readonly accuracy: number;
  readonly accuracy_std: number;
  readonly auc: number;
  readonly eer: number;
  readonly tar_at_far: Record<'1e-2' | '1e-3' | '1e-4', number>;
  readonly no_face: number;
  readonly no_face_pairs: number;
  readonly latency_ms: { p50: number; p95: number };
  readonly faces_per_s: { workers_1: number; workers_n: number; n: number };
  readonly peak_rss_mb: number;
}

const round4 = (x: number): number => round(x, 4);

/**
 * LFW protocol on a pair list, plus all-vs-all TAR at low FAR. The images are analysed twice: once on one worker
 * (per-face latency and single-worker throughput, and the templates that are scored) and once on N workers
 * (throughput only).
 */
export async function benchFaces(settings: EngineSettings, options: BenchFacesOptions): Promise<BenchFacesReport> {
  const pairs = await readPairs(options.pairs);
  const files = [...new Set(pairs.flatMap((p) => [p.left, p.right]))].sort();
  // LFW images are crops centred on the named person; other faces in the frame are bystanders.
  const analyzeOptions = { allowMultipleFaces: true, primaryFace: 'central' } as const;

  const single = await withEngine(settings, 1, async (engine) => {
    await warmUp(engine, options.images, files, analyzeOptions);
    return analyzeAll(engine, options.images, files, analyzeOptions, 'faces, 1 worker');
  });
  const n = options.workers ?? settings.workers;
  const multi = await withEngine(settings, n, async (engine) => {
    await warmUp(engine, options.images, files, analyzeOptions);
    return analyzeAll(engine, options.images, files, analyzeOptions, `faces, ${n} workers`);
  });

  const outcomes = single.outcomes;
  const latencies = [...outcomes.values()].flatMap((o) => ('analysis' in o ? [o.analysis.timings_ms.total] : []));
  const listed = scoreListedPairs(pairs, outcomes);
  const tenFold = lfwTenFold(listed);
  const genuine = listed.filter((p) => p.same).map((p) => p.score);
  const impostor = listed.filter((p) => !p.same).map((p) => p.score);
  const all = scoreAllPairs(files, outcomes);
  const noFace = [...outcomes.values()].filter((o) => 'error' in o).length;

  return {
    dataset: {
      pairs: pairs.length,
      images: files.length,
      genuine_all: all.genuine.length,
      impostor_all: all.impostor.length,
    },
    accuracy: round4(tenFold.accuracy),
    accuracy_std: round4(tenFold.std),
    auc: round4(rocAuc(genuine, impostor)),
    eer: round4(equalErrorRate(genuine, impostor).eer),
    tar_at_far: {
      '1e-2': round4(tarAtFar(all.genuine, all.impostor, 1e-2)),
      '1e-3': round4(tarAtFar(all.genuine, all.impostor, 1e-3)),
      '1e-4': round4(tarAtFar(all.genuine, all.impostor, 1e-4)),
    },
    no_face: noFace,
    no_face_pairs: listed.filter((p) => p.score === Number.NEGATIVE_INFINITY).length,
    latency_ms: { p50: round(percentile(latencies, 50), 2), p95: round(percentile(latencies, 95), 2) },
    faces_per_s: {
      workers_1: round((files.length / single.wallMs) * 1000, 1),
      workers_n: round((files.length / multi.wallMs) * 1000, 1),
      n,
    },
    peak_rss_mb: Math.round(resourceUsage().maxRSS / 1024),
  };
}

export async function withEngine<T>(
  settings: EngineSettings,
  workers: number,
  body: (engine: FaceEngine) => Promise<T>,
): Promise<T> {
  const engine = await createFaceEngine({ modelDir: settings.modelDir, workers });
  try {
    return await body(engine);
  } finally {
    await engine.dispose();
  }
}

// Loads the models in every worker and lets the JIT settle, so that the timed pass measures steady state.
async function warmUp(engine: FaceEngine, imageDir: string, files: readonly string[], options: object) {
  const sample = await readInputFile(join(imageDir, files[0]!), defaultImageLimits.maxBytes);
  await Promise.all(Array.from({ length: engine.workers * 3 }, () => engine.analyze(sample, options).catch(() => {})));
}
