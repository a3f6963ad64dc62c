import type { AuditEntryInput } from '../audit/audit-entry.js';
import { rejectIssues } from '../invalid-request.js';
import type { NoticeSender } from '../notices/notices.ports.js';
import type { Clock } from '../ports.js';
import type { Balances, LedgerKind } from './ledger.js';

/** The largest threshold an organisation may set: 10 000 000 yuan. */
export const maxBalanceAlertFen = 1_000_000_000;

export interface BalanceAlert {
  readonly orgId: string;
  /** Null: no alert. */
  readonly thresholdFen: number | null;
  /** When the alert last fired; null while it is armed. */
  readonly alertedAt: string | null;
}

export interface BalanceAlertRepository {
  find(orgId: string): Promise<BalanceAlert | undefined>;
  /** Sets (or clears, with null) the threshold and re-arms the alert. */
  set(orgId: string, thresholdFen: number | null, at: string, by: string): Promise<void>;
  /**
   * Marks the alert fired at `at` if it is armed and `availableFen` is below its threshold; true when this caller
   * did (so of concurrent callers, one).
   */
  fire(orgId: string, availableFen: number, at: string): Promise<boolean>;
  /** Re-arms a fired alert when `availableFen` is back at or above its threshold. */
  rearm(orgId: string, availableFen: number): Promise<void>;
  /** Re-arms the alert fired at `at` (its notice could not be sent). */
  unfire(orgId: string, at: string): Promise<void>;
}

/**
 * The low-balance alert: when a posted charge leaves the available balance (cash + bonus) below the organisation's
 * threshold, one 'balance.low' notice (in-site and email), then silence until the balance is back at or above the
 * threshold. The wallet calls `afterChange` after each movement, outside its transaction and without waiting for it:
 * whatever happens here never fails or un-charges a call.
 */
export function createBalanceAlerts(ports: {
  repo: BalanceAlertRepository;
  balances: (orgId: string) => Promise<Balances>;
  notices: NoticeSender;
  clock: Clock;
  audit: { record(entry: AuditEntryInput): Promise<unknown> };
  onError?: (error: unknown) => void;
}) {
  const { repo, balances, notices, clock, audit } = ports;
  const inFlight = new Set<Promise<void>>();

  async function check(orgId: string, kind: LedgerKind): Promise<void> {
    const alert = await repo.find(orgId);
    if (!alert || (alert.thresholdFen === null && alert.alertedAt === null)) return;
    const { cash, bonus } = await balances(orgId);
    const available = cash + bonus;
    if (alert.thresholdFen === null || available >= alert.thresholdFen) {
      if (alert.alertedAt !== null) await repo.rearm(orgId, available);
      return;
    }
    if (kind !== 'post' || alert.alertedAt !== null) return;
    const at = clock.now().toISOString();
    if (!(await repo.fire(orgId, available, at))) return;
    try {
      await notices.notify({
        orgIds: [orgId],
        kind: 'balance.low',
        data: { balance_fen: available, threshold_fen: alert.thresholdFen },
        email: true,
      });
    } catch (error) {
      await repo.unfire(orgId, at);
      throw error;
    }
  }

  return {
    async get(orgId: string): Promise<BalanceAlert> {
      return (await repo.find(orgId)) ?? { orgId, thresholdFen: null, alertedAt: null };
    },

    /** Sets the threshold in fen (null: no alert); the alert is armed again. */
    async set(input: { orgId: string; thresholdFen: number | null; actor: string }): Promise<BalanceAlert> {
      const { thresholdFen } = input;
      rejectIssues(
        thresholdFen !== null &&
          (!Number.isSafeInteger(thresholdFen) || thresholdFen < 1 || thresholdFen > maxBalanceAlertFen)
          ? [
              {
                path: 'threshold_fen',
                message: `must be null or a whole number of fen from 1 to ${maxBalanceAlertFen}`,
              },
            ]
          : [],
      );
      await repo.set(input.orgId, thresholdFen, clock.now().toISOString(), input.actor);
      await audit.record({
        actor: input.actor,
        action: 'wallet.alert_set',
        subject: input.orgId,
        data: { threshold_fen: thresholdFen },
      });
      return { orgId: input.orgId, thresholdFen, alertedAt: null };
    },

    /** The wallet's watcher: never throws, never makes the caller wait. */
    afterChange(orgId: string, kind: LedgerKind): void {
      const running = check(orgId, kind).catch((error: unknown) => ports.onError?.(error));
      inFlight.add(running);
      void running.finally(() => inFlight.delete(running));
    },

    /** Resolves once every check started so far has finished (tests, shutdown). */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

export type BalanceAlerts = ReturnType<typeof createBalanceAlerts>;
