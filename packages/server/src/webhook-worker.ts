import type { WebhookDelivery } from '@visage/core';
import type { FastifyBaseLogger } from 'fastify';

/**
 * Runs webhook delivery in this process: every `intervalSeconds`, and at once when told an event was written
 * (`wake`). Each round claims a batch with a lease (several processes share the work), and keeps going while
 * batches come back full. `stop` waits for the deliveries in flight (each bounded by the 10 s timeout, or by
 * `waitMs` when given) and gives back whatever this process still holds, so another process delivers it without
 * waiting for the lease to run out. An event given back while its attempt was still unanswered may reach its
 * receiver twice (same webhook-id): delivery is at least once.
 */
export function createWebhookWorker(
  delivery: WebhookDelivery,
  options: { owner: string; intervalSeconds: number; batchSize?: number; log: FastifyBaseLogger },
) {
  const batchSize = options.batchSize ?? 10;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  async function round(): Promise<void> {
    do {
      again = false;
      let handled: number;
      do {
        handled = await delivery.deliverDue(options.owner);
      } while (handled >= batchSize && !stopped);
    } while (again && !stopped);
  }

  function runNow(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = round()
      .catch((error: unknown) => options.log.error({ err: error }, 'webhook delivery failed'))
      .finally(() => (running = undefined));
    return running;
  }

  return {
    owner: options.owner,
    start(): void {
      stopped = false;
      timer = setInterval(() => void runNow(), options.intervalSeconds * 1000);
      timer.unref();
      void runNow();
    },
    /** An event was written or resent: deliver now rather than at the next tick. */
    wake(): void {
      if (timer !== undefined) setImmediate(() => void runNow());
    },
    runNow,
    /** Resolves to how many events were given back. */
    async stop(stopOptions: { waitMs?: number } = {}): Promise<number> {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      if (running && stopOptions.waitMs !== undefined) {
        let wait: NodeJS.Timeout | undefined;
        await Promise.race([running, new Promise((resolve) => (wait = setTimeout(resolve, stopOptions.waitMs)))]);
        clearTimeout(wait);
      } else {
        await running;
      }
      return delivery.release(options.owner);
    },
  };
}

export type WebhookWorker = ReturnType<typeof createWebhookWorker>;
