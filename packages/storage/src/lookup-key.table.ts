/** A deterministic lookup's key (pseudonyms, ID-number hashes), sealed under the master key. */
export interface LookupKeyTable {
  purpose: string;
  sealed: Uint8Array;
  created_at: string;
}
