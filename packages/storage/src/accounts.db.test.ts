import { createOrganizations, createUsers, DomainError } from '@visage/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VisageDatabase } from './database.js';
import { createOrganizationRepository } from './organization.repository.js';
import { auditOn, fastHasher, manualClock, nodeCrypto } from './testing/account-ports.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';
import { createUserRepository } from './user-account.repository.js';

const owner = {
  orgName: 'Acme Ltd',
  username: 'Bob.Owner',
  email: 'bob@acme.example',
  mobile: '+8613800138000',
  password: 'a long passphrase',
};

for (const dialect of dialectNames) {
  describe(`organisations and users on ${dialect}`, () => {
    let database: VisageDatabase;
    let clock: ReturnType<typeof manualClock>;
    let audited: ReturnType<typeof auditOn>;
    const services = () => {
      const { audit } = audited;
      return {
        organizations: createOrganizations({
          repo: createOrganizationRepository(database),
          clock,
          crypto: nodeCrypto,
          audit,
        }),
        users: createUsers({
          users: createUserRepository(database),
          hasher: fastHasher,
          clock,
          crypto: nodeCrypto,
          audit,
        }),
      };
    };
    beforeEach(async () => {
      database = await freshDatabase(dialect);
      clock = manualClock();
      audited = auditOn(database, clock);
    });
    afterEach(() => database.destroy());

    it('stores organisations and moves them only from the standing the caller saw', async () => {
      const repo = createOrganizationRepository(database);
      const { organizations } = services();
      const org = await organizations.create('Acme', {}, 'operator:alice');
      clock.advanceSeconds(5);
      await organizations.create('Beta', { certified: true }, 'operator:alice');
      expect((await repo.list()).map((o) => [o.name, o.certification])).toEqual([
        ['Acme', 'registered'],
        ['Beta', 'certified'],
      ]);
      const later = '2026-11-29T11:00:00.000Z';
      expect(
        await repo.updateStanding(
          org.id,
          { certification: 'pending', status: 'active' },
          {
            certification: 'certified',
            status: 'active',
            updatedAt: later,
          },
        ),
      ).toBe(false);
      expect(
        await repo.updateStanding(org.id, org, { certification: 'pending', status: 'active', updatedAt: later }),
      ).toBe(true);
      expect(await repo.find(org.id)).toMatchObject({ certification: 'pending', updatedAt: later });
    });

    it('lets exactly one of two concurrent transitions from the same state through', async () => {
      const { organizations } = services();
      const org = await organizations.create('Acme', {}, 'operator:alice');
      await organizations.submitForCertification(org.id, { actor: 'user:usr_1' });
      const outcomes = await Promise.allSettled([
        organizations.certify(org.id, { actor: 'operator:alice' }),
        organizations.reject(org.id, { actor: 'operator:bob', reason: 'blurry licence' }),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const [failure] = outcomes.filter((o) => o.status === 'rejected');
      expect((failure as PromiseRejectedResult).reason).toMatchObject({ code: 'org.invalid_transition' });
      expect(['certified', 'rejected']).toContain((await organizations.get(org.id)).certification);
    });

    it('registers an organisation and its owner together, with a lower-case username', async () => {
      const { users } = services();
      const { org, owner: user } = await users.registerOrganisationOwner(owner);
      expect(org).toMatchObject({ name: 'Acme Ltd', certification: 'registered', status: 'active' });
      expect(user).toMatchObject({ orgId: org.id, username: 'bob.owner', role: 'owner', mobile: '+8613800138000' });
      expect(user).not.toHaveProperty('passwordHash');
      const stored = await createUserRepository(database).findByUsername('bob.owner');
      expect(stored?.passwordHash).not.toContain(owner.password);
      expect(await fastHasher.verify(stored?.passwordHash ?? '', owner.password)).toBe(true);
      expect(await audited.recordedActions()).toEqual(['org.register']);
    });

    it('refuses a taken username in any letter case and leaves no organisation behind', async () => {
      const { users, organizations } = services();
      await users.registerOrganisationOwner(owner);
      await expect(
        users.registerOrganisationOwner({ ...owner, orgName: 'Copycat', username: 'BOB.owner' }),
      ).rejects.toMatchObject({ code: 'account.username_taken' });
      expect((await organizations.list()).map((o) => o.name)).toEqual(['Acme Ltd']);
    });

    it('lets exactly one of two concurrent registrations of a username win', async () => {
      const { users, organizations } = services();
      const outcomes = await Promise.allSettled([
        users.registerOrganisationOwner({ ...owner, orgName: 'First' }),
        users.registerOrganisationOwner({ ...owner, orgName: 'Second', username: 'bob.owner' }),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const [failure] = outcomes.filter((o) => o.status === 'rejected');
      expect((failure as PromiseRejectedResult).reason).toBeInstanceOf(DomainError);
      expect((failure as PromiseRejectedResult).reason).toMatchObject({ code: 'account.username_taken' });
      expect(await organizations.list()).toHaveLength(1);
    });

    it('lets one of many concurrent registrations win and stores one user', async () => {
      const { users } = services();
      const outcomes = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => users.registerOrganisationOwner({ ...owner, orgName: `Org ${i}` })),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const count = await database.db
        .selectFrom('organization')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(1);
    });

    it('rejects bad formats together and weak passwords before storing anything', async () => {
      const { users } = services();
      await expect(
        users.registerOrganisationOwner({ ...owner, username: 'b', email: 'not-an-email', mobile: '12' }),
      ).rejects.toMatchObject({
        code: 'request.invalid',
        details: { issues: [{ path: 'username' }, { path: 'email' }, { path: 'mobile' }] },
      });
      await expect(users.registerOrganisationOwner({ ...owner, password: 'Password123' })).rejects.toMatchObject({
        code: 'account.weak_password',
      });
      await expect(users.registerOrganisationOwner({ ...owner, password: 'bob.owner' })).rejects.toMatchObject({
        code: 'account.weak_password',
      });
      expect(await createUserRepository(database).findByUsername('bob.owner')).toBeUndefined();
    });

    it('creates operators without an organisation, generating a password when none is given', async () => {
      const { users } = services();
      const { user, generatedPassword } = await users.createOperator({ username: 'Alice', actor: 'cli:root' });
      expect(user).toMatchObject({ username: 'alice', role: 'admin', orgId: null, email: null });
      expect(generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
      const stored = await createUserRepository(database).find(user.id);
      expect(await fastHasher.verify(stored?.passwordHash ?? '', generatedPassword ?? '')).toBe(true);

      const chosen = await users.createOperator({
        username: 'carol',
        password: 'carol has a long one',
        role: 'reviewer',
        actor: 'cli:root',
      });
      expect(chosen.user.role).toBe('reviewer');
      expect(chosen).not.toHaveProperty('generatedPassword');
      await expect(users.createOperator({ username: 'ALICE', actor: 'cli:root' })).rejects.toMatchObject({
        code: 'account.username_taken',
      });
      const entries = await audited.recorded();
      expect(entries.map((e) => [e.actor, e.action, e.data])).toEqual([
        ['cli:root', 'operator.create', { username: 'alice', role: 'admin' }],
        ['cli:root', 'operator.create', { username: 'carol', role: 'reviewer' }],
      ]);
    });
  });
}
