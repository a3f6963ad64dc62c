import { verifyWebhookSignature, webhookSecretBytes } from '@visage/contracts';
import { describe, expect, it } from 'vitest';
import { testCrypto } from '../testing/node-ports.js';
import {
  newWebhookSecret,
  webhookMaxRetryDelaySeconds,
  webhookRetryDelaySeconds,
  webhookRetryWindowSeconds,
} from './webhook-delivery.js';

describe('webhook retries', () => {
  it('doubles from 30 s up to 12 h, jittered by ±20 %', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 5].map((n) => webhookRetryDelaySeconds(n, middle))).toEqual([30, 60, 120, 240, 480]);
    expect(webhookRetryDelaySeconds(30, middle)).toBe(webhookMaxRetryDelaySeconds);
    expect(webhookRetryDelaySeconds(1, () => 0)).toBe(24);
    expect(webhookRetryDelaySeconds(1, () => 0.999999)).toBeCloseTo(36, 3);
    expect(webhookRetryDelaySeconds(3, middle, 1)).toBe(4);
  });

  it('spreads attempts over the 72 h window (about 16 attempts without jitter)', () => {
    let elapsed = 0;
    let attempts = 1;
    for (;;) {
      const next = elapsed + webhookRetryDelaySeconds(attempts, () => 0.5);
      if (next > webhookRetryWindowSeconds) break;
      elapsed = next;
      attempts++;
    }
    expect(attempts).toBe(16);
    expect(elapsed / 3600).toBeGreaterThan(60);
  });
});

describe('webhook secrets', () => {
  it('are whsec_ + base64 of 32 random bytes, usable by the receiver helper', async () => {
    const secret = newWebhookSecret(testCrypto);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhookSecretBytes(secret)).toHaveLength(32);
    expect(newWebhookSecret(testCrypto)).not.toBe(secret);
    const { signWebhook } = await import('@visage/contracts');
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = await signWebhook(secret, { id: 'evt_1', timestamp, body: '{}' });
    await expect(
      verifyWebhookSignature(
        secret,
        { 'webhook-id': 'evt_1', 'webhook-timestamp': String(timestamp), 'webhook-signature': signature },
        '{}',
      ),
    ).resolves.toEqual({ id: 'evt_1', timestamp });
  });
});
