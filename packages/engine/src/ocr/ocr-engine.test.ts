import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The pool's workers run compiled code, so this exercises the built package (`npm test` builds first).
import { createOcrEngine, defaultModelDir, EngineError, ocrModelFiles } from '@visage/engine';

async function expectCode(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  expect((error as EngineError).code).toBe(code);
}

describe('the OCR engine fails closed', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'visage-ocr-models-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function copyModels(): Promise<string> {
    const target = await mkdtemp(join(dir, 'm-'));
    for (const file of ocrModelFiles) await copyFile(join(defaultModelDir(), file), join(target, file));
    return target;
  }

  it('refuses a missing recogniser, an altered detector and an altered dictionary before any worker starts', async () => {
    const missing = await copyModels();
    await rm(join(missing, 'ppocr_v4_rec.onnx'));
    await expectCode(createOcrEngine({ modelDir: missing, workers: 1 }), 'model.missing');

    const altered = await copyModels();
    const path = join(altered, 'ppocr_v4_det.onnx');
    const bytes = await readFile(path);
    bytes.writeUInt8(bytes.readUInt8(bytes.length >> 1) ^ 0x01, bytes.length >> 1);
    await writeFile(path, bytes);
    await expectCode(createOcrEngine({ modelDir: altered, workers: 1 }), 'model.integrity');

    const dictionary = await copyModels();
    await writeFile(
      join(dictionary, 'ppocr_keys_v1.txt'),
      (await readFile(join(dictionary, 'ppocr_keys_v1.txt'))) + 'x\n',
    );
    await expectCode(createOcrEngine({ modelDir: dictionary, workers: 1 }), 'model.integrity');
  });

  it('answers bad images with the image codes, and reads nothing from a blank page', async () => {
    const engine = await createOcrEngine({ modelDir: defaultModelDir(), workers: 1 });
    try {
      await expectCode(engine.read(new TextEncoder().encode('not an image')), 'image.unsupported_format');
      const blank = await sharp({ create: { width: 400, height: 250, channels: 3, background: '#ffffff' } })
        .png()
        .toBuffer();
      const result = await engine.read(new Uint8Array(blank));
      expect(result.lines).toEqual([]);
      expect(result.image).toEqual({ width: 400, height: 250, format: 'png' });
    } finally {
      await engine.dispose();
    }
  });
});
