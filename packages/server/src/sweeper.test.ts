import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxMail } from '@visage/core';
import { dialectNames } from '@visage/storage/testing';
import { createSweeper } from './sweeper.js';
import { startTestPlatform, type TestPlatform } from './testing/test-platform.js';

const silentLog = { info: () => undefined, error: () => undefined } as unknown as Parameters<
  typeof createSweeper
>[1]['log'];

for (const dialect of dialectNames) {
  describe(`the retention sweep on ${dialect}`, () => {
    let t: TestPlatform;
    beforeAll(async () => {
      t = await startTestPlatform({ dialect, env: { VISAGE_MAIL_RETENTION_DAYS: '30' } });
    });
    afterAll(() => t.close());

    it('deletes outbox mails older than VISAGE_MAIL_RETENTION_DAYS, and keeps younger ones', async () => {
      const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
      const mail = (id: string, createdAt: string): OutboxMail => ({
        id,
        to: 'someone@example.com',
        subject: 'subject',
        text: 'text',
        purpose: 'notice',
        status: 'sent',
        error: null,
        createdAt,
        sentAt: createdAt,
      });
      const repo = t.services.mailOutboxRepository;
      await repo.insert(mail('mail_sweep_old', daysAgo(31)));
      await repo.insert(mail('mail_sweep_young', daysAgo(29)));

      await createSweeper(t.services, { intervalSeconds: 3600, log: silentLog }).runOnce();

      const left = await repo.list({ to: 'someone@example.com', limit: 10 });
      expect(left.map((m) => m.id)).toEqual(['mail_sweep_young']);
    });
  });
}
