import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { imageHints, readIdCard, type IdCardReadingBack, type IdCardReadingFront, type OcrReading } from '@visage/core';
import { createOcrEngine, type OcrEngine, type OcrResult } from '@visage/engine';
import { syntheticCards, type SyntheticCard } from '../id-cards/synthetic-id-card.js';
import type { EngineSettings } from '../settings.js';

export interface BenchOcrOptions {
  readonly count: number;
  readonly seed: number;
  readonly workers?: number;
  /** The "today" the cards are drawn and checked against (fixed, so a run is reproducible). */
  readonly today?: Date;
  /** Every n-th card carries a wrong check character. */
  readonly badCheckDigitEvery?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

const frontFields = ['name', 'sex', 'ethnicity', 'birthDate', 'address', 'idNumber'] as const;
const backFields = ['issuingAuthority', 'validFrom', 'validUntil'] as const;
type FieldName = (typeof frontFields)[number] | (typeof backFields)[number];

/** The repository's face fixtures, used as the cards' portraits. */
export const portraitFixtures = [
  'lfw-anthony-fauci-0001.jpg',
  'lfw-angela-bassett-0001.jpg',
  'lfw-anthony-fauci-0002.jpg',
  'nuaa-live-0001.jpg',
].map((f) => fileURLToPath(new URL(`../../../../fixtures/${f}`, import.meta.url)));

/** Whether fontconfig knows a font that covers Chinese (the cards are drawn with one). */
export function hasCjkFont(): boolean {
  try {
    return execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
}

export function toReading(result: OcrResult, modelId: string): OcrReading {
  return {
    image: result.image,
    rotation: result.rotation,
    lines: result.lines,
    ...(result.cardQuad ? { cardQuad: result.cardQuad } : {}),
    signals: result.signals,
    modelId,
    ...(result.portrait ? { portrait: result.portrait } : {}),
  };
}

function expected(card: SyntheticCard, name: FieldName): string {
  const p = card.person;
  if (name === 'validUntil') return p.validUntil === 'long-term' ? 'long_term' : p.validUntil;
  return p[name];
}

/** One card through the engine and the field reader, front and back; errors count as every field wrong. */
export async function readCard(engine: OcrEngine, card: SyntheticCard, today: Date) {
  const side = async (bytes: Uint8Array, which: 'front' | 'back') => {
    const result = await engine.read(bytes);
    const reading = toReading(result, engine.modelId);
    try {
      return { result, reading, card: readIdCard(reading, which, today) };
    } catch (error) {
      return { result, reading, error: error instanceof Error ? error.message : String(error) };
    }
  };
  const [front, back] = await Promise.all([side(card.front, 'front'), side(card.back, 'back')]);
  return { front, back };
}

const rate = (hits: number, total: number) => (total === 0 ? null : Math.round((hits / total) * 10000) / 10000);

/**
 * Field accuracy of the ID-card reader on seeded synthetic cards (half clean, half mildly degraded): exact
 * matches per field, check-digit detection, hint rates and time per image.
 */
export async function benchOcr(settings: EngineSettings, options: BenchOcrOptions) {
  const today = options.today ?? new Date('2026-11-29T00:00:00Z');
  if (!hasCjkFont()) {
    // Without one, librsvg draws the card's text as empty boxes and the figures would measure nothing.
    throw new RangeError('no CJK font for the synthetic cards: install fonts-wqy-microhei (see .ci/run)');
  }
  const engine = await createOcrEngine({
    modelDir: settings.modelDir,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
  });
  const tally = new Map<string, { hits: number; total: number }>();
  const count = (key: string, hit: boolean) => {
    const t = tally.get(key) ?? { hits: 0, total: 0 };
    t.total++;
    if (hit) t.hits++;
    tally.set(key, t);
  };
  const times: number[] = [];
  const signals = new Map<string, number[]>();
  const misreads: { index: number; field: string; expected: string; read: string | null }[] = [];
  const started = performance.now();
  try {
    const cards = syntheticCards({
      count: options.count,
      seed: options.seed,
      portraits: portraitFixtures,
      today,
      badCheckDigitEvery: options.badCheckDigitEvery ?? 10,
    });
    // Two cards in flight keep every worker busy while the next card is drawn.
    const pending: Promise<void>[] = [];
    let done = 0;
    for await (const card of cards) {
      const job = readCard(engine, card, today).then(({ front, back }) => {
        times.push(front.result.timings_ms.total, back.result.timings_ms.total);
        const level = card.degradation.level;
        const score = (read: IdCardReadingFront | IdCardReadingBack | undefined, names: readonly FieldName[]) => {
          for (const name of names) {
            const got = read
              ? ((read.fields as unknown as Record<string, { value: string } | null>)[name]?.value ?? null)
              : null;
            const hit = got === expected(card, name);
            count(`field:${name}:all`, hit);
            count(`field:${name}:${level}`, hit);
            if (!hit) misreads.push({ index: card.index, field: name, expected: expected(card, name), read: got });
          }
        };
        score('card' in front ? front.card : undefined, frontFields);
        score('card' in back ? back.card : undefined, backFields);
        const f = 'card' in front && front.card?.side === 'front' ? front.card : undefined;
        const numberRead = f?.fields.idNumber?.value === card.person.idNumber;
        // A wrong check character must be caught whenever the number was read as printed.
        if (!card.person.validCheckDigit) count('check_digit:caught', f?.checks.checkDigit === false);
        else if (numberRead) count('check_digit:false_alarm', f?.checks.checkDigit === false);
        // A misread number (any digit wrong) should fail a check too.
        if (f?.fields.idNumber && !numberRead && card.person.validCheckDigit) {
          count('misread_number:caught', f.checks.idNumberValid === false);
        }
        const valid = f && card.person.validCheckDigit ? Object.values(f.checks).every((c) => c !== false) : undefined;
        if (valid !== undefined) count(`front_checks_pass:${level}`, valid);
        const hints = imageHints(front.reading.signals).map((h) => h.code);
        const group = (key: string, value: number) => signals.set(key, [...(signals.get(key) ?? []), value]);
        group(
          card.degradation.grayscale ? 'mean_chroma:grayscale' : 'mean_chroma:colour',
          front.reading.signals.meanChroma,
        );
        group(
          `flat_pixel_share:${card.degradation.noise > 0 ? 'noisy' : 'noiseless'}`,
          front.reading.signals.flatPixelShare,
        );
        count(
          card.degradation.grayscale ? 'hint:grayscale:on_grayscale' : 'hint:grayscale:on_colour',
          hints.includes('grayscale'),
        );
        count(
          `hint:screen_capture:${card.degradation.noise > 0 ? 'noisy' : 'noiseless'}`,
          hints.includes('screen_capture'),
        );
        count(`card_quad:found`, front.result.cardQuad !== undefined);
        options.onProgress?.(++done, options.count);
      });
      pending.push(job);
      if (pending.length >= engine.workers + 1) await pending.shift();
    }
    await Promise.all(pending);
  } finally {
    await engine.dispose();
  }
  const wall = performance.now() - started;
  const metrics = Object.fromEntries(
    [...tally.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, { rate: rate(v.hits, v.total), n: v.total }]),
  );
  const sorted = [...times].sort((a, b) => a - b);
  return {
    cards: options.count,
    seed: options.seed,
    today: today.toISOString().slice(0, 10),
    workers: engine.workers,
    model_id: engine.modelId,
    metrics,
    time_ms_per_image: {
      mean: Math.round(times.reduce((s, t) => s + t, 0) / Math.max(1, times.length)),
      p50: Math.round(sorted[Math.floor(sorted.length * 0.5)] ?? 0),
      p95: Math.round(sorted[Math.floor(sorted.length * 0.95)] ?? 0),
    },
    signals: Object.fromEntries(
      [...signals.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => {
          const sorted = [...v].sort((a, b) => a - b);
          return [k, { min: sorted[0], p50: sorted[sorted.length >> 1], max: sorted[sorted.length - 1], n: v.length }];
        }),
    ),
    wall_seconds: Math.round(wall / 100) / 10,
    misreads,
  };
}

const pctOf = (m: { rate: number | null; n: number } | undefined): string =>
  m?.rate == null ? 'n/a' : `${(m.rate * 100).toFixed(1)} % (n=${m.n})`;

export function formatBenchOcr(r: Awaited<ReturnType<typeof benchOcr>>): string {
  const m = r.metrics;
  const fields = [...frontFields, ...backFields].map(
    (f) =>
      `  ${f.padEnd(17)} all ${pctOf(m[`field:${f}:all`])}   clean ${pctOf(m[`field:${f}:clean`])}   mild ${pctOf(m[`field:${f}:mild`])}`,
  );
  return [
    `${r.cards} synthetic cards (seed ${r.seed}, today ${r.today}), ${r.model_id}, ${r.workers} worker(s), ${r.wall_seconds} s`,
    'exact field reads:',
    ...fields,
    `wrong check characters caught: ${pctOf(m['check_digit:caught'])}; false alarms on correct numbers: ${pctOf(m['check_digit:false_alarm'])}`,
    `misread numbers failing a check: ${pctOf(m['misread_number:caught'])}`,
    `hints: grayscale on grayscale cards ${pctOf(m['hint:grayscale:on_grayscale'])}, on colour cards ${pctOf(m['hint:grayscale:on_colour'])}; ` +
      `screen_capture on noiseless renders ${pctOf(m['hint:screen_capture:noiseless'])}, on noisy ${pctOf(m['hint:screen_capture:noisy'])}`,
    `card outline found: ${pctOf(m['card_quad:found'])}`,
    `time per image: mean ${r.time_ms_per_image.mean} ms, p50 ${r.time_ms_per_image.p50} ms, p95 ${r.time_ms_per_image.p95} ms`,
  ].join('\n');
}
