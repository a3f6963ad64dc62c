import type { Generated } from 'kysely';

export interface VerificationTable {
  id: string;
  org_id: string;
  app_id: string;
  key_id: string;
  product: string;
  /** 0 or 1. */
  sandbox: number;
  /** Null once erased. */
  subject_ref: string | null;
  consent_id: string | null;
  biz_no: string | null;
  request_id: string;
  result_code: string;
  /** 0 or 1. */
  billed: number;
  amount_fen: number;
  created_at: string;
  time_used_ms: number;
  /** Null once read out, expired or erased, together with result_expires_at. */
  result_sealed: Uint8Array | null;
  result_expires_at: string | null;
  reads: Generated<number>;
  erased_at: string | null;
}

export interface VerificationBlobTable {
  verification_id: string;
  role: string;
  sealed: Uint8Array;
  expires_at: string;
}
