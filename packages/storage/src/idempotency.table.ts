/** Row shapes; they never leave this package. Times are ISO-8601 UTC text. */
export interface IdempotencyRecordTable {
  scope: string;
  key: string;
  request_hash: string;
  /** in_progress | done */
  status: string;
  response_status: number | null;
  /** Sealed by the caller. */
  response_body: string | null;
  /** The call the answer belongs to: erasing the call erases its kept answer too. */
  call_id: string | null;
  locked_until: string;
  created_at: string;
  expires_at: string;
}
