import { createComplaints, type NoticeRequest, type Organization } from '@visage/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createComplaintRepository } from './complaint.repository.js';
import type { VisageDatabase } from './database.js';
import { createOrganizationRepository } from './organization.repository.js';
import { auditOn, manualClock, nodeCrypto } from './testing/account-ports.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';

for (const dialect of dialectNames) {
  describe(`complaints on ${dialect}`, () => {
    let database: VisageDatabase;
    let clock: ReturnType<typeof manualClock>;
    let sent: NoticeRequest[];
    let audited: ReturnType<typeof auditOn>;
    beforeEach(async () => {
      database = await freshDatabase(dialect);
      clock = manualClock();
      sent = [];
      audited = auditOn(database, clock);
    });
    afterEach(() => database.destroy());

    const complaints = () =>
      createComplaints({
        repo: createComplaintRepository(database),
        notices: { notify: async (request) => (sent.push(request), { count: 1 }) },
        clock,
        crypto: nodeCrypto,
        audit: audited.audit,
      });

    /** An organisation with two users, each signed in twice. */
    async function org(name: string) {
      const now = clock.now().toISOString();
      const created: Organization = {
        id: nodeCrypto.randomId('org'),
        name,
        certification: 'certified',
        status: 'active',
        createdAt: now,
        updatedAt: now,
      };
      await createOrganizationRepository(database).insert(created);
      const users: string[] = [];
      for (const index of [0, 1]) {
        const id = nodeCrypto.randomId('usr');
        users.push(id);
        await database.db
          .insertInto('user_account')
          .values({
            id,
            org_id: created.id,
            username: `${name.toLowerCase()}-${index}`,
            email: null,
            mobile: null,
            password_hash: 'x',
            role: index === 0 ? 'owner' : 'member',
            created_at: now,
            disabled_at: null,
          })
          .execute();
        for (let signIns = 0; signIns < 2; signIns++) {
          await database.db
            .insertInto('user_session')
            .values({
              id: nodeCrypto.randomToken(16),
              user_id: id,
              csrf_token: 'c',
              created_at: now,
              expires_at: '2099-01-01T00:00:00.000Z',
              last_seen_at: now,
              ip: null,
              user_agent: null,
              revoked_at: null,
            })
            .execute();
        }
      }
      return { orgId: created.id, users };
    }

    const liveSessions = async (userIds: string[]) =>
      (
        await database.db
          .selectFrom('user_session')
          .select('id')
          .where('user_id', 'in', userIds)
          .where('revoked_at', 'is', null)
          .execute()
      ).length;
    const frozenAt = async (orgId: string) =>
      (await createOrganizationRepository(database).find(orgId))?.frozenAt ?? null;

    it('files and moves reports on even when the notice fails, reporting the failure', async () => {
      const { orgId, users } = await org('A');
      const failures: NoticeRequest[] = [];
      const service = createComplaints({
        repo: createComplaintRepository(database),
        notices: {
          notify: async () => {
            throw new Error('inbox unavailable');
          },
        },
        clock,
        crypto: nodeCrypto,
        audit: audited.audit,
        onError: (_error, request) => failures.push(request),
      });
      const filed = await service.file({
        orgId,
        userId: users[0]!,
        actor: `user:${users[0]}`,
        kind: 'compromised_account',
        subject: 'Leaked',
        description: 'Phished.',
      });
      expect(filed).toMatchObject({ frozen: true, revokedSessions: 4 });
      expect(await frozenAt(orgId)).not.toBeNull();
      const resolved = await service.update(filed.complaint.id, {
        status: 'resolved',
        note: 'Password changed',
        actor: 'operator:sue',
      });
      expect(resolved).toMatchObject({ unfrozen: true, complaint: { status: 'resolved' } });
      expect(await frozenAt(orgId)).toBeNull();
      expect(failures.map((request) => request.kind)).toEqual(['org.frozen', 'complaint.updated']);
    });

    it('files misuse reports without touching the organisation', async () => {
      const { orgId, users } = await org('A');
      const filed = await complaints().file({
        orgId,
        userId: users[0]!,
        actor: `user:${users[0]}`,
        kind: 'misuse',
        subject: ' Scraping ',
        description: 'Someone uses our brand.',
      });
      expect(filed).toMatchObject({
        frozen: false,
        revokedSessions: 0,
        complaint: { subject: 'Scraping', status: 'open' },
      });
      expect(await frozenAt(orgId)).toBeNull();
      expect(await liveSessions(users)).toBe(4);
      expect(sent).toEqual([]);
      await expect(
        complaints().file({ orgId, userId: users[0]!, actor: 'x', kind: 'misuse', subject: '', description: '' }),
      ).rejects.toMatchObject({ code: 'request.invalid' });
    });

    it('freezes on a compromised-account report and lifts the freeze when the last such report closes', async () => {
      const a = await org('A');
      const b = await org('B');
      const report = () =>
        complaints().file({
          orgId: a.orgId,
          userId: a.users[1]!,
          actor: `user:${a.users[1]}`,
          kind: 'compromised_account',
          subject: 'Leaked password',
          description: 'Our admin password was phished.',
          contact: '+86 138 0000 0000',
        });
      const first = await report();
      expect(first).toMatchObject({ frozen: true, revokedSessions: 4 });
      const frozeAt = clock.now().toISOString();
      expect(await frozenAt(a.orgId)).toBe(frozeAt);
      expect(await liveSessions(a.users)).toBe(0);
      expect(await liveSessions(b.users)).toBe(4);
      expect(await frozenAt(b.orgId)).toBeNull();
      expect(sent).toMatchObject([{ orgIds: [a.orgId], kind: 'org.frozen', email: true }]);

      clock.advanceSeconds(60);
      const second = await report();
      expect(await frozenAt(a.orgId)).toBe(frozeAt); // the first freeze's time is kept

      const service = complaints();
      const progress = await service.update(first.complaint.id, {
        status: 'in_progress',
        note: 'Looking',
        actor: 'operator:sue',
      });
      expect(progress.unfrozen).toBe(false);
      const resolved = await service.update(first.complaint.id, {
        status: 'resolved',
        note: 'Fixed',
        actor: 'operator:sue',
      });
      expect(resolved.unfrozen).toBe(false); // the second report still holds it
      expect(await frozenAt(a.orgId)).toBe(frozeAt);
      await expect(
        service.update(first.complaint.id, { status: 'dismissed', note: 'again', actor: 'operator:sue' }),
      ).rejects.toMatchObject({ code: 'complaint.closed' });
      await expect(
        service.update(second.complaint.id, { status: 'dismissed', note: ' ', actor: 'x' }),
      ).rejects.toMatchObject({ code: 'request.invalid' });
      const dismissed = await service.update(second.complaint.id, {
        status: 'dismissed',
        note: 'Duplicate',
        actor: 'operator:sue',
      });
      expect(dismissed.unfrozen).toBe(true);
      expect(await frozenAt(a.orgId)).toBeNull();

      const stored = await service.get(first.complaint.id);
      expect(stored).toMatchObject({ orgName: 'A', status: 'resolved', contact: '+86 138 0000 0000' });
      expect(stored.notes.map((n) => [n.status, n.note, n.actor])).toEqual([
        ['in_progress', 'Looking', 'operator:sue'],
        ['resolved', 'Fixed', 'operator:sue'],
      ]);
      expect(sent.filter((n) => n.kind === 'complaint.updated').map((n) => n.data?.['status'])).toEqual([
        'in_progress',
        'resolved',
        'dismissed',
      ]);
      expect(await audited.recordedActions()).toEqual([
        'complaint.file',
        'org.freeze',
        'complaint.file',
        'org.freeze',
        'complaint.update',
        'complaint.update',
        'complaint.update',
        'org.unfreeze',
      ]);
      await expect(service.get('cmp_missing')).rejects.toMatchObject({ code: 'complaint.not_found' });
    });

    it('keeps the freeze exactly while a freezing report is open, under concurrent filing and closing', async () => {
      const repo = createComplaintRepository(database);
      const service = complaints();
      const report = (orgId: string, userId: string) =>
        service.file({
          orgId,
          userId,
          actor: `user:${userId}`,
          kind: 'compromised_account',
          subject: 'Leaked',
          description: 'd',
        });
      const close = (id: string) => {
        const at = clock.now().toISOString();
        return repo.update(
          id,
          'open',
          { status: 'resolved', notes: [{ at, actor: 'operator:x', status: 'resolved', note: 'n' }], updatedAt: at },
          { unfreeze: true },
        );
      };
      for (let round = 0; round < 8; round++) {
        // Two operators close the last two freezing reports at once: the freeze must be lifted.
        const a = await org(`A${round}`);
        const [one, two] = [await report(a.orgId, a.users[0]!), await report(a.orgId, a.users[1]!)];
        await Promise.all([close(one.complaint.id), close(two.complaint.id)]);
        expect(await frozenAt(a.orgId)).toBeNull();
        // A new report filed while the last one is being closed: the freeze must stay.
        const b = await org(`B${round}`);
        const old = await report(b.orgId, b.users[0]!);
        await Promise.all([close(old.complaint.id), report(b.orgId, b.users[1]!)]);
        expect(await frozenAt(b.orgId)).not.toBeNull();
      }
    });

    it('lists an organisation’s own complaints and the operator’s queue by status, newest first, in pages', async () => {
      const a = await org('A');
      const b = await org('B');
      const service = complaints();
      const file = (orgId: string, subject: string) =>
        service.file({ orgId, userId: 'usr_x', actor: 'user:usr_x', kind: 'infringement', subject, description: 'd' });
      for (const subject of ['a1', 'a2', 'a3']) {
        await file(a.orgId, subject);
        clock.advanceSeconds(1);
      }
      const b1 = await file(b.orgId, 'b1');
      await service.update(b1.complaint.id, { status: 'in_progress', note: 'n', actor: 'operator:x' });

      const first = await service.listOwn(a.orgId, { limit: 2 });
      expect(first.complaints.map((c) => c.subject)).toEqual(['a3', 'a2']);
      const rest = await service.listOwn(a.orgId, { limit: 2, after: first.next! });
      expect(rest.complaints.map((c) => c.subject)).toEqual(['a1']);
      expect(rest.next).toBeUndefined();
      expect((await service.list({ status: 'open' })).complaints.map((c) => c.subject)).toEqual(['a3', 'a2', 'a1']);
      expect((await service.list({ status: 'in_progress' })).complaints.map((c) => [c.subject, c.orgName])).toEqual([
        ['b1', 'B'],
      ]);
      expect((await service.list()).complaints).toHaveLength(4);
    });
  });
}
