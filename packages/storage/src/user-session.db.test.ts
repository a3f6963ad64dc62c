import { createSessions, createUsers } from '@visage/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VisageDatabase } from './database.js';
import { createOrganizationRepository } from './organization.repository.js';
import { auditOn, fastHasher, manualClock, nodeCrypto } from './testing/account-ports.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';
import { createUserRepository } from './user-account.repository.js';
import { createSessionRepository } from './user-session.repository.js';

const ttlSeconds = 3600;
const password = 'a long passphrase';
const client = { ip: '192.0.2.1', userAgent: 'vitest' };

for (const dialect of dialectNames) {
  describe(`sessions on ${dialect}`, () => {
    let database: VisageDatabase;
    let clock: ReturnType<typeof manualClock>;
    let sessions: ReturnType<typeof createSessions>;
    let userId: string;
    beforeEach(async () => {
      database = await freshDatabase(dialect);
      clock = manualClock();
      const { audit } = auditOn(database, clock);
      const users = createUserRepository(database);
      const registered = await createUsers({
        users,
        hasher: fastHasher,
        clock,
        crypto: nodeCrypto,
        audit,
      }).registerOrganisationOwner({
        orgName: 'Acme',
        username: 'bob',
        email: 'b@acme.cn',
        mobile: '13800138000',
        password,
      });
      userId = registered.owner.id;
      sessions = createSessions({
        sessions: createSessionRepository(database),
        users,
        orgs: createOrganizationRepository(database),
        hasher: fastHasher,
        clock,
        crypto: nodeCrypto,
        audit,
        sessionTtlSeconds: ttlSeconds,
      });
    });
    afterEach(() => database.destroy());

    it('authenticates a token until the session expires', async () => {
      const { token } = await sessions.login('BOB', password, client);
      expect((await sessions.authenticate(token)).user).toMatchObject({ id: userId, username: 'bob' });
      clock.advanceSeconds(ttlSeconds - 1);
      await expect(sessions.authenticate(token)).resolves.toBeDefined();
      clock.advanceSeconds(1);
      await expect(sessions.authenticate(token)).rejects.toMatchObject({ code: 'auth.required' });
    });

    it('refuses unknown tokens and stores no token, only its hash', async () => {
      const { token, session } = await sessions.login('bob', password, client);
      await expect(sessions.authenticate(`${token}x`)).rejects.toMatchObject({ code: 'auth.required' });
      const ids = await database.db.selectFrom('user_session').select('id').execute();
      expect(ids).toEqual([{ id: session.id }]);
      expect(session.id).not.toContain(token);
    });

    it('slides last_seen_at forward as the session is used', async () => {
      const { token, session } = await sessions.login('bob', password, client);
      clock.advanceSeconds(600);
      const seen = await sessions.authenticate(token);
      expect(seen.session.lastSeenAt).toBe(clock.now().toISOString());
      const [listed] = await sessions.list(userId);
      expect(listed?.lastSeenAt).toBe(clock.now().toISOString());
      expect(listed?.expiresAt).toBe(session.expiresAt);
    });

    it('ends one session on logout and every session on logoutAll', async () => {
      const first = await sessions.login('bob', password, client);
      const second = await sessions.login('bob', password, client);
      const third = await sessions.login('bob', password, client);
      await sessions.logout(first.token);
      await expect(sessions.authenticate(first.token)).rejects.toMatchObject({ code: 'auth.required' });
      await expect(sessions.authenticate(second.token)).resolves.toBeDefined();
      expect((await sessions.list(userId)).map((s) => s.id).sort()).toEqual(
        [second.session.id, third.session.id].sort(),
      );
      expect(await sessions.logoutAll(userId, `user:${userId}`)).toBe(2);
      await expect(sessions.authenticate(third.token)).rejects.toMatchObject({ code: 'auth.required' });
      expect(await sessions.list(userId)).toEqual([]);
    });

    it('refuses wrong passwords and unknown users with one error', async () => {
      await expect(sessions.login('bob', 'not the passphrase', client)).rejects.toMatchObject({
        code: 'auth.invalid_credentials',
      });
      await expect(sessions.login('nobody', password, client)).rejects.toMatchObject({
        code: 'auth.invalid_credentials',
      });
    });

    it('sweeps expired sessions and keeps live ones', async () => {
      await sessions.login('bob', password, client);
      clock.advanceSeconds(ttlSeconds / 2);
      const { token } = await sessions.login('bob', password, client);
      clock.advanceSeconds(ttlSeconds / 2 + 1);
      expect(await sessions.sweepExpired()).toBe(1);
      await expect(sessions.authenticate(token)).resolves.toBeDefined();
    });
  });
}
