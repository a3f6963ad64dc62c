import { describe, expect, it } from 'vitest';
import { noticeKinds } from './notices.ports.js';
import { noticeMail, noticeText } from './notice-text.js';

describe('notice text', () => {
  it('words every system kind in Chinese and English, and mails both', () => {
    for (const kind of noticeKinds.filter((each) => each !== 'announcement')) {
      const notice = { kind, title: null, body: null, data: { reason: 'R-1' } };
      const zh = noticeText(notice, 'zh-CN');
      const en = noticeText(notice, 'en');
      expect(zh.title).toMatch(/[\u4e00-\u9fff]/);
      expect(en.title).toMatch(/^[\x20-\x7e]+$/);
      expect(zh.body).toContain('原因：R-1');
      expect(en.body).toContain('Reason: R-1');
      const mail = noticeMail(notice);
      expect(mail.subject).toBe(`[Visage] ${zh.title} / ${en.title}`);
      expect(mail.text.indexOf(zh.body)).toBeLessThan(mail.text.indexOf(en.body));
    }
  });

  it('shows amounts in yuan and leaves out fields it does not have', () => {
    const text = noticeText({ kind: 'topup.confirmed', title: null, body: null, data: { amount_fen: 100_005 } }, 'en');
    expect(text.body).toContain('Amount: ¥1000.05');
    expect(text.body).not.toContain('Reason');
  });

  it('shows announcements as the operator wrote them', () => {
    const notice = { kind: 'announcement' as const, title: '维护', body: 'Down at 02:00', data: {} };
    expect(noticeText(notice, 'en')).toEqual({ title: '维护', body: 'Down at 02:00' });
    expect(noticeMail(notice)).toEqual({ subject: '[Visage] 维护', text: 'Down at 02:00\n\n—\nVisage' });
  });
});
