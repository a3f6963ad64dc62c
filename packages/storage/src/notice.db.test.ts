import { createNotices, type Mailer, type Organization } from '@visage/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VisageDatabase } from './database.js';
import { createNoticeRepository } from './notice.repository.js';
import { createOrganizationRepository } from './organization.repository.js';
import { auditOn, manualClock, nodeCrypto } from './testing/account-ports.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';

for (const dialect of dialectNames) {
  describe(`notices on ${dialect}`, () => {
    let database: VisageDatabase;
    let clock: ReturnType<typeof manualClock>;
    let mails: { to: string; subject: string; text: string; purpose: string }[];
    let failFor: string | undefined;
    beforeEach(async () => {
      database = await freshDatabase(dialect);
      clock = manualClock();
      mails = [];
      failFor = undefined;
    });
    afterEach(() => database.destroy());

    const notices = () => {
      const mailer: Mailer = {
        async send(message) {
          if (message.to === failFor) throw new Error('smtp refused');
          mails.push(message);
        },
      };
      return createNotices({
        repo: createNoticeRepository(database),
        mailer,
        clock,
        crypto: nodeCrypto,
        audit: auditOn(database, clock).audit,
      });
    };

    /** Users' addresses: a string is a verified address of an enabled user. */
    type UserMail = string | null | { email: string; verified: boolean; disabled?: boolean };
    async function org(name: string, status: Organization['status'] = 'active', emails: UserMail[] = []) {
      const now = clock.now().toISOString();
      const created: Organization = {
        id: nodeCrypto.randomId('org'),
        name,
        certification: 'certified',
        status,
        createdAt: now,
        updatedAt: now,
      };
      await createOrganizationRepository(database).insert(created);
      for (const [index, mail] of emails.entries()) {
        const user = typeof mail === 'object' && mail !== null ? mail : { email: mail, verified: mail !== null };
        await database.db
          .insertInto('user_account')
          .values({
            id: nodeCrypto.randomId('usr'),
            org_id: created.id,
            username: `${name.toLowerCase()}-${index}`,
            email: user.email,
            email_verified_at: user.verified ? now : null,
            mobile: null,
            password_hash: 'x',
            role: index === 0 ? 'owner' : 'member',
            created_at: now,
            disabled_at: 'disabled' in user && user.disabled ? now : null,
          })
          .execute();
      }
      return created.id;
    }

    it('fans "all" out to every organisation that is not terminated, and mails their users', async () => {
      const a = await org('A', 'active', ['a@example.com', null, 'a2@example.com']);
      const b = await org('B', 'suspended', ['b@example.com']);
      const c = await org('C', 'terminated', ['c@example.com']);
      failFor = 'a2@example.com';
      const sent = await notices().notify({
        orgIds: 'all',
        kind: 'price.scheduled',
        data: { product: 'compare' },
        email: true,
      });
      expect(sent).toMatchObject({ count: 2, mailed: 2, mailFailures: 1 });
      expect(mails.map((m) => m.to).sort()).toEqual(['a@example.com', 'b@example.com']);
      expect(mails[0]).toMatchObject({ purpose: 'notice:price.scheduled' });
      expect(mails[0]?.subject).toContain('Price change scheduled');
      expect(mails[0]?.text).toContain('价格');
      expect((await notices().inbox(a)).notices.map((n) => n.kind)).toEqual(['price.scheduled']);
      expect((await notices().inbox(b)).unreadCount).toBe(1);
      expect((await notices().inbox(c)).notices).toEqual([]);
    });

    it('mails only verified addresses of users who are not disabled', async () => {
      const a = await org('A', 'active', [
        'owner@example.com',
        { email: 'typo@example.com', verified: false },
        { email: 'gone@example.com', verified: true, disabled: true },
        { email: 'gone-unverified@example.com', verified: false, disabled: true },
      ]);
      const sent = await notices().notify({ orgIds: [a], kind: 'org.suspended', data: { reason: 'x' }, email: true });
      expect(sent).toMatchObject({ count: 1, mailed: 1, mailFailures: 0 });
      expect(mails.map((m) => m.to)).toEqual(['owner@example.com']);
      expect(await createNoticeRepository(database).recipientEmails([a])).toEqual(['owner@example.com']);
    });

    it('delivers to the listed organisations whatever their status, without mail unless asked', async () => {
      const c = await org('C', 'terminated', ['c@example.com']);
      const sent = await notices().notify({
        orgIds: [c, 'org_missing'],
        kind: 'org.terminated',
        data: { reason: 'x' },
      });
      expect(sent.count).toBe(1);
      expect(mails).toEqual([]);
      expect((await notices().inbox(c)).notices).toMatchObject([{ kind: 'org.terminated', data: { reason: 'x' } }]);
    });

    it('pages the inbox newest first and counts and marks unread notices', async () => {
      const a = await org('A');
      const other = await org('B');
      const service = notices();
      for (let i = 0; i < 5; i++) {
        await service.notify({ orgIds: [a], kind: 'balance.low', data: { balance_fen: i } });
        clock.advanceSeconds(1);
      }
      const first = await service.inbox(a, { limit: 2 });
      expect(first.unreadCount).toBe(5);
      expect(first.notices.map((n) => n.data['balance_fen'])).toEqual([4, 3]);
      const second = await service.inbox(a, { limit: 2, after: first.next! });
      const third = await service.inbox(a, { limit: 2, after: second.next! });
      expect([...second.notices, ...third.notices].map((n) => n.data['balance_fen'])).toEqual([2, 1, 0]);
      expect(third.next).toBeUndefined();

      expect(await service.markRead(a, first.notices[0]!.id)).toEqual({ unreadCount: 4 });
      expect(await service.markRead(a, first.notices[0]!.id)).toEqual({ unreadCount: 4 });
      await expect(service.markRead(other, first.notices[1]!.id)).rejects.toMatchObject({ code: 'notice.not_found' });
      const page = await service.inbox(a);
      expect(page.notices[0]?.readAt).toBe(clock.now().toISOString());
      expect(page.notices[1]?.readAt).toBeNull();
      expect(await service.markAllRead(a)).toEqual({ marked: 4, unreadCount: 0 });

      // Notices of the same instant: the id breaks the tie, and paging neither repeats nor skips one.
      for (let i = 0; i < 3; i++) await service.notify({ orgIds: [other], kind: 'bonus.granted', data: { n: i } });
      const seen: unknown[] = [];
      let after: Awaited<ReturnType<typeof service.inbox>>['next'];
      do {
        const page = await service.inbox(other, { limit: 1, ...(after ? { after } : {}) });
        seen.push(...page.notices.map((n) => n.data['n']));
        after = page.next;
      } while (after);
      expect(seen.sort()).toEqual([0, 1, 2]);
    });

    it('sends announcements with the operator’s text, lists them with their recipient counts, and audits', async () => {
      const a = await org('A', 'active', ['a@example.com']);
      await org('B', 'active', ['b@example.com']);
      const audited = auditOn(database, clock);
      const service = createNotices({
        repo: createNoticeRepository(database),
        mailer: { send: async (m) => void mails.push(m) },
        clock,
        crypto: nodeCrypto,
        audit: audited.audit,
      });
      await service.announce({ title: ' Maintenance ', body: 'Down at 02:00.', email: false, actor: 'operator:ann' });
      clock.advanceSeconds(1);
      await service.announce({ title: 'Hi A', body: 'Only you.', orgIds: [a], email: true, actor: 'operator:ann' });
      expect(mails).toMatchObject([{ to: 'a@example.com', subject: '[Visage] Hi A' }]);
      const { notices: sent } = await service.sent('announcement');
      expect(sent.map((n) => [n.title, n.recipientCount, n.audience, n.sentBy])).toEqual([
        ['Hi A', 1, 'orgs', 'operator:ann'],
        ['Maintenance', 2, 'all', 'operator:ann'],
      ]);
      expect(await audited.recordedActions()).toEqual(['announcement.send', 'announcement.send']);
      await expect(
        service.announce({ title: '', body: 'x', email: false, actor: 'operator:ann' }),
      ).rejects.toMatchObject({
        code: 'request.invalid',
      });
    });
  });
}
