import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { readIdCard, type IdCardReadingBack, type IdCardReadingFront } from '@visage/core';
import { createFaceEngine, createOcrEngine, defaultModelDir, type OcrEngine } from '@visage/engine';
import { dialectNames } from '@visage/storage/testing';
import { consent, fixture, operator, startTestPlatform, type TestPlatform } from '@visage/server/testing';
import { hasCjkFont, portraitFixtures, toReading } from '../commands/bench-ocr.command.js';
import { syntheticCards, type SyntheticCard } from './synthetic-id-card.js';

// The cards are drawn with a CJK font; CI installs fonts-wqy-microhei (.ci/run). Without one there is nothing to read.
const cjkFont = hasCjkFont();
if (!cjkFont) console.warn('ID-card OCR tests skipped: no CJK font (apt-get install fonts-wqy-microhei)');
const today = new Date('2026-11-29T00:00:00Z');

async function drawCards(count: number, seed: number, badCheckDigitEvery = 0): Promise<SyntheticCard[]> {
  const cards: SyntheticCard[] = [];
  for await (const card of syntheticCards({ count, seed, portraits: portraitFixtures, today, badCheckDigitEvery })) {
    cards.push(card);
  }
  return cards;
}

describe.skipIf(!cjkFont)('ID-card OCR on synthetic cards (real inference)', () => {
  let engine: OcrEngine;
  let cards: SyntheticCard[];
  beforeAll(async () => {
    engine = await createOcrEngine({ modelDir: defaultModelDir(), workers: 2 });
    // Seed 5, every third card with a wrong check character: 2 clean and 2 degraded cards (one turned 90°).
    cards = await drawCards(4, 5, 3);
  });
  afterAll(() => engine.dispose());

  const read = async (bytes: Uint8Array, side: 'front' | 'back') =>
    readIdCard(toReading(await engine.read(bytes), engine.modelId), side, today);

  it('reads every field of the front and catches the wrong check character', async () => {
    expect(cards.map((c) => c.degradation.level)).toEqual(['clean', 'mild', 'clean', 'mild']);
    expect(cards.some((c) => Math.abs(c.degradation.rotation) > 45)).toBe(true);
    const fronts = (await Promise.all(cards.map((c) => read(c.front, 'front')))) as IdCardReadingFront[];
    fronts.forEach((f, i) => {
      const p = cards[i]!.person;
      expect(f.side).toBe('front');
      expect({
        name: f.fields.name?.value,
        sex: f.fields.sex?.value,
        ethnicity: f.fields.ethnicity?.value,
        birthDate: f.fields.birthDate?.value,
        address: f.fields.address?.value,
        idNumber: f.fields.idNumber?.value,
      }).toEqual({
        name: p.name,
        sex: p.sex,
        ethnicity: p.ethnicity,
        birthDate: p.birthDate,
        address: p.address,
        idNumber: p.idNumber,
      });
      expect(f.checks.checkDigit).toBe(p.validCheckDigit);
      expect(f.checks.birthDateMatchesNumber).toBe(true);
      expect(f.checks.sexMatchesNumber).toBe(true);
      expect(f.fields.idNumber!.confidence).toBeGreaterThan(0.5);
    });
    expect(cards.filter((c) => !c.person.validCheckDigit)).toHaveLength(1);
  });

  it('reads the back: authority and validity, checked against today', async () => {
    const backs = (await Promise.all(cards.map((c) => read(c.back, 'back')))) as IdCardReadingBack[];
    backs.forEach((b, i) => {
      const p = cards[i]!.person;
      expect(b.fields.issuingAuthority?.value).toBe(p.issuingAuthority);
      expect(b.fields.validFrom?.value).toBe(p.validFrom);
      expect(b.fields.validUntil?.value).toBe(p.validUntil === 'long-term' ? 'long_term' : p.validUntil);
      expect(b.checks).toEqual({ validityWellFormed: true, notExpired: true });
    });
  });

  it('crops the portrait of every front, upright whatever the card’s rotation, and none from a back', async () => {
    const faces = await createFaceEngine({ modelDir: defaultModelDir(), workers: 1 });
    onTestFinished(() => faces.dispose());
    for (const card of cards) {
      const result = await engine.read(card.front, { portrait: true });
      expect(result.portrait, `card ${card.index}`).toBeDefined();
      const meta = await sharp(result.portrait!).metadata();
      expect(meta.format).toBe('jpeg');
      // Portrait-shaped (3:4) and about the printed photo's size relative to the card.
      expect(meta.height / meta.width).toBeGreaterThan(1.1);
      expect(meta.width).toBeGreaterThan(card.degradation.cardWidth * 0.12);
      expect(meta.width).toBeLessThan(card.degradation.cardWidth * 0.45);
      // Upright: the face engine finds the face with its eyes above its mouth.
      const face = await faces.analyze(result.portrait!, { liveness: false });
      const [rightEye, leftEye, , mouthRight, mouthLeft] = face.faces[face.chosen]!.landmarks;
      expect(Math.max(rightEye.y, leftEye.y)).toBeLessThan(Math.min(mouthRight.y, mouthLeft.y));
    }
    expect((await engine.read(cards[0]!.back, { portrait: true })).portrait).toBeUndefined();
    expect((await engine.read(cards[0]!.front)).portrait).toBeUndefined();
  });

  it('refuses a photo with no card in it, and a front sent as a back', async () => {
    await expect(read(fixture('nuaa-live-0001.jpg'), 'front')).rejects.toMatchObject({ code: 'image.no_id_card' });
    await expect(read(cards[0]!.front, 'back')).rejects.toMatchObject({
      code: 'image.no_id_card',
      details: { expected: 'back', found: 'front' },
    });
  });
});

for (const dialect of dialectNames) {
  describe.skipIf(!cjkFont)(`POST /v1/id-cards/ocr on ${dialect}`, () => {
    let t: TestPlatform;
    let card: SyntheticCard;
    beforeAll(async () => {
      t = await startTestPlatform({ dialect });
      await t.services.pricing.setPrice({ product: 'id_card_ocr', amountFen: 20, actor: operator });
      card = (await drawCards(1, 11))[0]!;
    });
    afterAll(() => t.close());
    const cashOf = async (orgId: string) => (await t.services.wallet.balances(orgId)).cash;

    it('reads a front, charges the price once and logs metadata only', async () => {
      const { orgId, key } = await t.customer({ mode: 'live', cashFen: 100 });
      const image = Buffer.from(card.front).toString('base64');
      const { status, json } = await t.call(key, 'POST', '/v1/id-cards/ocr', {
        image,
        side: 'auto',
        portrait: true,
        consent,
      });
      expect(status).toBe(200);
      expect(json).toMatchObject({
        result_code: 'result.id_card_valid',
        side: 'front',
        valid: true,
        billed: true,
        model_id: 'ppocr-v4-mobile',
        front: { name: { value: card.person.name }, id_number: { value: card.person.idNumber } },
        checks: { check_digit: true, id_number_problem: null },
      });
      expect(await cashOf(orgId)).toBe(80);
      const portrait = Buffer.from((json['front'] as { portrait: string }).portrait, 'base64');
      expect((await sharp(portrait).metadata()).format).toBe('jpeg');
      const rows = await sql<Record<string, unknown>>`select * from verification where org_id = ${orgId}`.execute(
        t.services.database.db,
      );
      expect(rows.rows).toHaveLength(1);
      const row = rows.rows[0]!;
      expect(row['product']).toBe('id_card_ocr');
      expect(row['result_sealed'] ?? null).toBeNull();
      // Neither the number nor the name is anywhere in the call log.
      expect(JSON.stringify(row)).not.toContain(card.person.idNumber);
      expect(JSON.stringify(row)).not.toContain(card.person.name);
      const blobs = await sql<{ n: number }>`select count(*) as n from verification_blob`.execute(
        t.services.database.db,
      );
      expect(Number(blobs.rows[0]!.n)).toBe(0);
    });

    it('refuses bad input with a typed error and charges nothing', async () => {
      const { orgId, key } = await t.customer({ mode: 'live', cashFen: 100 });
      const noCard = await t.call(key, 'POST', '/v1/id-cards/ocr', {
        image: fixture('lfw-anthony-fauci-0001.jpg').toString('base64'),
        consent,
      });
      expect(noCard.status).toBe(422);
      expect(noCard.json['error']).toMatchObject({ code: 'image.no_id_card' });
      const notImage = await t.call(key, 'POST', '/v1/id-cards/ocr', {
        image: Buffer.from('not a picture').toString('base64'),
        side: 'front',
        consent,
      });
      expect(notImage.json['error']).toMatchObject({ code: 'image.unsupported_format' });
      const badSide = await t.call(key, 'POST', '/v1/id-cards/ocr', { image: 'AAAA', side: 'left', consent });
      expect(badSide.json['error']).toMatchObject({ code: 'request.invalid' });
      const noConsent = await t.call(key, 'POST', '/v1/id-cards/ocr', { image: 'AAAA' });
      expect(noConsent.json['error']).toMatchObject({ code: 'consent.required' });
      expect(await cashOf(orgId)).toBe(100);
    });
  });
}
