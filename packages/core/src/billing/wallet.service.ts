import type { AuditEntryInput } from '../audit/audit-entry.js';
import { DomainError } from '../domain-error.js';
import { rejectIssues } from '../invalid-request.js';
import type { Clock, Crypto } from '../ports.js';
import {
  assertAmount,
  postingsFor,
  splitBonusFirst,
  type Balances,
  type LedgerEntry,
  type LedgerKind,
  type LedgerTransaction,
  type Reservation,
} from './ledger.js';

/**
 * Storage port of the ledger. Each write is one database transaction that stores the journal transaction and its
 * postings and moves the account balances by them. An organisation's accounts never go below zero: a write that
 * would take one there changes nothing and throws 'billing.insufficient_balance', whatever runs concurrently.
 * Organisation accounts are created on first use.
 */
export interface LedgerRepository {
  /** Stores a top-up or grant. A top-up whose reference the organisation already used: 'billing.duplicate_reference'. */
  append(transaction: LedgerTransaction): Promise<void>;
  /**
   * Runs `plan` with the organisation's balances locked against concurrent writers, then stores the held
   * reservation it returns and the transaction (if any) that funds it. Whatever `plan` throws aborts the write.
   */
  reserve(
    orgId: string,
    plan: (balances: Balances) => { reservation: Reservation; transaction: LedgerTransaction | undefined },
  ): Promise<Reservation>;
  /**
   * Moves a held reservation to `status` and stores `transaction` (if any), atomically; returns the reservation as
   * it ends up. When the reservation was already settled, nothing is stored and it is returned as it was.
   */
  settle(
    reservationId: string,
    status: 'posted' | 'voided',
    settledAt: string,
    transaction: LedgerTransaction | undefined,
  ): Promise<Reservation>;
  findReservation(id: string): Promise<Reservation | undefined>;
  /** Ids of reservations still held that were created before `createdBefore`, oldest first. */
  heldCreatedBefore(createdBefore: string, limit: number): Promise<string[]>;
  /** Current balances, or the balances from every transaction created before `before`. Zeros for a new org. */
  balances(orgId: string, before?: string): Promise<Balances>;
  /** The organisation's transactions with from <= createdAt < to, in the order they were made. */
  entries(orgId: string, from: string, to: string): Promise<LedgerEntry[]>;
}

export interface Statement {
  readonly orgId: string;
  /** 'YYYY-MM' (UTC). */
  readonly period: string;
  readonly from: string;
  readonly to: string;
  readonly opening: Balances;
  readonly closing: Balances;
  readonly entries: readonly LedgerEntry[];
}

/**
 * The organisation's prepaid wallet. A billable call reserves its price before any work (bonus first), then posts
 * the reservation when the result is stored or voids it on failure; a reservation left held by a crash is voided by
 * `voidStale`, so an interrupted call is never charged.
 */
export function createWallet(ports: {
  ledger: LedgerRepository;
  clock: Clock;
  crypto: Pick<Crypto, 'randomId'>;
  audit: { record(entry: AuditEntryInput): Promise<unknown> };
  /**
   * Told after each committed movement of an organisation's balances (the low-balance alert). Called without waiting
   * and outside the ledger's transaction: it must not throw, and nothing it does can undo or delay the movement.
   */
  watcher?: { afterChange(orgId: string, kind: LedgerKind): void };
}) {
  const { ledger, clock, crypto, audit } = ports;

  function changed(orgId: string, kind: LedgerKind): void {
    try {
      ports.watcher?.afterChange(orgId, kind);
    } catch {
      // A watcher's failure is its own business: the money has moved.
    }
  }

  function transaction(fields: Omit<LedgerTransaction, 'id' | 'createdAt'>): LedgerTransaction {
    return { id: crypto.randomId('ltx'), createdAt: clock.now().toISOString(), ...fields };
  }

  function prepareTopUp(input: { orgId: string; amountFen: number; reference: string; actor: string }) {
    assertAmount(input.amountFen);
    const reference = input.reference.trim();
    rejectIssues(reference === '' ? [{ path: 'reference', message: 'must not be empty' }] : []);
    return transaction({
      kind: 'topup',
      orgId: input.orgId,
      reference,
      reservationId: null,
      createdBy: input.actor,
      postings: postingsFor.topUp(input.amountFen),
    });
  }

  /** After a top-up committed: tells the watcher and audits the credit. */
  async function toppedUp(topUp: LedgerTransaction): Promise<void> {
    changed(topUp.orgId, 'topup');
    const amountFen = topUp.postings.find((posting) => posting.account === 'cash')?.amount ?? 0;
    await audit.record({
      actor: topUp.createdBy,
      action: 'wallet.topup',
      subject: topUp.orgId,
      data: { amount_fen: amountFen, reference: topUp.reference, transaction_id: topUp.id },
    });
  }

  async function settle(reservationId: string, status: 'posted' | 'voided'): Promise<Reservation> {
    const reservation = await ledger.findReservation(reservationId);
    if (!reservation) throw new RangeError(`no reservation ${reservationId}`);
    if (reservation.status !== 'held') return reservation;
    const kind = status === 'posted' ? 'post' : 'void';
    const postings = postingsFor[kind](reservation);
    const settlement =
      postings.length === 0
        ? undefined
        : transaction({
            kind,
            orgId: reservation.orgId,
            reference: reservation.reference,
            reservationId,
            createdBy: 'system',
            postings,
          });
    const settled = await ledger.settle(reservationId, status, clock.now().toISOString(), settlement);
    if (settlement && settled.status === status) changed(settled.orgId, kind);
    return settled;
  }

  return {
    /** Credits cash from a bank transfer; each reference is credited once per organisation. */
    async topUp(input: { orgId: string; amountFen: number; reference: string; actor: string }): Promise<void> {
      const topUp = prepareTopUp(input);
      await ledger.append(topUp);
      await toppedUp(topUp);
    },

    /**
     * The journal transaction of a top-up, checked but not stored: for a caller that stores it in its own database
     * transaction (a confirmed top-up request), then calls `toppedUp` once that has committed.
     */
    prepareTopUp,

    toppedUp,

    /** Credits bonus, which calls spend before cash. */
    async grantBonus(input: { orgId: string; amountFen: number; reason: string; actor: string }): Promise<void> {
      assertAmount(input.amountFen);
      const reason = input.reason.trim();
      rejectIssues(reason === '' ? [{ path: 'reason', message: 'must not be empty' }] : []);
      const grant = transaction({
        kind: 'bonus',
        orgId: input.orgId,
        reference: reason,
        reservationId: null,
        createdBy: input.actor,
        postings: postingsFor.grant(input.amountFen),
      });
      await ledger.append(grant);
      changed(input.orgId, 'bonus');
      await audit.record({
        actor: input.actor,
        action: 'wallet.bonus_grant',
        subject: input.orgId,
        reason,
        data: { amount_fen: input.amountFen, transaction_id: grant.id },
      });
    },

    balances(orgId: string): Promise<Balances> {
      return ledger.balances(orgId);
    },

    async statement(orgId: string, period: string): Promise<Statement> {
      const { from, to } = monthBounds(period);
      const [opening, closing, entries] = await Promise.all([
        ledger.balances(orgId, from),
        ledger.balances(orgId, to),
        ledger.entries(orgId, from, to),
      ]);
      return { orgId, period, from, to, opening, closing, entries };
    },

    /**
     * Sets the price of one call aside, bonus first; 'billing.insufficient_balance' before any work when the
     * balances fall short. A zero amount is recorded as a reservation that moves no money.
     */
    async reserve(input: { orgId: string; amountFen: number; reference: string }): Promise<Reservation> {
      assertAmount(input.amountFen, { allowZero: true });
      return ledger.reserve(input.orgId, (balances) => {
        const reservation: Reservation = {
          id: crypto.randomId('rsv'),
          orgId: input.orgId,
          ...splitBonusFirst(balances, input.amountFen),
          reference: input.reference,
          status: 'held',
          createdAt: clock.now().toISOString(),
          settledAt: null,
        };
        const postings = postingsFor.reserve(reservation);
        const funding =
          postings.length === 0
            ? undefined
            : transaction({
                kind: 'reserve',
                orgId: input.orgId,
                reference: input.reference,
                reservationId: reservation.id,
                createdBy: 'system',
                postings,
              });
        return { reservation, transaction: funding };
      });
    },

    /** Charges a held reservation. Idempotent: returns the reservation as it ends up, possibly already voided. */
    post(reservationId: string): Promise<Reservation> {
      return settle(reservationId, 'posted');
    },

    /** Returns a held reservation's money to the balances it came from. Idempotent, like `post`. */
    void(reservationId: string): Promise<Reservation> {
      return settle(reservationId, 'voided');
    },

    /**
     * For the sweeper: voids reservations still held that were made before `olderThan`; returns how many.
     * `onVoided` is told each one voided (its `reference` is the call's request id).
     */
    async voidStale(olderThan: Date, onVoided?: (reservation: Reservation) => Promise<void>): Promise<number> {
      const batchSize = 100;
      let voided = 0;
      for (;;) {
        const ids = await ledger.heldCreatedBefore(olderThan.toISOString(), batchSize);
        for (const id of ids) {
          const settled = await settle(id, 'voided');
          if (settled.status !== 'voided') continue;
          voided++;
          await onVoided?.(settled);
        }
        if (ids.length < batchSize) return voided;
      }
    },
  };
}

export type Wallet = ReturnType<typeof createWallet>;

/** The UTC month 'YYYY-MM' as [from, to) ISO instants; 'request.invalid' for anything else. */
export function monthBounds(period: string): { from: string; to: string } {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (!match) throw new DomainError('request.invalid', { issues: [{ path: 'period', message: 'must be YYYY-MM' }] });
  const [year, month] = [Number(match[1]), Number(match[2])];
  // Not Date.UTC: it reads years 0-99 as 1900-1999, which would give '0001-01' the statement of January 1901.
  const monthStart = (monthIndex: number) => {
    const at = new Date(0);
    at.setUTCFullYear(year, monthIndex, 1);
    return at.toISOString();
  };
  return { from: monthStart(month - 1), to: monthStart(month) };
}
