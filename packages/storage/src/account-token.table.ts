import type { AccountTokenPurpose } from '@visage/core';

export interface AccountTokenTable {
  /** sha256 of the mailed token. */
  id: string;
  user_id: string;
  purpose: AccountTokenPurpose;
  email: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}
