import { DomainError } from '../domain-error.js';

/**
 * The wallet's double-entry model. Every organisation has three accounts: `cash` (top-ups, not refundable), `bonus`
 * (grants, spent first) and `held` (reserved for calls in flight). The platform's accounts are the other side:
 * top-ups and grants come out of `platform:topups` and `platform:grants` (which therefore go negative), charges end
 * in `platform:revenue`. A transaction's postings sum to zero, so all balances together always sum to zero.
 */
export type OrgAccount = 'cash' | 'bonus' | 'held';
export type PlatformAccount = 'platform:topups' | 'platform:grants' | 'platform:revenue';

export type Balances = Readonly<Record<OrgAccount, number>>;
export const zeroBalances: Balances = Object.freeze({ cash: 0, bonus: 0, held: 0 });

/** A signed change to one account; org accounts are the transaction's organisation's. */
export interface Posting {
  readonly account: OrgAccount | PlatformAccount;
  readonly amount: number;
}

export const ledgerKinds = ['topup', 'bonus', 'reserve', 'post', 'void'] as const;
export type LedgerKind = (typeof ledgerKinds)[number];

export interface LedgerTransaction {
  readonly id: string;
  readonly kind: LedgerKind;
  readonly orgId: string;
  /** The bank-transfer reference of a top-up, the reason of a grant, the call reference of a reservation. */
  readonly reference: string | null;
  readonly reservationId: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly postings: readonly Posting[];
}

export type ReservationStatus = 'held' | 'posted' | 'voided';

/** Money set aside for one billable call: the parts taken from each balance, posted or voided exactly once. */
export interface Reservation {
  readonly id: string;
  readonly orgId: string;
  readonly cash: number;
  readonly bonus: number;
  readonly reference: string;
  readonly status: ReservationStatus;
  readonly createdAt: string;
  readonly settledAt: string | null;
}

/** One transaction as an organisation's statement shows it: what it did to each of the org's balances. */
export interface LedgerEntry extends Balances {
  readonly transactionId: string;
  readonly kind: LedgerKind;
  readonly reference: string | null;
  readonly reservationId: string | null;
  readonly createdAt: string;
}

/** Throws 'billing.invalid_amount' unless `amount` is a whole number of fen, and positive unless zero is allowed. */
export function assertAmount(amount: number, { allowZero = false } = {}): void {
  if (!Number.isSafeInteger(amount) || amount < (allowZero ? 0 : 1)) {
    throw new DomainError('billing.invalid_amount', { amount_fen: amount });
  }
}

/** The parts of `amount` taken from bonus first, then cash; 'billing.insufficient_balance' when they fall short. */
export function splitBonusFirst(balances: Balances, amount: number): { cash: number; bonus: number } {
  if (balances.cash + balances.bonus < amount) {
    throw new DomainError('billing.insufficient_balance', {
      required_fen: amount,
      available_fen: balances.cash + balances.bonus,
    });
  }
  const bonus = Math.min(balances.bonus, amount);
  return { bonus, cash: amount - bonus };
}

/** Postings for each step of a wallet's life; zero amounts are left out. */
export const postingsFor = {
  topUp: (amount: number): Posting[] => [
    { account: 'cash', amount },
    { account: 'platform:topups', amount: -amount },
  ],
  grant: (amount: number): Posting[] => [
    { account: 'bonus', amount },
    { account: 'platform:grants', amount: -amount },
  ],
  reserve: ({ cash, bonus }: Pick<Reservation, 'cash' | 'bonus'>): Posting[] =>
    nonZero([
      { account: 'bonus', amount: -bonus },
      { account: 'cash', amount: -cash },
      { account: 'held', amount: cash + bonus },
    ]),
  post: ({ cash, bonus }: Pick<Reservation, 'cash' | 'bonus'>): Posting[] =>
    nonZero([
      { account: 'held', amount: -(cash + bonus) },
      { account: 'platform:revenue', amount: cash + bonus },
    ]),
  void: ({ cash, bonus }: Pick<Reservation, 'cash' | 'bonus'>): Posting[] =>
    nonZero([
      { account: 'held', amount: -(cash + bonus) },
      { account: 'bonus', amount: bonus },
      { account: 'cash', amount: cash },
    ]),
};

function nonZero(postings: Posting[]): Posting[] {
  return postings.filter((posting) => posting.amount !== 0);
}
