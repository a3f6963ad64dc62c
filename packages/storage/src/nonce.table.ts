export interface NonceTable {
  key_id: string;
  nonce: string;
  /** ISO-8601 UTC; rows past it may be reused or swept. */
  expires_at: string;
}
