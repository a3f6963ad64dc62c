import type { KeyMode } from '@visage/core';

export interface ApiKeyTable {
  id: string;
  app_id: string;
  org_id: string;
  mode: KeyMode;
  /** base64 of the SecretBox-sealed secret. */
  secret_sealed: string;
  /** JSON array of CIDRs; empty = any address. */
  ip_allowlist: string;
  status: 'active' | 'revoked';
  created_at: string;
  revoked_at: string | null;
  expires_at: string | null;
  replaced_by: string | null;
}
