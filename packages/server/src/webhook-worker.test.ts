import type { WebhookDelivery } from '@visage/core';
import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createWebhookWorker } from './webhook-worker.js';

describe('the webhook worker', () => {
  it('runs at start and when woken, drains full batches, and on stop waits for the round then gives its claims back', async () => {
    const calls: string[] = [];
    let pending = 25;
    let release: () => void = () => {};
    let gate: Promise<void> | undefined = undefined;
    const delivery: WebhookDelivery = {
      async deliverDue(owner) {
        calls.push(`deliver:${owner}`);
        await gate;
        const handled = Math.min(pending, 10);
        pending -= handled;
        return handled;
      },
      async release(owner) {
        calls.push(`release:${owner}`);
        return 0;
      },
    };
    const worker = createWebhookWorker(delivery, {
      owner: 'wkr_1',
      intervalSeconds: 3600,
      log: { error() {} } as unknown as FastifyBaseLogger,
    });
    worker.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // 25 due: batches of 10, 10, 5 (not full: the round ends).
    expect(calls).toEqual(['deliver:wkr_1', 'deliver:wkr_1', 'deliver:wkr_1']);

    gate = new Promise((resolve) => (release = resolve));
    pending = 1;
    worker.wake();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toHaveLength(4);
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(calls.slice(4)).toEqual(['release:wkr_1']);
    // Stopped: waking does nothing.
    worker.wake();
    await worker.runNow();
    expect(calls).toHaveLength(5);
  });

  it('with a wait bound, gives its claims back when a delivery is still unanswered after it', async () => {
    const calls: string[] = [];
    const delivery: WebhookDelivery = {
      async deliverDue() {
        calls.push('deliver');
        // A receiver that never answers.
        await new Promise(() => {});
        return 1;
      },
      async release() {
        calls.push('release');
        return 1;
      },
    };
    const worker = createWebhookWorker(delivery, {
      owner: 'wkr_2',
      intervalSeconds: 3600,
      log: { error() {} } as unknown as FastifyBaseLogger,
    });
    worker.start();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['deliver']);
    const started = performance.now();
    expect(await worker.stop({ waitMs: 100 })).toBe(1);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(90);
    expect(waited).toBeLessThan(1000);
    expect(calls).toEqual(['deliver', 'release']);
  });
});
