import type { FastifyBaseLogger } from 'fastify';
import { webhookRetryWindowSeconds, type CaptureSessions } from '@visage/core';
import type { Services } from './services.js';

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
    /** Told each run's outcome and duration (the /metrics sweeper counters). */
    onRun?: (outcome: 'ok' | 'failed', seconds: number) => void;
  },
) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function sweep(): Promise<void> {
    const now = services.clock.now();
    const expired = await services.verifications.sweepExpired(now.toISOString());
    const nonces = await services.nonces.sweep();
    const idempotency = await services.idempotency.sweep();
    // Reservations older than VISAGE_RESERVATION_TIMEOUT_SECONDS were left by an interrupted call: voided. A call
    // stored just before its process died (billed, never charged) is marked unbilled: its record claims no charge.
    const reservations = await services.wallet.voidStale(
      new Date(now.getTime() - services.config.reservationTimeoutSeconds * 1000),
      (voided) => services.verifications.markUnbilledByRequest(voided.orgId, voided.reference),
    );
    const sessions = await services.sessions.sweepExpired();
    const accountTokens = await services.accountTokens.deleteExpired(now.toISOString());
    const mails = await services.mailOutboxRepository.deleteCreatedBefore(
      new Date(now.getTime() - services.config.mailRetentionDays * dayMs).toISOString(),
    );
    const captures = (await options.captureSessions?.expireDue()) ?? 0;
    // FaceID-compat records (biz_no, biz_extra_data, read count): kept while a notify could still be retried.
    const faceIdBusinesses = await services.faceIdBusinesses.sweep(
      new Date(now.getTime() - webhookRetryWindowSeconds * 1000).toISOString(),
    );
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
          faceIdBusinesses,
        },
      },
      'retention sweep',
    );
  }

  const runOnce = () => {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    return (running ??= sweep()
      .then(
        () => options.onRun?.('ok', seconds()),
        (error: unknown) => {
          options.onRun?.('failed', seconds());
          options.log.error({ err: error }, 'retention sweep failed');
        },
      )
      .finally(() => (running = undefined)));
  };

  return {
    runOnce,
    start() {
      timer = setInterval(() => void runOnce(), options.intervalSeconds * 1000);
      timer.unref();
    },
    /** No further runs; resolves when a run in progress has finished (before the database closes). */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
