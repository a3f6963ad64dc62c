import { describe, expect, it } from 'vitest';
import { memoryAudit } from '../testing/memory-audit.js';
import { testCrypto } from '../testing/node-ports.js';
import type { Organization, Session, SessionRepository, UserCredentials } from './accounts.ports.js';
import { createSessions } from './sessions.service.js';

const alice: UserCredentials = {
  id: 'usr_alice',
  orgId: 'org_1',
  username: 'alice',
  email: null,
  emailVerifiedAt: null,
  mobile: null,
  role: 'owner',
  createdAt: '2026-11-29T09:00:00.000Z',
  disabledAt: null,
  passwordHash: 'hash:correct horse battery',
};

function setup(users: UserCredentials[] = [alice], frozenOrgs: string[] = []) {
  const verified: string[] = [];
  const hasher = {
    hash: async (password: string) => `hash:${password}`,
    verify: async (hash: string, password: string) => (verified.push(hash), hash === `hash:${password}`),
  };
  const stored = new Map<string, Session>();
  const sessions: SessionRepository = {
    insert: async (s) => void stored.set(s.id, s),
    find: async (id) => stored.get(id),
    touch: async () => undefined,
    revoke: async () => false,
    revokeAllOfUser: async () => 0,
    listActive: async (userId) => [...stored.values()].filter((s) => s.userId === userId),
    deleteExpired: async () => 0,
  };
  const clock = { now: () => new Date('2026-11-29T10:00:00Z') };
  const service = createSessions({
    sessions,
    users: {
      find: async (id) => users.find((u) => u.id === id),
      findByUsername: async (name) => users.find((u) => u.username === name),
    },
    orgs: {
      find: async (id): Promise<Organization> => ({
        id,
        name: 'Org',
        certification: 'certified',
        status: 'active',
        createdAt: '2026-11-29T09:00:00.000Z',
        updatedAt: '2026-11-29T09:00:00.000Z',
        frozenAt: frozenOrgs.includes(id) ? '2026-11-29T09:30:00.000Z' : null,
      }),
    },
    hasher,
    clock,
    crypto: testCrypto,
    audit: memoryAudit(clock).audit,
    sessionTtlSeconds: 3600,
  });
  return { service, verified, stored };
}

const client = { ip: '192.0.2.1', userAgent: 'test' };

describe('sessions', () => {
  it('stores only the hash of the token and expires the session after the TTL', async () => {
    const { service, stored } = setup();
    const { token, csrfToken, session } = await service.login('Alice', 'correct horse battery', client);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.id).toBe(testCrypto.sha256Hex(token));
    expect([...stored.keys()]).toEqual([session.id]);
    expect(session).toMatchObject({ userId: 'usr_alice', csrfToken, expiresAt: '2026-11-29T11:00:00.000Z' });
  });

  it('refuses a customer of a frozen organisation only once the password matched, opening no session', async () => {
    const { service, stored } = setup([alice], ['org_1']);
    await expect(service.login('alice', 'wrong password!', client)).rejects.toMatchObject({
      code: 'auth.invalid_credentials',
    });
    await expect(service.login('alice', 'correct horse battery', client)).rejects.toMatchObject({
      code: 'org.frozen',
    });
    expect(stored.size).toBe(0);
  });

  it('answers unknown users and wrong passwords alike, after a hash check in both cases', async () => {
    const { service, verified } = setup();
    await expect(service.login('nobody', 'correct horse battery', client)).rejects.toMatchObject({
      code: 'auth.invalid_credentials',
    });
    await expect(service.login('alice', 'wrong password!', client)).rejects.toMatchObject({
      code: 'auth.invalid_credentials',
    });
    expect(verified).toHaveLength(2);
    expect(verified[0]).toMatch(/^hash:/);
    expect(verified[0]).not.toBe(alice.passwordHash);
  });

  it('refuses disabled users with the same error', async () => {
    const { service } = setup([{ ...alice, disabledAt: '2026-11-29T09:30:00.000Z' }]);
    await expect(service.login('alice', 'correct horse battery', client)).rejects.toMatchObject({
      code: 'auth.invalid_credentials',
    });
  });

  it('accepts only the session’s own CSRF token', async () => {
    const { service } = setup();
    const first = await service.login('alice', 'correct horse battery', client);
    const second = await service.login('alice', 'correct horse battery', client);
    expect(() => service.checkCsrf(first.session, first.csrfToken)).not.toThrow();
    for (const wrong of [second.csrfToken, undefined, '', first.csrfToken.slice(1)]) {
      expect(() => service.checkCsrf(first.session, wrong)).toThrow(expect.objectContaining({ code: 'auth.csrf' }));
    }
  });

  it('lists sessions without their CSRF tokens', async () => {
    const { service } = setup();
    await service.login('alice', 'correct horse battery', client);
    const [listed] = await service.list('usr_alice');
    expect(listed).toMatchObject({ userId: 'usr_alice', ip: '192.0.2.1' });
    expect(listed).not.toHaveProperty('csrfToken');
  });
});
