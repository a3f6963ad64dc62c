import { fileURLToPath } from 'node:url';
import { createFaceIdClient, operator, startTestPlatform, type TestPlatform } from '@visage/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCards, type SyntheticCard } from './id-cards/synthetic-id-card.js';

/**
 * FaceID's `ocridcard`, sent as a FaceID client sends it (api_key, api_secret, image file part), against a running
 * server: the fields come back in FaceID's shape from our own ID-card OCR. Cards are the synthetic ones of the OCR
 * benchmark (fictitious people, drawn in code).
 */
const portrait = fileURLToPath(new URL('../../../fixtures/lfw-angela-bassett-0001.jpg', import.meta.url));

describe('FaceID ocridcard through a FaceID-style client', () => {
  let t: TestPlatform;
  let baseUrl: string;
  const cards: SyntheticCard[] = [];
  beforeAll(async () => {
    t = await startTestPlatform({ env: { VISAGE_SANDBOX_RATE_PER_SECOND: '1000' } });
    await t.services.pricing.setPrice({ product: 'id_card_ocr', amountFen: 5, actor: operator });
    baseUrl = await t.platform.app.listen({ host: '127.0.0.1', port: 0 });
    // Two clean cards (the generator alternates clean and mildly degraded).
    for await (const card of syntheticCards({ count: 3, seed: 6006, portraits: [portrait], today: new Date() })) {
      if (card.degradation.level === 'clean') cards.push(card);
    }
  });
  afterAll(() => t?.close());

  it('reads the front and the back into FaceID fields, charged as id_card_ocr', async () => {
    const { orgId, key } = await t.customer({ mode: 'live', cashFen: 100 });
    const client = createFaceIdClient(baseUrl, { apiKey: key.keyId, apiSecret: key.secret });
    for (const card of cards) {
      const front = await client.ocrIdCard(card.front);
      expect(front.status, JSON.stringify(front.json)).toBe(200);
      expect(front.json).toMatchObject({
        request_id: expect.any(String),
        time_used: expect.any(Number),
        side: 0,
        name: { result: card.person.name, quality: expect.any(Number) },
        gender: { result: card.person.sex },
        idcard_number: { result: card.person.idNumber, logic: 0 },
        birth_year: { result: card.person.birthDate.slice(0, 4) },
      });
      const back = await client.ocrIdCard(card.back);
      expect(back.status, JSON.stringify(back.json)).toBe(200);
      expect(back.json).toMatchObject({
        side: 1,
        valid_date_start: { result: card.person.validFrom.replaceAll('-', '') },
      });
      expect(back.json.issued_by.result).toBe(card.person.issuingAuthority);
    }
    // FaceID's result (1001 clean / 1002 with anomalies) is our reading's `valid`, from the same service as /v1.
    const native = await t.call(key, 'POST', '/v1/id-cards/ocr', {
      image: Buffer.from(cards[0]!.front).toString('base64'),
      consent: { subject_ref: 'card-1', text_version: 'v1', obtained_at: new Date().toISOString(), method: 'checkbox' },
    });
    expect(native.status, JSON.stringify(native.json)).toBe(200);
    const again = await client.ocrIdCard(cards[0]!.front);
    expect(again.json.result).toBe(native.json['valid'] === true ? 1001 : 1002);
    expect(again.json.idcard_number.result).toBe(
      (native.json['front'] as { id_number: { value: string } }).id_number.value,
    );
    expect((await t.services.wallet.balances(orgId)).cash).toBe(100 - 5 * (2 * cards.length + 2));

    const wrong = await createFaceIdClient(baseUrl, { apiKey: key.keyId, apiSecret: 'nope' }).ocrIdCard(
      cards[0]!.front,
    );
    expect(wrong.status).toBe(401);
    expect(wrong.json.error_message).toBe('AUTHENTICATION_ERROR');
  });
});
