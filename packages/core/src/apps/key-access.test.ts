import { describe, expect, it } from 'vitest';
import type { Organization } from '../accounts/accounts.ports.js';
import { aesGcmSecretBox } from '../testing/node-ports.js';
import type { App, StoredApiKey } from './apps.ports.js';
import { createKeyAccess } from './key-access.js';

const now = new Date('2026-11-29T10:00:00Z');
const secretBox = aesGcmSecretBox();

const org: Organization = {
  id: 'org_1',
  name: 'Acme',
  certification: 'certified',
  status: 'active',
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
};
const app = { id: 'app_1', orgId: 'org_1' } as App;

function keyOf(overrides: Partial<StoredApiKey> = {}): StoredApiKey {
  const id = overrides.id ?? 'ak_live_1';
  return {
    id,
    appId: 'app_1',
    orgId: 'org_1',
    mode: 'live',
    ipAllowlist: [],
    status: 'active',
    createdAt: '2026-11-01T00:00:00.000Z',
    revokedAt: null,
    expiresAt: null,
    replacedBy: null,
    secretSealed: secretBox.seal(new TextEncoder().encode(`secret-of-${id}`), id),
    ...overrides,
  };
}

function access(key: StoredApiKey, options: { org?: Partial<Organization>; accepted?: boolean } = {}) {
  const agreementChecks: string[] = [];
  const keyAccess = createKeyAccess({
    keys: { find: async (id) => (id === key.id ? key : undefined) },
    apps: { find: async (id) => (id === app.id ? app : undefined) },
    orgs: { find: async (id) => (id === org.id ? { ...org, ...options.org } : undefined) },
    agreement: {
      hasAcceptedCurrent: async (orgId) => (agreementChecks.push(orgId), options.accepted ?? true),
    },
    secretBox,
    // Exact-match allowlist: enough to tell "allowed" from "not allowed" here.
    ipAllowlist: (ip, cidrs) => cidrs.includes(`${ip}/32`),
    clock: { now: () => now },
  });
  return { keyAccess, agreementChecks };
}

const codeOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: { code?: string }) => error.code,
  );

describe('key access', () => {
  it('opens the secret of any stored key, revoked ones included, and nothing for unknown ids', async () => {
    const revoked = keyOf({ status: 'revoked' });
    const { keyAccess } = access(revoked);
    expect(await keyAccess.secretOf('ak_live_1')).toBe('secret-of-ak_live_1');
    expect(await keyAccess.secretOf('ak_live_other')).toBeUndefined();
  });

  it('does not open a sealed secret moved onto another key id', async () => {
    const moved = { ...keyOf({ id: 'ak_live_2' }), secretSealed: keyOf().secretSealed };
    await expect(access(moved).keyAccess.secretOf('ak_live_2')).rejects.toThrow();
  });

  it('authorises an active live key of a certified organisation that accepted the agreement', async () => {
    const { keyAccess } = access(keyOf({ ipAllowlist: ['192.0.2.1/32'] }));
    const granted = await keyAccess.authorize({ keyId: 'ak_live_1', ip: '192.0.2.1' });
    expect(granted.key.id).toBe('ak_live_1');
    expect(granted.key).not.toHaveProperty('secretSealed');
    expect(granted.app.id).toBe('app_1');
    expect(granted.org.id).toBe('org_1');
  });

  it('checks revocation, then the IP, then suspension, then certification, then the agreement', async () => {
    const everythingWrong = {
      org: { status: 'suspended' as const, certification: 'pending' as const },
      accepted: false,
    };
    const blocked = keyOf({ ipAllowlist: ['198.51.100.9/32'] });
    const ip = '192.0.2.1';
    const authorize = (key: StoredApiKey, options: Parameters<typeof access>[1]) =>
      codeOf(access(key, options).keyAccess.authorize({ keyId: key.id, ip }));

    expect(await authorize({ ...blocked, status: 'revoked' }, everythingWrong)).toBe('key.revoked');
    expect(await authorize({ ...blocked, expiresAt: now.toISOString() }, everythingWrong)).toBe('key.revoked');
    expect(await authorize(blocked, everythingWrong)).toBe('key.ip_not_allowed');
    expect(await authorize(keyOf(), everythingWrong)).toBe('org.suspended');
    expect(await authorize(keyOf(), { ...everythingWrong, org: { certification: 'pending' } })).toBe(
      'org.not_certified',
    );
    expect(await authorize(keyOf(), { accepted: false })).toBe('agreement.not_accepted');
    expect(await authorize(keyOf(), {})).toBe('ok');
  });

  it('lets a rotated key work until its grace period ends', async () => {
    const inGrace = keyOf({ expiresAt: new Date(now.getTime() + 1000).toISOString(), replacedBy: 'ak_live_2' });
    expect(await codeOf(access(inGrace).keyAccess.authorize({ keyId: inGrace.id, ip: '192.0.2.1' }))).toBe('ok');
  });

  it('refuses suspended and terminated organisations in sandbox too, but skips certification and agreement', async () => {
    const sandbox = keyOf({ id: 'ak_test_1', mode: 'sandbox' });
    const authorize = (options: Parameters<typeof access>[1]) => {
      const { keyAccess, agreementChecks } = access(sandbox, options);
      return { code: codeOf(keyAccess.authorize({ keyId: sandbox.id, ip: '192.0.2.1' })), agreementChecks };
    };
    expect(await authorize({ org: { status: 'suspended' } }).code).toBe('org.suspended');
    expect(await authorize({ org: { status: 'terminated' } }).code).toBe('org.suspended');
    const uncertified = authorize({ org: { certification: 'registered' }, accepted: false });
    expect(await uncertified.code).toBe('ok');
    expect(uncertified.agreementChecks).toEqual([]);
  });

  it('refuses live keys of a frozen organisation, and lets its sandbox keys work', async () => {
    const frozen = { org: { frozenAt: '2026-11-29T09:00:00.000Z' } };
    expect(await codeOf(access(keyOf(), frozen).keyAccess.authorize({ keyId: 'ak_live_1', ip: '192.0.2.1' }))).toBe(
      'org.frozen',
    );
    const sandbox = keyOf({ id: 'ak_test_1', mode: 'sandbox' });
    expect(await codeOf(access(sandbox, frozen).keyAccess.authorize({ keyId: sandbox.id, ip: '192.0.2.1' }))).toBe(
      'ok',
    );
  });

  it('refuses a key that no longer exists', async () => {
    const { keyAccess } = access(keyOf());
    expect(await codeOf(keyAccess.authorize({ keyId: 'ak_live_gone', ip: '192.0.2.1' }))).toBe('key.revoked');
  });
});
