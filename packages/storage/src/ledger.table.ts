import type { Generated } from 'kysely';

/** Row shapes; they never leave this package. Times are ISO-8601 UTC text. */

/** `<org id>:cash|bonus|held` for organisations (org_id set, never negative), `platform:…` for the platform's. */
export interface LedgerAccountTable {
  id: string;
  org_id: string | null;
  kind: string;
  balance: number;
  created_at: string;
}

/** Append-only journal: rows are inserted, never updated or deleted. */
export interface LedgerTransactionTable {
  /** Write order: numbered by the database after the writer holds its organisation's account rows. */
  seq: Generated<number>;
  id: string;
  kind: string;
  org_id: string;
  /** A top-up's bank reference (unique per org), a grant's reason, or a reservation's call reference. */
  reference: string | null;
  reservation_id: string | null;
  created_at: string;
  created_by: string;
}

export interface LedgerPostingTable {
  transaction_id: string;
  account_id: string;
  amount: number;
}

export interface ReservationTable {
  id: string;
  org_id: string;
  cash: number;
  bonus: number;
  /** held | posted | voided; leaves `held` once, by a conditional update. */
  status: string;
  reference: string;
  created_at: string;
  settled_at: string | null;
}
