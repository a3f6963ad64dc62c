import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  chooseFlashSequence,
  detectFlashResponse,
  flashColorRgb,
  type FlashColor,
  type FlashFrame,
  type FlashStep,
} from '@visage/core';
import { decodeImage, faceRegionMeanRgb } from '@visage/engine';

/**
 * The reflected-light detector on frame sequences synthesised from real fixture faces: each frame is the face lit by
 * a small fraction of the screen colour shown (multiplicative: skin reflects the light's colour), with per-pixel
 * noise and per-frame brightness jitter, JPEG-encoded like the page's frames, then decoded and measured by the
 * engine's face-region mean. Thresholds in liveness-thresholds.ts were set on these (docs/liveness.md "Flash").
 */

const fixtures = ['lfw-anthony-fauci-0001.jpg', 'lfw-angela-bassett-0001.jpg', 'nuaa-live-0001.jpg'];
const faces: { data: Uint8Array; width: number; height: number; channels: number }[] = [];

beforeAll(async () => {
  for (const name of fixtures) {
    const bytes = await readFile(fileURLToPath(new URL(`../../../../fixtures/${name}`, import.meta.url)));
    const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    faces.push({ data, width: info.width, height: info.height, channels: info.channels });
  }
});

/** A deterministic PRNG (mulberry32) so that a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

/** One frame: the face lit by `strength` of `color` (null: no screen light), noise σ=`noise` levels, as a JPEG. */
async function frame(face: (typeof faces)[number], color: FlashColor | null, strength: number, rand: () => number) {
  const out = Buffer.alloc(face.width * face.height * 3);
  const light = color ? flashColorRgb[color] : ([0, 0, 0] as const);
  const gain = 1 + (rand() - 0.5) * 0.06; // auto-exposure jitter ±3 %
  for (let i = 0; i < face.width * face.height; i++) {
    for (let c = 0; c < 3; c++) {
      const v = face.data[i * face.channels + c]! * gain * (1 + (strength * light[c]!) / 255) + gaussian(rand) * 4;
      out[i * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return sharp(out, { raw: { width: face.width, height: face.height, channels: 3 } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/** The face box of the fixture: the central 60 % (the LFW and NUAA fixtures hold one centred face). */
const boxOf = (w: number, h: number) => ({ x1: w * 0.2, y1: h * 0.2, x2: w * 0.8, y2: h * 0.8 });

/**
 * Frames of a sequence as the page tags them (step k, timestamps within step k's window), but lit by `shown(k)`:
 * the real response is `shown = k => sequence[k].color`.
 */
async function synthesise(
  faceIndex: number,
  sequence: readonly FlashStep[],
  shown: (step: number, frameInStep: number) => FlashColor | null,
  seed: number,
  strength = 0.08,
): Promise<FlashFrame[]> {
  const rand = prng(seed);
  const face = faces[faceIndex]!;
  const frames: FlashFrame[] = [];
  let start = 0;
  for (let k = 0; k < sequence.length; k++) {
    for (let j = 0; j < 3; j++) {
      const jpeg = await frame(face, shown(k, j), strength, rand);
      const img = await decodeImage(new Uint8Array(jpeg));
      frames.push({
        step: k,
        capturedAtMs: start + 120 + j * 110 + Math.round(rand() * 20),
        rgb: faceRegionMeanRgb(img, boxOf(img.width, img.height)),
      });
    }
    start += sequence[k]!.durationMs;
  }
  return frames;
}

const sequences: FlashStep[][] = [
  [
    { color: 'red', durationMs: 500 },
    { color: 'blue', durationMs: 600 },
    { color: 'green', durationMs: 450 },
    { color: 'yellow', durationMs: 700 },
    { color: 'cyan', durationMs: 400 },
  ],
  chooseFlashSequence([3, 17, 200, 91, 4, 250, 66, 12, 180, 33, 7, 140, 99]),
  chooseFlashSequence([0, 5, 9, 130, 77, 41, 2, 222, 18, 64, 111, 8, 50]),
];

describe('flash response on synthesised fixture sequences', () => {
  it('passes when the face follows the sequence, for every fixture and sequence', async () => {
    for (let f = 0; f < fixtures.length; f++) {
      for (const [s, sequence] of sequences.entries()) {
        const frames = await synthesise(f, sequence, (k) => sequence[k]!.color, 1000 + f * 10 + s);
        const result = detectFlashResponse(sequence, frames);
        expect(result, `${fixtures[f]} sequence ${s}: ${JSON.stringify(result)}`).toMatchObject({ passed: true });
      }
    }
  });

  it('fails when the colours come in the wrong order (a replay made for another sequence)', async () => {
    for (let f = 0; f < fixtures.length; f++) {
      for (const [s, sequence] of sequences.entries()) {
        const reversed = [...sequence].reverse();
        const frames = await synthesise(f, sequence, (k) => reversed[k]!.color, 2000 + f * 10 + s);
        expect(detectFlashResponse(sequence, frames).passed, `${fixtures[f]} sequence ${s}`).toBe(false);
      }
    }
  });

  it('fails without a response (a screen or print does not pick up the colour): noise only', async () => {
    for (let f = 0; f < fixtures.length; f++) {
      for (const [s, sequence] of sequences.entries()) {
        const frames = await synthesise(f, sequence, () => null, 3000 + f * 10 + s);
        const result = detectFlashResponse(sequence, frames);
        expect(result.passed, `${fixtures[f]} sequence ${s}`).toBe(false);
        expect(result.problem).toBe('no_response');
      }
    }
  });

  it('fails when the response lags by one step (a relay showing the colours late)', async () => {
    for (let f = 0; f < fixtures.length; f++) {
      for (const [s, sequence] of sequences.entries()) {
        const frames = await synthesise(f, sequence, (k) => sequence[Math.max(0, k - 1)]!.color, 4000 + f * 10 + s);
        expect(detectFlashResponse(sequence, frames).passed, `${fixtures[f]} sequence ${s}`).toBe(false);
      }
    }
  });

  it('fails on another random sequence of the same length (a guess)', async () => {
    for (let f = 0; f < fixtures.length; f++) {
      const sequence = sequences[0]!;
      const guess: FlashColor[] = ['green', 'magenta', 'red', 'blue', 'yellow'];
      const frames = await synthesise(f, sequence, (k) => guess[k]!, 5000 + f);
      expect(detectFlashResponse(sequence, frames).passed, fixtures[f]).toBe(false);
    }
  });

  it('refuses too few frames and frames outside their step window', async () => {
    const sequence = sequences[0]!;
    const frames = await synthesise(0, sequence, (k) => sequence[k]!.color, 6000);
    expect(
      detectFlashResponse(
        sequence,
        frames.filter((fr) => fr.step !== 2 || fr.capturedAtMs < 0),
      ).problem,
    ).toBe('too_few_frames');
    const stretched = frames.map((fr, i) => (i === 2 ? { ...fr, capturedAtMs: fr.capturedAtMs + 2000 } : fr));
    expect(detectFlashResponse(sequence, stretched).problem).toBe('timing');
  });
});

describe('chooseFlashSequence', () => {
  it('gives 4-6 steps of 400-700 ms with no colour twice in a row', () => {
    const rand = prng(7);
    for (let n = 0; n < 200; n++) {
      const bytes = Array.from({ length: 16 }, () => Math.floor(rand() * 256));
      const seq = chooseFlashSequence(bytes);
      expect(seq.length).toBeGreaterThanOrEqual(4);
      expect(seq.length).toBeLessThanOrEqual(6);
      for (const [i, step] of seq.entries()) {
        expect(step.durationMs).toBeGreaterThanOrEqual(400);
        expect(step.durationMs).toBeLessThanOrEqual(700);
        if (i > 0) expect(step.color).not.toBe(seq[i - 1]!.color);
      }
    }
  });
});
