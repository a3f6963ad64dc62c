export interface CaptureSessionTable {
  id: string;
  org_id: string;
  app_id: string;
  key_id: string;
  /** 0 or 1. */
  sandbox: number;
  caller_json: string;
  liveness: string;
  /** JSON array of challenge names. */
  challenges: string;
  subject_ref: string | null;
  biz_no: string | null;
  return_url: string;
  notify_url: string | null;
  locale: string | null;
  max_attempts: number;
  attempts_used: number;
  status: string;
  reason: string | null;
  created_at: string;
  expires_at: string;
  finished_at: string | null;
  token_hash: string;
  token_used_at: string | null;
  page_token_hash: string | null;
  reference_sealed: Uint8Array | null;
  consent_id: string | null;
  current_attempt_id: string | null;
  result_sealed: Uint8Array | null;
  result_expires_at: string | null;
  call_id: string | null;
  /** The attempt a completion is deciding and charging, and until when that claim holds. */
  deciding_attempt_id: string | null;
  deciding_until: string | null;
}

export interface CaptureAttemptTable {
  id: string;
  session_id: string;
  started_at: string;
  ended_at: string | null;
  outcome: string | null;
}

export interface CaptureFrameTable {
  attempt_id: string;
  step: string;
  frame_index: number;
  session_id: string;
  captured_at_ms: number;
  received_at: string;
  analysis_sealed: Uint8Array;
}
