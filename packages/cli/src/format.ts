import type { BenchApiReport } from './commands/bench-api.command.js';
import type { Calibration } from '@visage/engine';
import type { BenchFacesReport } from './commands/bench-faces.command.js';
import type { benchPad } from './commands/bench-pad.command.js';
import type { compareFiles } from './commands/compare.command.js';

const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;

export function formatCompare(r: Awaited<ReturnType<typeof compareFiles>>): string {
  const decision = r.match['1e-4'] ? 'SAME PERSON' : 'NOT THE SAME PERSON';
  const lines = [
    `${decision} at FAR 1e-4 — similarity ${r.similarity}, confidence ${r.confidence}/100`,
    `thresholds: ${Object.entries(r.thresholds)
      .map(([far, t]) => `${far} ${t} ${r.match[far as keyof typeof r.match] ? '✓' : '✗'}`)
      .join('   ')}`,
  ];
  for (const face of r.faces) {
    const q = face.quality;
    lines.push(
      `${face.file}: ${face.image.width}x${face.image.height}, ${face.face_count} face(s), ` +
        `quality ${q.pass ? 'ok' : q.reasons.join(', ')}, ` +
        `liveness ${face.liveness ? `${face.liveness.score} (${face.liveness.live ? 'live' : 'suspected spoof'})` : 'n/a'}, ` +
        `${face.timings_ms.total} ms`,
    );
  }
  lines.push(`model ${r.model}, calibrated on ${r.calibration.dataset}`);
  return lines.join('\n');
}

export function formatBenchFaces(r: BenchFacesReport): string {
  return [
    `pairs ${r.dataset.pairs}, images ${r.dataset.images}; all-vs-all: ${r.dataset.genuine_all} genuine, ${r.dataset.impostor_all} impostor`,
    `10-fold accuracy ${pct(r.accuracy)} ± ${pct(r.accuracy_std)}   AUC ${r.auc}   EER ${pct(r.eer)}`,
    `TAR @ FAR 1e-2 ${pct(r.tar_at_far['1e-2'])}   1e-3 ${pct(r.tar_at_far['1e-3'])}   1e-4 ${pct(r.tar_at_far['1e-4'])}`,
    `no face: ${r.no_face} images (${r.no_face_pairs} listed pairs counted as non-matches)`,
    `latency per face p50 ${r.latency_ms.p50} ms, p95 ${r.latency_ms.p95} ms (1 worker)`,
    `throughput ${r.faces_per_s.workers_1} faces/s on 1 worker, ${r.faces_per_s.workers_n} on ${r.faces_per_s.n}; peak RSS ${r.peak_rss_mb} MB`,
  ].join('\n');
}

export function formatBenchPad(r: Awaited<ReturnType<typeof benchPad>>): string {
  type Figures = Pick<
    typeof r,
    'apcer' | 'apcer_by_attack' | 'apcer_worst' | 'bpcer' | 'bpcer20' | 'auc' | 'at_bpcer_5'
  >;
  const byAttack = (o: Record<string, number>) =>
    Object.entries(o)
      .map(([k, v]) => `${k} ${pct(v)}`)
      .join(', ');
  const figures = (name: string, f: Figures, threshold: number) => [
    `${name} @ ${threshold.toFixed(4)}: APCER ${pct(f.apcer)} (${byAttack(f.apcer_by_attack)}; worst ${pct(f.apcer_worst)})   BPCER ${pct(f.bpcer)}   BPCER20 ${pct(f.bpcer20)}   AUC ${f.auc}`,
    `${name} @ BPCER ≤ 5 % (threshold ${f.at_bpcer_5.threshold}): APCER ${byAttack(f.at_bpcer_5.apcer_by_attack)}; worst ${pct(f.at_bpcer_5.apcer_worst)}`,
  ];
  const videos = r.dataset.videos ? `; videos: ${r.dataset.videos.live} live, ${r.dataset.videos.spoof} spoof` : '';
  return [
    `frames: ${r.dataset.live} live, ${r.dataset.spoof} spoof${videos}; no face: ${r.no_face}`,
    ...figures('network, frame', r, r.threshold),
    ...(r.video ? figures('network, video', r.video, r.threshold) : []),
    ...(r.fused?.trained_on_this_data
      ? [`${r.fused.model} was trained on this data: its figures here are in-sample (see its training report)`]
      : []),
    ...(r.fused ? figures(`${r.fused.model}, frame`, r.fused.frame, r.fused.threshold) : []),
    ...(r.fused?.video ? figures(`${r.fused.model}, video`, r.fused.video, r.fused.threshold) : []),
    ...(r.latency_ms
      ? [
          `liveness per frame p50 ${r.latency_ms.liveness_p50} ms, p95 ${r.latency_ms.liveness_p95} ms; whole frame p50 ${r.latency_ms.frame_p50} ms (${r.latency_ms.workers} worker${r.latency_ms.workers === 1 ? '' : 's'})`,
        ]
      : []),
  ].join('\n');
}

export function formatCalibration(c: Calibration): string {
  return [
    `model ${c.model_id}, data ${c.dataset}: ${c.counts.genuine} genuine, ${c.counts.impostor} impostor pairs`,
    ...Object.entries(c.thresholds).map(
      ([far, t]) => `FAR ${far}: similarity ≥ ${t.similarity.toFixed(4)}${t.supported ? '' : ' (extrapolated)'}`,
    ),
  ].join('\n');
}

export function formatBenchApi(r: BenchApiReport): string {
  const line = (name: string, f: BenchApiReport['read_verification']) =>
    `${name}: ${f.requests_per_s} req/s, p50 ${f.latency_ms.p50} ms, p99 ${f.latency_ms.p99} ms ` +
    `(${f.connections} connections, ${f.requests} requests, ${f.non_2xx} non-2xx, ${f.errors} errors)`;
  return [
    `${r.database}, ${r.workers} engine workers, ${r.duration_s} s each, ${r.machine.cores} cores, Node ${r.machine.node}`,
    line('signed GET /v1/verifications/{id}', r.read_verification),
    line('signed POST /v1/compare (2 faces)', r.compare),
    `engine alone: ${r.compare.engine_compares_per_s} compares/s; API/engine ratio ${r.compare.ratio_to_engine}`,
  ].join('\n');
}
