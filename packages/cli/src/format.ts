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
  return [
    `live ${r.dataset.live}, spoof ${r.dataset.spoof}; threshold ${r.threshold}`,
    `APCER ${pct(r.apcer)}   BPCER ${pct(r.bpcer)}   BPCER20 ${pct(r.bpcer20)}   AUC ${r.auc}`,
    `APCER by attack: ${Object.entries(r.apcer_by_attack)
      .map(([k, v]) => `${k} ${pct(v)}`)
      .join(', ')}`,
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
