import { DomainError } from '../domain-error.js';
import type { Clock } from '../ports.js';

/** One use of an Idempotency-Key within a scope (the organisation): the request's hash and, once done, its answer. */
export interface IdempotencyRecord {
  readonly scope: string;
  readonly key: string;
  readonly requestHash: string;
  readonly status: 'in_progress' | 'done';
  readonly response: { readonly status: number; readonly body: string } | null;
  /** While in progress, the first request holds the key until then; after that a retry may take it over. */
  readonly lockedUntil: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  /**
   * False when the call the answer belongs to was marked unbilled after the answer was kept: a process killed
   * between keeping the answer and posting the charge leaves the hold to the sweeper, which voids it and marks the
   * call unbilled. Absent when the answer names no stored call.
   */
  readonly callBilled?: boolean;
}

export interface IdempotencyRepository {
  /**
   * One atomic statement: stores `record` (in progress) when the key is unused in its scope, or replaces the stored
   * record when that one has expired, or is still in progress with the same request hash but its lock has passed.
   * True when `record` is now the stored one; exactly one of concurrent claims can win.
   */
  claim(record: IdempotencyRecord, now: string): Promise<boolean>;
  find(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Stores the answer of an in-progress record; false when there was none (abandoned or never begun). */
  complete(scope: string, key: string, response: { status: number; body: string; callId?: string }): Promise<boolean>;
  /** Deletes the record if it is still in progress. */
  release(scope: string, key: string): Promise<void>;
  /** Deletes records that expired at `now`; returns how many. */
  sweep(now: string): Promise<number>;
}

export type IdempotencyBegin =
  | { readonly kind: 'new' }
  | {
      readonly kind: 'replay';
      readonly status: number;
      readonly body: string;
      /** The kept answer says `billed: true`, but its call was never charged (see `IdempotencyRecord.callBilled`). */
      readonly unbilled?: true;
    };

const printableAscii = /^[\x20-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` for billable calls: the first request with a key runs, and any repeat within the record's
 * lifetime gets its stored answer instead of running (and charging) again.
 */
export function createIdempotency(ports: {
  repo: IdempotencyRepository;
  clock: Clock;
  /** How long a request in progress holds its key; longer than the slowest call, or a retry could run beside it. */
  lockSeconds?: number;
  lifetimeSeconds?: number;
}) {
  const { repo, clock, lockSeconds = 60, lifetimeSeconds = 24 * 3600 } = ports;
  const later = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();

  return {
    /**
     * 'new': the caller runs the request, then calls `complete` (or `abandon` when the answer should not be kept).
     * 'replay': the first request's answer. Throws 'idempotency.mismatch' for the same key with another request,
     * and 'idempotency.in_progress' (details.retry_after_seconds) while the first one is still running.
     */
    async begin(input: { scope: string; key: string; requestHash: string }): Promise<IdempotencyBegin> {
      if (!printableAscii.test(input.key)) throw new DomainError('idempotency.invalid_key');
      // A record can vanish between a lost claim and the look-up (abandoned, swept); then claiming again decides.
      for (let attempt = 0; attempt < 3; attempt++) {
        const now = clock.now();
        const claimed = await repo.claim(
          {
            ...input,
            status: 'in_progress',
            response: null,
            lockedUntil: later(now, lockSeconds),
            createdAt: now.toISOString(),
            expiresAt: later(now, lifetimeSeconds),
          },
          now.toISOString(),
        );
        if (claimed) return { kind: 'new' };
        const stored = await repo.find(input.scope, input.key);
        if (!stored) continue;
        if (stored.requestHash !== input.requestHash) throw new DomainError('idempotency.mismatch');
        if (stored.response) {
          return {
            kind: 'replay',
            ...stored.response,
            ...(stored.callBilled === false ? { unbilled: true as const } : {}),
          };
        }
        const waitMs = Date.parse(stored.lockedUntil) - now.getTime();
        throw new DomainError('idempotency.in_progress', {
          retry_after_seconds: Math.max(1, Math.ceil(waitMs / 1000)),
        });
      }
      throw new DomainError('idempotency.in_progress', { retry_after_seconds: 1 });
    },

    /** Keeps the answer for replays. */
    async complete(input: {
      scope: string;
      key: string;
      status: number;
      body: string;
      callId?: string;
    }): Promise<void> {
      await repo.complete(input.scope, input.key, {
        status: input.status,
        body: input.body,
        ...(input.callId === undefined ? {} : { callId: input.callId }),
      });
    },

    /** Forgets a request in progress, so that a retry with the same key runs afresh. */
    abandon(input: { scope: string; key: string }): Promise<void> {
      return repo.release(input.scope, input.key);
    },

    /** Deletes expired records; returns how many. */
    sweep(): Promise<number> {
      return repo.sweep(clock.now().toISOString());
    },
  };
}

export type Idempotency = ReturnType<typeof createIdempotency>;
