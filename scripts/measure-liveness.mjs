#!/usr/bin/env node
// Measures what the liveness thresholds (packages/core/src/capture/liveness-thresholds.ts) rest on, on the data in
// ../shared/datasets: per-frame EAR, MAR and head pose; the same-face similarity between frames of one recording;
// the passive score of the best frames per recording; the per-frame cost. Results go into docs/liveness.md.
//
//   npx tsc -b packages/engine && node scripts/measure-liveness.mjs [--limit N] [--json out.json]
//
// Single thread, one analyzer: the timings are one core's.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  createFaceAnalyzer,
  defaultLivenessThreshold,
  defaultModelDir,
  loadCalibration,
  verifyTemplates,
} from '@visage/engine';

const args = process.argv.slice(2);
const limit = args.includes('--limit') ? Number(args[args.indexOf('--limit') + 1]) : Infinity;
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
const datasets = resolve(process.cwd(), '../shared/datasets');
if (!existsSync(datasets)) {
  console.log(`skipped: ${datasets} is absent`);
  process.exit(0);
}

const analyzer = await createFaceAnalyzer({ modelDir: defaultModelDir() });
const calibration = await loadCalibration();

async function tsv(path) {
  const [header, ...rows] = (await readFile(path, 'utf8')).trim().split('\n');
  const keys = header.split('\t');
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [keys[i], v])));
}

async function frame(path) {
  const a = await analyzer.analyzeFrame(await readFile(path));
  return a;
}

function stats(values) {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return { n: 0 };
  const q = (p) => s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))];
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const r = (x) => Math.round(x * 1000) / 1000;
  return {
    n: s.length,
    min: r(s[0]),
    p01: r(q(0.01)),
    p05: r(q(0.05)),
    p50: r(q(0.5)),
    mean: r(mean),
    p95: r(q(0.95)),
    p99: r(q(0.99)),
    max: r(s[s.length - 1]),
  };
}

const out = {};
const record = (name, frames) => {
  const faces = frames.filter((f) => f.face).map((f) => f.face);
  out[name] = {
    frames: frames.length,
    with_face: faces.length,
    multiple_faces: frames.filter((f) => f.faceCount > 1).length,
    ear: stats(faces.map((f) => f.eyeAspectRatio)),
    mar: stats(faces.map((f) => f.mouthAspectRatio)),
    yaw: stats(faces.map((f) => f.pose.yaw)),
    abs_yaw: stats(faces.map((f) => Math.abs(f.pose.yaw))),
    pitch: stats(faces.map((f) => f.pose.pitch)),
    roll: stats(faces.map((f) => f.pose.roll)),
    quality_score: stats(faces.map((f) => f.quality.score)),
    liveness: stats(faces.map((f) => f.liveness.score)),
    ms_total: stats(frames.map((f) => f.timings_ms.total)),
    ms_geometry: stats(frames.map((f) => f.timings_ms.geometry ?? 0)),
  };
  console.log(name, JSON.stringify(out[name]));
};

/** Per recording: min similarity of each frame to the best-quality frame; median-of-3 passive score. */
function perRecording(name, groups) {
  const minSims = [];
  const passives = [];
  const threshold = calibration;
  let below = 0;
  let pairs = 0;
  const ranges = { yaw: [], pitch: [], ear: [], mar: [] };
  for (const frames of groups.values()) {
    const faces = frames.filter((f) => f.face).map((f) => f.face);
    if (faces.length === 0) continue;
    const best = [...faces].sort((a, b) => b.quality.score - a.quality.score);
    const top = best
      .slice(0, 3)
      .map((f) => f.liveness.score)
      .sort((a, b) => a - b);
    passives.push(top.length % 2 ? top[top.length >> 1] : (top[0] + top[1]) / 2);
    let min = 1;
    for (const f of faces.slice(0)) {
      if (f === best[0]) continue;
      const v = verifyTemplates(threshold, f.template, best[0].template);
      pairs++;
      if (!v.match['1e-4']) below++;
      min = Math.min(min, v.similarity);
    }
    if (faces.length > 1) minSims.push(min);
    if (faces.length > 1) {
      const range = (xs) => Math.max(...xs) - Math.min(...xs);
      ranges.yaw.push(range(faces.map((f) => f.pose.yaw)));
      ranges.pitch.push(range(faces.map((f) => f.pose.pitch)));
      ranges.ear.push(range(faces.map((f) => f.eyeAspectRatio)));
      ranges.mar.push(range(faces.map((f) => f.mouthAspectRatio)));
    }
  }
  out[`${name}:recordings`] = {
    same_face_threshold_1e4:
      Math.round(verifyTemplates(calibration, groupsFirst(groups), groupsFirst(groups)).thresholds['1e-4'] * 1000) /
      1000,
    recordings: groups.size,
    min_similarity_to_best: stats(minSims),
    frames_below_1e4: `${below}/${pairs}`,
    passive_median_of_best3: stats(passives),
    passive_below_threshold: `${passives.filter((p) => p < defaultLivenessThreshold).length}/${passives.length}`,
    range_within_recording: Object.fromEntries(Object.entries(ranges).map(([k, v]) => [k, stats(v)])),
  };
  console.log(`${name}:recordings`, JSON.stringify(out[`${name}:recordings`]));
}

const sample = (rows) => rows.slice(0, limit);
const groupsFirst = (groups) => [...groups.values()].flat().find((f) => f.face).face.template;
const lowEar = [];

// 1. faces-color-dev: LFW photos, mostly frontal, eyes mostly open.
{
  const root = join(datasets, 'faces-color-dev/images');
  const frames = [];
  const people = (await readdir(root)).sort();
  for (const p of people) {
    for (const file of (await readdir(join(root, p))).sort()) {
      if (frames.length >= limit) break;
      const f = await frame(join(root, p, file));
      frames.push(f);
      if (f.face && f.face.eyeAspectRatio < 0.2) lowEar.push([`${p}/${file}`, f.face.eyeAspectRatio]);
    }
  }
  record('faces-color-dev', frames);
  const opposite = [];
  // Mirror symmetry of the yaw estimate on a sample (a mirrored face should read as -yaw).
  out['faces-color-dev:low_ear'] = lowEar.sort((a, b) => a[1] - b[1]).slice(0, 30);
  console.log('low EAR', JSON.stringify(out['faces-color-dev:low_ear']));
  void opposite;
}

// 2. pad-dev (NUAA) and 3. replay-dev (Idiap), live and spoof, grouped by recording.
for (const [set, groupOf] of [
  ['pad-dev', (img) => img.split('/')[1] + '_' + img.split('/').pop().split('_').slice(0, 4).join('_')],
  ['replay-dev', (img) => img.split('/')[1]],
]) {
  const labels = sample(await tsv(join(datasets, set, 'labels.tsv')));
  for (const label of ['live', 'spoof']) {
    const frames = [];
    const groups = new Map();
    for (const row of labels.filter((r) => r.label === label)) {
      const f = await frame(join(datasets, set, 'images', row.image));
      frames.push(f);
      const g = groupOf(row.image);
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(f);
      if (f.face && f.face.eyeAspectRatio < 0.2 && label === 'live')
        lowEar.push([`${set}/${row.image}`, f.face.eyeAspectRatio]);
    }
    record(`${set}:${label}`, frames);
    perRecording(`${set}:${label}`, groups);
  }
}
out['low_ear_live'] = lowEar.sort((a, b) => a[1] - b[1]).slice(0, 40);
console.log('low EAR (all live)', JSON.stringify(out['low_ear_live']));

await analyzer.release();
if (jsonOut) await writeFile(jsonOut, JSON.stringify(out, null, 1));
