import { createAgreement, createUsers } from '@visage/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgreementRepository } from './agreement.repository.js';
import type { VisageDatabase } from './database.js';
import { auditOn, fastHasher, manualClock, nodeCrypto } from './testing/account-ports.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';
import { createUserRepository } from './user-account.repository.js';

const operator = 'operator:alice';

for (const dialect of dialectNames) {
  describe(`agreement on ${dialect}`, () => {
    let database: VisageDatabase;
    let clock: ReturnType<typeof manualClock>;
    let agreement: ReturnType<typeof createAgreement>;
    let audited: ReturnType<typeof auditOn>;
    let orgId: string;
    let userId: string;
    const inDays = (days: number) => new Date(clock.now().getTime() + days * 86_400_000).toISOString();
    const publish = (effectiveAt: string, text = 'terms') =>
      agreement.publish({ termsText: `${text} v`, dpaText: `dpa of ${text}`, effectiveAt, actor: operator });

    beforeEach(async () => {
      database = await freshDatabase(dialect);
      clock = manualClock();
      audited = auditOn(database, clock);
      const { audit } = audited;
      const users = createUsers({
        users: createUserRepository(database),
        hasher: fastHasher,
        clock,
        crypto: nodeCrypto,
        audit,
      });
      const { org, owner } = await users.registerOrganisationOwner({
        orgName: 'Acme',
        username: 'bob',
        email: 'bob@acme.cn',
        mobile: '13800138000',
        password: 'a long passphrase',
      });
      [orgId, userId] = [org.id, owner.id];
      agreement = createAgreement({ repo: createAgreementRepository(database), clock, crypto: nodeCrypto, audit });
    });
    afterEach(() => database.destroy());

    it('numbers versions in order and hashes both texts', async () => {
      const first = await publish(inDays(0));
      const second = await publish(inDays(1), 'revised');
      expect([first.version, second.version]).toEqual([1, 2]);
      expect(second.termsSha256).toBe(nodeCrypto.sha256Hex('revised v'));
      expect(second.dpaSha256).toBe(nodeCrypto.sha256Hex('dpa of revised'));
      expect(second.publishedBy).toBe(operator);
    });

    it('numbers concurrent publications without gaps or duplicates', async () => {
      const published = await Promise.all(Array.from({ length: 5 }, () => publish(inDays(0))));
      expect(published.map((v) => v.version).sort()).toEqual([1, 2, 3, 4, 5]);
    });

    it('refuses a version that would take effect before the previous one', async () => {
      await publish(inDays(10));
      await expect(publish(inDays(5))).rejects.toMatchObject({
        code: 'request.invalid',
        details: { issues: [{ path: 'effective_at' }] },
      });
      await expect(publish('next tuesday')).rejects.toMatchObject({ code: 'request.invalid' });
    });

    it('makes a version current once its effective time comes, and lists the ones to come', async () => {
      expect(await agreement.current()).toBeUndefined();
      await publish(inDays(0));
      await publish(inDays(7), 'revised');
      expect((await agreement.current())?.version).toBe(1);
      expect((await agreement.upcoming()).map((v) => v.version)).toEqual([2]);
      clock.advanceSeconds(7 * 86_400);
      expect((await agreement.current())?.version).toBe(2);
      expect(await agreement.upcoming()).toEqual([]);
    });

    it('needs no acceptance while nothing is in force, and refuses to accept what is not published', async () => {
      expect(await agreement.hasAcceptedCurrent(orgId)).toBe(true);
      await expect(agreement.accept({ orgId, userId, version: 1, ip: null })).rejects.toMatchObject({
        code: 'agreement.none_published',
      });
      await publish(inDays(1));
      expect(await agreement.hasAcceptedCurrent(orgId)).toBe(true);
    });

    it('records acceptance of a published version only, and asks again when a new one takes effect', async () => {
      await publish(inDays(0));
      expect(await agreement.hasAcceptedCurrent(orgId)).toBe(false);
      await expect(agreement.accept({ orgId, userId, version: 2, ip: '192.0.2.1' })).rejects.toMatchObject({
        code: 'agreement.version_mismatch',
        details: { current_version: 1 },
      });
      const accepted = await agreement.accept({ orgId, userId, version: 1, ip: '192.0.2.1' });
      expect(accepted).toMatchObject({
        orgId,
        userId,
        version: 1,
        ip: '192.0.2.1',
        termsSha256: nodeCrypto.sha256Hex('terms v'),
        dpaSha256: nodeCrypto.sha256Hex('dpa of terms'),
      });
      expect(await agreement.hasAcceptedCurrent(orgId)).toBe(true);

      await publish(inDays(3), 'revised');
      expect(await agreement.hasAcceptedCurrent(orgId)).toBe(true);
      clock.advanceSeconds(3 * 86_400);
      expect(await agreement.hasAcceptedCurrent(orgId)).toBe(false);
      await agreement.accept({ orgId, userId, version: 2, ip: null });
      expect(await agreement.hasAcceptedCurrent(orgId)).toBe(true);
    });

    it('accepts an upcoming version in advance, so that the organisation stays accepted when it takes effect', async () => {
      await publish(inDays(0));
      await agreement.accept({ orgId, userId, version: 1, ip: null });
      const upcoming = await publish(inDays(3), 'revised');
      await expect(agreement.accept({ orgId, userId, version: 3, ip: null })).rejects.toMatchObject({
        code: 'agreement.version_mismatch',
        details: { current_version: 1, upcoming_versions: [2] },
      });
      const early = await agreement.accept({ orgId, userId, version: 2, ip: '192.0.2.1' });
      expect(early).toMatchObject({ agreementId: upcoming.id, version: 2, termsSha256: upcoming.termsSha256 });
      expect(await agreement.statusOf(orgId)).toEqual({
        current: expect.objectContaining({ version: 1 }),
        acceptedCurrent: true,
        upcoming: [{ version: upcoming, accepted: true }],
      });
      clock.advanceSeconds(3 * 86_400);
      expect(await agreement.hasAcceptedCurrent(orgId)).toBe(true);
      expect(await agreement.statusOf(orgId)).toEqual({ current: upcoming, acceptedCurrent: true, upcoming: [] });
      expect(await agreement.accept({ orgId, userId, version: 2, ip: null })).toEqual(early);
    });

    it('keeps the first acceptance when the same version is accepted again', async () => {
      await publish(inDays(0));
      const first = await agreement.accept({ orgId, userId, version: 1, ip: '192.0.2.1' });
      clock.advanceSeconds(60);
      const again = await agreement.accept({ orgId, userId, version: 1, ip: '198.51.100.2' });
      expect(again).toEqual(first);
      const actions = await audited.recordedActions();
      expect(actions.filter((a) => a === 'agreement.accept')).toHaveLength(1);
    });
  });
}
