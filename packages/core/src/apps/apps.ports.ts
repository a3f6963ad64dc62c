/** The apps context's domain types and the storage it needs. Times are ISO-8601 UTC strings. */
import type { FarLevel } from '../verification/verification.ports.js';
import type { StoredWebhookSecret } from '../webhooks/webhooks.ports.js';

export interface AppSettings {
  readonly name: string;
  readonly description: string | null;
  /** Host names (optionally `*.`-prefixed, optionally with a port) the app's capture pages may be embedded in. */
  readonly domains: readonly string[];
  readonly decisionFar: FarLevel;
  /** 0 = images are never stored. */
  readonly imageRetentionSeconds: number;
  readonly resultRetentionSeconds: number;
  readonly allowMultipleFaces: boolean;
  readonly webhookUrl: string | null;
}

export interface App extends AppSettings {
  readonly id: string;
  readonly orgId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface AppRepository {
  insert(app: App): Promise<void>;
  find(id: string): Promise<App | undefined>;
  /** Oldest first. */
  listByOrganization(orgId: string): Promise<App[]>;
  /**
   * Stores the app's settings; with `firstWebhookSecret`, stores that secret too, in the same transaction, when the
   * app has no secret that signs now (a concurrent PATCH that issued one first wins) — `webhookSecretIssued` says so.
   */
  update(
    app: App,
    options?: { readonly firstWebhookSecret?: StoredWebhookSecret | undefined; readonly now?: string },
  ): Promise<{ readonly webhookSecretIssued: boolean }>;
}

export const keyModes = ['live', 'sandbox'] as const;
export type KeyMode = (typeof keyModes)[number];

export interface ApiKey {
  /** `ak_live_…` or `ak_test_…`; shown to users and sent with every request. */
  readonly id: string;
  readonly appId: string;
  readonly orgId: string;
  readonly mode: KeyMode;
  /** Normalised CIDRs; empty = any address. */
  readonly ipAllowlist: readonly string[];
  readonly status: 'active' | 'revoked';
  readonly createdAt: string;
  readonly revokedAt: string | null;
  /** Set when the key was rotated: it keeps working until then. */
  readonly expiresAt: string | null;
  readonly replacedBy: string | null;
}

export interface StoredApiKey extends ApiKey {
  /** The secret sealed by the SecretBox with the key id as context. */
  readonly secretSealed: Uint8Array;
}

export interface ApiKeyRepository {
  insert(key: StoredApiKey): Promise<void>;
  find(id: string): Promise<StoredApiKey | undefined>;
  /** Oldest first, without the sealed secrets. */
  listByApp(appId: string): Promise<ApiKey[]>;
  /**
   * In one transaction: stores `replacement` and marks `oldId` as replaced by it, expiring at `oldExpiresAt`.
   * False, and nothing stored, when `oldId` is not an active, unreplaced key any more.
   */
  rotate(oldId: string, oldExpiresAt: string, replacement: StoredApiKey): Promise<boolean>;
  /** False when the key was not active. */
  revoke(id: string, at: string): Promise<boolean>;
  setIpAllowlist(id: string, cidrs: readonly string[]): Promise<void>;
}
