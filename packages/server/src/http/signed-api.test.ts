import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consent, fixture, operator, startTestPlatform, type TestPlatform } from '../testing/test-platform.js';
import { signedHeaders } from '../http/request-signer.js';

const fauci1 = fixture('lfw-anthony-fauci-0001.jpg').toString('base64');
const fauci2 = fixture('lfw-anthony-fauci-0002.jpg').toString('base64');

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({
    env: {
      VISAGE_SANDBOX_RATE_PER_SECOND: '3',
      VISAGE_KEY_RATE_PER_SECOND: '1000',
      VISAGE_KEY_CONCURRENCY: '1',
      VISAGE_SUBJECT_PER_MINUTE: '2',
      VISAGE_BODY_LIMIT_BYTES: '200000',
    },
  });
  await t.services.pricing.setPrice({ product: 'compare', amountFen: 50, actor: operator });
  await t.services.pricing.setPrice({ product: 'verification', amountFen: 100, actor: operator });
});
afterAll(() => t.close());

const compareBody = JSON.stringify({ image1: fauci1, image2: fauci2, consent });

describe('request signing over HTTP', () => {
  it('answers each missing or broken part with its code', async () => {
    const { key } = await t.customer({ mode: 'live', cashFen: 100 });
    const url = '/v1/consents';
    const body = JSON.stringify(consent);
    const send = (headers: Record<string, string>) =>
      t.platform.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', ...headers },
        payload: body,
      });
    const good = signedHeaders(key, { method: 'POST', url, body });

    const unsigned = await send({});
    expect([unsigned.statusCode, unsigned.json().error.code]).toEqual([401, 'signature.missing']);
    const wrongSecret = signedHeaders({ ...key, secret: 'not-the-secret' }, { method: 'POST', url, body });
    expect((await send(wrongSecret)).json().error.code).toBe('signature.invalid');
    const stale = signedHeaders(key, { method: 'POST', url, body }, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect((await send(stale)).json().error.code).toBe('signature.expired');
    const notHex = { ...good, 'x-visage-signature': `é${good['x-visage-signature']!.slice(1)}` };
    const garbled = await send(notHex);
    expect([garbled.statusCode, garbled.json().error.code]).toEqual([401, 'signature.invalid']);
    expect((await send(good)).statusCode).toBe(200);
    const replay = await send(good);
    expect([replay.statusCode, replay.json().error.code]).toEqual([401, 'signature.replayed']);
  });

  it('rejects a replayed billable request and does not bill it', async () => {
    const { orgId, key } = await t.customer({ mode: 'live', cashFen: 100 });
    const headers = {
      'content-type': 'application/json',
      ...signedHeaders(key, { method: 'POST', url: '/v1/compare', body: compareBody }),
    };
    const first = await t.platform.app.inject({ method: 'POST', url: '/v1/compare', headers, payload: compareBody });
    expect(first.statusCode).toBe(200);
    const replayed = await t.platform.app.inject({ method: 'POST', url: '/v1/compare', headers, payload: compareBody });
    expect(replayed.json().error.code).toBe('signature.replayed');
    expect((await t.services.wallet.balances(orgId)).cash).toBe(50);
  });

  it('rejects a request when any one signed component changes (property)', async () => {
    const { key } = await t.customer({ mode: 'live', cashFen: 100 });
    const body = JSON.stringify({ ...consent, subject_ref: 'prop-subject' });
    const url = '/v1/consents?b=2&a=1';
    const component = fc.constantFrom('method', 'path', 'query', 'timestamp', 'nonce', 'body');
    await fc.assert(
      fc.asyncProperty(component, fc.nat({ max: body.length - 1 }), async (changed, at) => {
        const headers = signedHeaders(key, { method: 'POST', url, body });
        let method: 'POST' | 'DELETE' = 'POST';
        let sentUrl = url;
        let payload = body;
        if (changed === 'method') method = 'DELETE';
        if (changed === 'path') sentUrl = '/v1/consentz?b=2&a=1';
        if (changed === 'query') sentUrl = '/v1/consents?b=3&a=1';
        if (changed === 'timestamp') headers['x-visage-timestamp'] = String(Number(headers['x-visage-timestamp']) - 1);
        if (changed === 'nonce') headers['x-visage-nonce'] = `${headers['x-visage-nonce']!.slice(0, -1)}Z`;
        if (changed === 'body') {
          const flipped = body.charCodeAt(at) ^ 1;
          payload = body.slice(0, at) + String.fromCharCode(flipped) + body.slice(at + 1);
        }
        const response = await t.platform.app.inject({
          method,
          url: sentUrl,
          headers: { 'content-type': 'application/json', ...headers },
          payload,
        });
        // A changed path may hit no route at all (404); every other change must fail the signature.
        if (changed === 'path' || changed === 'method') expect([401, 404]).toContain(response.statusCode);
        else expect(response.json().error.code).toBe('signature.invalid');
        expect(response.statusCode).not.toBe(200);
      }),
      { numRuns: 60 },
    );
  });
});

describe('limits', () => {
  it('rate-limits a sandbox key with Retry-After', async () => {
    const { key } = await t.customer({ mode: 'sandbox' });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await t.call(key, 'POST', '/v1/consents', consent)).status);
    expect(codes.slice(0, 3)).toEqual([200, 200, 200]);
    const limited = await t.call(key, 'POST', '/v1/consents', consent);
    expect(limited.status).toBe(429);
    expect(limited.json['error']).toMatchObject({ code: 'key.rate_limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('limits requests in flight per key', async () => {
    const { key } = await t.customer({ mode: 'live', cashFen: 1000 });
    const calls = await Promise.all(
      [0, 1, 2].map((i) =>
        t.call(key, 'POST', '/v1/compare', { image1: fauci1, image2: fauci2, consent, biz_no: `c${i}` }),
      ),
    );
    const codes = calls.map((c) => (c.status === 200 ? 'ok' : (c.json['error'] as { code: string }).code));
    expect(codes.filter((c) => c === 'ok').length).toBeGreaterThanOrEqual(1);
    expect(codes).toContain('key.concurrency_limited');
  });

  it('limits verifications per subject', async () => {
    const { key } = await t.customer({ mode: 'live', cashFen: 1000 });
    const verify = () =>
      t.call(key, 'POST', '/v1/verifications', {
        selfie: fauci1,
        comparison: { type: 'reference', image: fauci2 },
        consent: { ...consent, subject_ref: 'busy-subject' },
      });
    expect((await verify()).status).toBe(200);
    expect((await verify()).status).toBe(200);
    const third = await verify();
    expect(third.status).toBe(429);
    expect(third.json['error']).toMatchObject({ code: 'subject.rate_limited' });
  });

  it('caps the body size (413), before any work', async () => {
    const { orgId, key } = await t.customer({ mode: 'live', cashFen: 1000 });
    const big = 'A'.repeat(300_000);
    const response = await t.call(key, 'POST', '/v1/compare', { image1: big, image2: big, consent });
    expect(response.status).toBe(413);
    expect(response.json['error']).toMatchObject({ code: 'request.body_too_large', details: { limit_bytes: 200000 } });
    expect((await t.services.wallet.balances(orgId)).cash).toBe(1000);
  });
});
