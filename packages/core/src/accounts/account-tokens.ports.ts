/** Single-use tokens sent by mail: email verification and password reset. Times are ISO-8601 UTC strings. */

export const accountTokenPurposes = ['email_verification', 'password_reset'] as const;
export type AccountTokenPurpose = (typeof accountTokenPurposes)[number];

export interface AccountToken {
  /** sha256 of the token; the token itself exists only in the mail. */
  readonly id: string;
  readonly userId: string;
  readonly purpose: AccountTokenPurpose;
  /** The address the token was mailed to: a verification proves this address, not whatever the user has later. */
  readonly email: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly usedAt: string | null;
}

/**
 * A cap on mails of one purpose: at most `max` tokens created after `after` for the same user, or (by 'email') for
 * the same address across all accounts, ignoring case.
 */
export interface AccountTokenLimit {
  readonly by: 'user' | 'email';
  readonly after: string;
  readonly max: number;
}

export interface AccountTokenRepository {
  insert(token: AccountToken): Promise<void>;
  /**
   * Inserts the token unless a limit is already reached (counting tokens of the same purpose), as one step: two
   * concurrent calls cannot both pass a limit that has room for one. False, and nothing inserted, when refused.
   */
  insertWithinLimits(token: AccountToken, limits: readonly AccountTokenLimit[]): Promise<boolean>;
  find(id: string): Promise<AccountToken | undefined>;
  /** Marks the token used unless it was already; false when it was (so two racing uses let one through). */
  consume(id: string, at: string): Promise<boolean>;
  /** Marks every unused token of the user and purpose used; returns how many. */
  consumeAllOfUser(userId: string, purpose: AccountTokenPurpose, at: string): Promise<number>;
  /** Creation times of the user's tokens of this purpose made at or after `since`, oldest first. */
  issuedSince(userId: string, purpose: AccountTokenPurpose, since: string): Promise<string[]>;
  /** Deletes tokens that expired before `before`; returns how many. */
  deleteExpired(before: string): Promise<number>;
}
