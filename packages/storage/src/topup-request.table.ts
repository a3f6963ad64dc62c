/** Row shapes; they never leave this package. Times are ISO-8601 UTC text. */

export interface TopupRequestTable {
  id: string;
  org_id: string;
  amount_fen: number;
  /** The customer's bank-transfer reference; a confirmation credits the ledger under it. */
  reference: string;
  /** pending | confirmed | rejected; leaves `pending` once, by a conditional update. */
  status: string;
  created_at: string;
  created_by: string;
  decided_at: string | null;
  decided_by: string | null;
  decision_reason: string | null;
}

/** One row per organisation that ever set a low-balance threshold. */
export interface BalanceAlertTable {
  org_id: string;
  /** Null: no alert. */
  threshold_fen: number | null;
  /** When the alert last fired; null while it is armed. */
  alerted_at: string | null;
  updated_at: string;
  updated_by: string;
}
