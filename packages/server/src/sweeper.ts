import type { FastifyBaseLogger } from 'fastify';
import type { CaptureSessions } from '@visage/core';
import type { Services } from './services.js';

/** Reservations older than this were left by a crashed call: no call takes this long, so they are voided. */
const staleReservationSeconds = 15 * 60;
const dayMs = 86_400_000;

/**
 * Retention and housekeeping, at start-up and then on a schedule: expired results and kept images, used nonces,
 * idempotency records past 24 h, expired console sessions and mailed account links, outbox mails past
 * VISAGE_MAIL_RETENTION_DAYS, and reservations a crash left held. Each run is idempotent, so several server
 * processes may sweep the same database.
 */
export function createSweeper(
  services: Services,
  options: {
    intervalSeconds: number;
    log: FastifyBaseLogger;
    /** Open capture sessions past their expiry become `expired` (with their webhook event); old results go. */
    captureSessions?: Pick<CaptureSessions, 'expireDue'>;
  },
) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function sweep(): Promise<void> {
    const now = services.clock.now();
    const expired = await services.verifications.sweepExpired(now.toISOString());
    const nonces = await services.nonces.sweep();
    const idempotency = await services.idempotency.sweep();
    const reservations = await services.wallet.voidStale(new Date(now.getTime() - staleReservationSeconds * 1000));
    const sessions = await services.sessions.sweepExpired();
    const accountTokens = await services.accountTokens.deleteExpired(now.toISOString());
    const mails = await services.mailOutboxRepository.deleteCreatedBefore(
      new Date(now.getTime() - services.config.mailRetentionDays * dayMs).toISOString(),
    );
    const captures = (await options.captureSessions?.expireDue()) ?? 0;
    const webhookEvents = await services.webhookRepository.deleteSettledBefore(
      new Date(now.getTime() - services.config.webhookRetentionDays * dayMs).toISOString(),
    );
    options.log.info(
      {
        sweep: {
          ...expired,
          nonces,
          idempotency,
          reservations,
          sessions,
          accountTokens,
          mails,
          captures,
          webhookEvents,
        },
      },
      'retention sweep',
    );
  }

  const runOnce = () =>
    (running ??= sweep()
      .catch((error: unknown) => options.log.error({ err: error }, 'retention sweep failed'))
      .finally(() => (running = undefined)));

  return {
    runOnce,
    start() {
      timer = setInterval(() => void runOnce(), options.intervalSeconds * 1000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
