import type { UserRole } from '@visage/core';

/** `user` is reserved in PostgreSQL, hence the name. */
export interface UserAccountTable {
  id: string;
  /** Null for operators. */
  org_id: string | null;
  username: string;
  email: string | null;
  email_verified_at: string | null;
  mobile: string | null;
  password_hash: string;
  role: UserRole;
  created_at: string;
  disabled_at: string | null;
}
