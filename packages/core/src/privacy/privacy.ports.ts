import type { DeletionReceipt } from '../verification/verification.ports.js';

/** Consent records held by one organisation, counted per app and month of storage ('YYYY-MM', UTC). */
export interface ConsentCount {
  readonly appId: string;
  readonly appName: string | null;
  readonly month: string;
  readonly count: number;
}

export interface ReceiptPosition {
  readonly createdAt: string;
  readonly id: string;
}

/** What the console's privacy pages read: counts and receipts only, never subject refs or images. */
export interface PrivacyRepository {
  /** Newest month first, then by app id. */
  consentCounts(orgId: string): Promise<ConsentCount[]>;
  /** The organisation's deletion receipts, newest first (createdAt, then id). */
  listReceipts(
    orgId: string,
    page: { readonly after?: ReceiptPosition | undefined; readonly limit: number },
  ): Promise<DeletionReceipt[]>;
}
