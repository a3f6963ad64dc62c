/** Row shapes; they never leave this package (repositories return core's domain types). */
export interface AuditLogTable {
  seq: number;
  id: string;
  occurred_at: string;
  actor: string;
  action: string;
  subject: string | null;
  reason: string | null;
  /** Canonical JSON of the entry's data, or null. */
  data: string | null;
  prev_hash: string;
  hash: string;
}

/** One row (id = 1) naming the chain's last entry: the thing appends lock and advance. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}
