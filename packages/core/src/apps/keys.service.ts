import type { AuditLog } from '../audit/audit-log.service.js';
import { DomainError } from '../domain-error.js';
import { rejectIssues } from '../invalid-request.js';
import type { Clock, Crypto, SecretBox } from '../ports.js';
import type { ApiKey, ApiKeyRepository, AppRepository, KeyMode, StoredApiKey } from './apps.ports.js';
import { keyModes } from './apps.ports.js';
import { normalizeCidr } from './cidr.js';

/** A new key: the secret is returned this once and never again. */
export interface IssuedKey {
  readonly keyId: string;
  readonly secret: string;
  readonly key: ApiKey;
}

/** A rotation's new key, and the old one as it now stands: replaced, expiring at the end of the grace period. */
export interface RotatedKey extends IssuedKey {
  readonly replaced: ApiKey & { readonly expiresAt: string };
}

const maxGraceSeconds = 30 * 86_400;
const maxAllowlistEntries = 100;

/** Revoked keys, and rotated keys whose grace period has ended, no longer authorise anything. */
export function isKeyRevoked(key: ApiKey, now: Date): boolean {
  return key.status === 'revoked' || (key.expiresAt !== null && key.expiresAt <= now.toISOString());
}

export function withoutSecret({ secretSealed: _secretSealed, ...key }: StoredApiKey): ApiKey {
  return key;
}

export function createKeys(ports: {
  keys: ApiKeyRepository;
  apps: Pick<AppRepository, 'find'>;
  secretBox: SecretBox;
  clock: Clock;
  crypto: Pick<Crypto, 'randomId' | 'randomToken'>;
  audit: Pick<AuditLog, 'record'>;
}) {
  const { keys, apps, secretBox, clock, crypto, audit } = ports;

  async function appOf(orgId: string, appId: string) {
    const app = await apps.find(appId);
    if (!app || app.orgId !== orgId) throw new DomainError('app.not_found');
    return app;
  }

  /** Other organisations' keys are answered exactly like missing ones. */
  async function keyOf(orgId: string, keyId: string): Promise<StoredApiKey> {
    const key = await keys.find(keyId);
    if (!key || key.orgId !== orgId) throw new DomainError('key.not_found');
    return key;
  }

  async function usableKeyOf(orgId: string, keyId: string): Promise<StoredApiKey> {
    const key = await keyOf(orgId, keyId);
    if (isKeyRevoked(key, clock.now())) throw new DomainError('key.revoked');
    return key;
  }

  function issue({ appId, orgId, mode, ipAllowlist }: Pick<ApiKey, 'appId' | 'orgId' | 'mode' | 'ipAllowlist'>): {
    stored: StoredApiKey;
    secret: string;
  } {
    const id = crypto.randomId(mode === 'live' ? 'ak_live' : 'ak_test');
    const secret = crypto.randomToken(32);
    const stored: StoredApiKey = {
      id,
      appId,
      orgId,
      mode,
      ipAllowlist,
      status: 'active',
      createdAt: clock.now().toISOString(),
      revokedAt: null,
      expiresAt: null,
      replacedBy: null,
      // The key id is bound into the ciphertext, so a sealed secret copied onto another key does not open.
      secretSealed: secretBox.seal(new TextEncoder().encode(secret), id),
    };
    return { stored, secret };
  }

  return {
    async create(input: { orgId: string; appId: string; mode: KeyMode; actor: string }): Promise<IssuedKey> {
      if (!keyModes.includes(input.mode)) rejectIssues([{ path: 'mode', message: 'must be live or sandbox' }]);
      const app = await appOf(input.orgId, input.appId);
      const { stored, secret } = issue({ appId: app.id, orgId: app.orgId, mode: input.mode, ipAllowlist: [] });
      await keys.insert(stored);
      await audit.record({
        actor: input.actor,
        action: 'key.create',
        subject: stored.id,
        data: { app_id: app.id, mode: stored.mode },
      });
      return { keyId: stored.id, secret, key: withoutSecret(stored) };
    },

    /** Issues a successor with the same app, mode and allowlist; the old key keeps working for `graceSeconds`. */
    async rotate(input: { orgId: string; keyId: string; graceSeconds: number; actor: string }): Promise<RotatedKey> {
      const { graceSeconds } = input;
      if (!Number.isSafeInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > maxGraceSeconds) {
        rejectIssues([
          { path: 'grace_seconds', message: `must be a whole number of seconds from 0 to ${maxGraceSeconds}` },
        ]);
      }
      const old = await usableKeyOf(input.orgId, input.keyId);
      // A key already in its grace period has a successor; rotating it again would fork the chain.
      if (old.replacedBy !== null) throw new DomainError('key.revoked');
      const { stored, secret } = issue(old);
      const oldExpiresAt = new Date(clock.now().getTime() + graceSeconds * 1000).toISOString();
      if (!(await keys.rotate(old.id, oldExpiresAt, stored))) throw new DomainError('key.revoked');
      await audit.record({
        actor: input.actor,
        action: 'key.rotate',
        subject: old.id,
        data: { replaced_by: stored.id, old_expires_at: oldExpiresAt },
      });
      return {
        keyId: stored.id,
        secret,
        key: withoutSecret(stored),
        replaced: { ...withoutSecret(old), expiresAt: oldExpiresAt, replacedBy: stored.id },
      };
    },

    /** Revoking a revoked key changes nothing. */
    async revoke(input: { orgId: string; keyId: string; actor: string; reason?: string }): Promise<ApiKey> {
      const key = await keyOf(input.orgId, input.keyId);
      const at = clock.now().toISOString();
      if (!(await keys.revoke(key.id, at))) return withoutSecret(key);
      await audit.record({ actor: input.actor, action: 'key.revoke', subject: key.id, reason: input.reason });
      return { ...withoutSecret(key), status: 'revoked', revokedAt: at };
    },

    /** Replaces the allowlist; an empty list allows every address. */
    async setIpAllowlist(input: {
      orgId: string;
      keyId: string;
      cidrs: readonly string[];
      actor: string;
    }): Promise<ApiKey> {
      const normalized = input.cidrs.map(normalizeCidr);
      rejectIssues([
        ...(input.cidrs.length > maxAllowlistEntries
          ? [{ path: 'cidrs', message: `must list at most ${maxAllowlistEntries} entries` }]
          : []),
        ...normalized.flatMap((cidr, i) =>
          cidr === undefined ? [{ path: `cidrs.${i}`, message: 'must be an IPv4 or IPv6 address or CIDR' }] : [],
        ),
      ]);
      const cidrs = [...new Set(normalized.filter((cidr) => cidr !== undefined))];
      const key = await usableKeyOf(input.orgId, input.keyId);
      await keys.setIpAllowlist(key.id, cidrs);
      await audit.record({ actor: input.actor, action: 'key.set_ip_allowlist', subject: key.id, data: { cidrs } });
      return { ...withoutSecret(key), ipAllowlist: cidrs };
    },

    /** Any organisation's key, without its secret: for operators, who act across organisations. */
    async getById(keyId: string): Promise<ApiKey> {
      const key = await keys.find(keyId);
      if (!key) throw new DomainError('key.not_found');
      return withoutSecret(key);
    },

    /** Every key of the app, revoked ones included; never the secrets. */
    async list(orgId: string, appId: string): Promise<ApiKey[]> {
      return keys.listByApp((await appOf(orgId, appId)).id);
    },
  };
}

export type Keys = ReturnType<typeof createKeys>;
