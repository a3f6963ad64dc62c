import type { Organization, OrganizationRepository } from '../accounts/accounts.ports.js';
import { DomainError } from '../domain-error.js';
import type { Clock, IpAllowlist, SecretBox } from '../ports.js';
import type { SigningSecrets } from '../signing/signature-verifier.js';
import type { ApiKey, ApiKeyRepository, App, AppRepository } from './apps.ports.js';
import { isKeyRevoked, withoutSecret } from './keys.service.js';

export interface KeyAuthorization {
  readonly key: ApiKey;
  readonly app: App;
  readonly org: Organization;
}

/**
 * What a signed API request may do with its key. `secretOf` answers for revoked keys too, so that the signature
 * is checked first and an unsigned caller learns nothing about a key's state; `authorize` then decides.
 * Key state is never cached: a revocation or suspension applies to the very next request.
 */
export function createKeyAccess(ports: {
  keys: Pick<ApiKeyRepository, 'find'>;
  apps: Pick<AppRepository, 'find'>;
  orgs: Pick<OrganizationRepository, 'find'>;
  agreement: { hasAcceptedCurrent(orgId: string): Promise<boolean> };
  secretBox: SecretBox;
  ipAllowlist: IpAllowlist;
  clock: Clock;
}): SigningSecrets & { authorize(request: { keyId: string; ip: string }): Promise<KeyAuthorization> } {
  const { keys, apps, orgs, agreement, secretBox, ipAllowlist, clock } = ports;
  const decoder = new TextDecoder();
  // A key id's secret never changes (rotation issues a new id), so opened secrets are kept; whether the key may
  // still be used is decided by `authorize`, from the database, on every request.
  const openedSecrets = new Map<string, string>();

  return {
    async secretOf(keyId) {
      const cached = openedSecrets.get(keyId);
      if (cached !== undefined) return cached;
      const key = await keys.find(keyId);
      if (!key) return undefined;
      const secret = decoder.decode(secretBox.open(key.secretSealed, key.id));
      if (openedSecrets.size >= maxOpenedSecrets) openedSecrets.delete(openedSecrets.keys().next().value!);
      openedSecrets.set(keyId, secret);
      return secret;
    },

    async authorize({ keyId, ip }) {
      const key = await keys.find(keyId);
      // Reached only after the signature held, so an unknown key here means it was deleted in between.
      if (!key || isKeyRevoked(key, clock.now())) throw new DomainError('key.revoked');
      if (key.ipAllowlist.length > 0 && !ipAllowlist(ip, key.ipAllowlist)) {
        throw new DomainError('key.ip_not_allowed', { ip });
      }
      const [app, org] = await Promise.all([apps.find(key.appId), orgs.find(key.orgId)]);
      if (!app || !org) throw new Error(`API key ${key.id} refers to a missing app or organisation`);
      if (org.status !== 'active') throw new DomainError('org.suspended');
      if (key.mode === 'live') {
        if (org.frozenAt) throw new DomainError('org.frozen');
        if (org.certification !== 'certified') throw new DomainError('org.not_certified');
        if (!(await agreement.hasAcceptedCurrent(org.id))) throw new DomainError('agreement.not_accepted');
      }
      return { key: withoutSecret(key), app, org };
    },
  };
}

export type KeyAccess = ReturnType<typeof createKeyAccess>;

const maxOpenedSecrets = 10_000;
