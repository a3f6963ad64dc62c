import { defaultLivenessThreshold, padMetrics } from '@visage/engine';
import { analyzeAll, readPadLabels } from '../datasets.js';
import { round } from '../input-files.js';
import type { EngineSettings } from '../settings.js';
import { withEngine } from './bench-faces.command.js';

export interface BenchPadOptions {
  readonly labels: string;
  readonly images: string;
  readonly workers?: number;
}

const round4 = (x: number): number => round(x, 4);

/** Single-frame presentation-attack detection at the shipped threshold. A frame with no face counts as rejected. */
export async function benchPad(settings: EngineSettings, options: BenchPadOptions) {
  const samples = await readPadLabels(options.labels);
  const run = await withEngine(settings, options.workers ?? settings.workers, (engine) =>
    analyzeAll(
      engine,
      options.images,
      samples.map((s) => s.image),
      { allowMultipleFaces: true },
      'pad',
    ),
  );
  const scored = samples.map((s) => {
    const outcome = run.outcomes.get(s.image);
    const score =
      outcome && 'analysis' in outcome ? (outcome.analysis.liveness?.score ?? -Infinity) : Number.NEGATIVE_INFINITY;
    return { score, live: s.live, ...(s.attack ? { attack: s.attack } : {}) };
  });
  const m = padMetrics(scored, defaultLivenessThreshold);
  return {
    dataset: { live: scored.filter((s) => s.live).length, spoof: scored.filter((s) => !s.live).length },
    threshold: defaultLivenessThreshold,
    apcer: round4(m.apcer),
    bpcer: round4(m.bpcer),
    bpcer20: round4(m.bpcer20),
    auc: round4(m.auc),
    apcer_by_attack: Object.fromEntries(Object.entries(m.apcerByAttack).map(([k, v]) => [k, round4(v)])),
    no_face: [...run.outcomes.values()].filter((o) => 'error' in o).length,
  };
}
