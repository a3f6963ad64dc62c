/** The identity registry (有源 comparison): personal fields sealed under the master key, the number hashed. */
export interface IdentityRecordTable {
  id: string;
  /** 1: a sandbox record (only sandbox keys see it); 0: a live record (only live keys see it). */
  sandbox: number;
  /** Keyed hash of the normalised ID number: the lookup key. */
  number_hash: string;
  number_sealed: Uint8Array;
  number_masked: string;
  name_sealed: Uint8Array;
  name_masked: string;
  template_model: string;
  template_sealed: Uint8Array;
  photo_sealed: Uint8Array | null;
  source: string;
  created_at: string;
  updated_at: string;
}
