import type { InboxNotice, NoticeData, NoticeRepository, StoredNotice } from '@visage/core';
import type { Selectable } from 'kysely';
import type { VisageDatabase } from './database.js';
import type { NoticeTable } from './notice.table.js';
import { olderThan } from './keyset-page.js';

const chunkSize = 500;

export function createNoticeRepository({ db }: VisageDatabase): NoticeRepository {
  return {
    insert(notice, orgIds) {
      return db.transaction().execute(async (trx) => {
        let recipients: string[];
        if (orgIds === 'all') {
          const rows = await trx.selectFrom('organization').select('id').where('status', '<>', 'terminated').execute();
          recipients = rows.map((row) => row.id);
        } else {
          recipients = [];
          const wanted = [...new Set(orgIds)];
          for (let start = 0; start < wanted.length; start += chunkSize) {
            const rows = await trx
              .selectFrom('organization')
              .select('id')
              .where('id', 'in', wanted.slice(start, start + chunkSize))
              .execute();
            recipients.push(...rows.map((row) => row.id));
          }
        }
        await trx
          .insertInto('notice')
          .values({
            id: notice.id,
            kind: notice.kind,
            title: notice.title,
            body: notice.body,
            data: JSON.stringify(notice.data),
            audience: notice.audience,
            email: notice.email ? 1 : 0,
            recipient_count: recipients.length,
            sent_by: notice.sentBy,
            created_at: notice.createdAt,
          })
          .execute();
        for (let start = 0; start < recipients.length; start += chunkSize) {
          await trx
            .insertInto('notice_inbox')
            .values(
              recipients.slice(start, start + chunkSize).map((orgId) => ({
                org_id: orgId,
                notice_id: notice.id,
                created_at: notice.createdAt,
                read_at: null,
              })),
            )
            .execute();
        }
        return recipients;
      });
    },

    async inbox(orgId, { after, limit }) {
      const rows = await db
        .selectFrom('notice_inbox')
        .innerJoin('notice', 'notice.id', 'notice_inbox.notice_id')
        .selectAll('notice')
        .select('notice_inbox.read_at')
        .where('notice_inbox.org_id', '=', orgId)
        .$if(after !== undefined, (query) =>
          query.where(olderThan(after!, 'notice_inbox.created_at', 'notice_inbox.notice_id')),
        )
        .orderBy('notice_inbox.created_at', 'desc')
        .orderBy('notice_inbox.notice_id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((row): InboxNotice => ({ ...fromRow(row), readAt: row.read_at }));
    },

    async unreadCount(orgId) {
      const row = await db
        .selectFrom('notice_inbox')
        .select((eb) => eb.fn.countAll().as('count'))
        .where('org_id', '=', orgId)
        .where('read_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    async markRead(orgId, noticeId, at) {
      const row = await db
        .selectFrom('notice_inbox')
        .select('read_at')
        .where('org_id', '=', orgId)
        .where('notice_id', '=', noticeId)
        .executeTakeFirst();
      if (!row) return false;
      if (row.read_at === null) {
        await db
          .updateTable('notice_inbox')
          .set({ read_at: at })
          .where('org_id', '=', orgId)
          .where('notice_id', '=', noticeId)
          .where('read_at', 'is', null)
          .execute();
      }
      return true;
    },

    async markAllRead(orgId, at) {
      const result = await db
        .updateTable('notice_inbox')
        .set({ read_at: at })
        .where('org_id', '=', orgId)
        .where('read_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async listSent(kind, { after, limit }) {
      const rows = await db
        .selectFrom('notice')
        .selectAll()
        .where('kind', '=', kind)
        .$if(after !== undefined, (query) => query.where(olderThan(after!)))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((row) => ({ ...fromRow(row), recipientCount: Number(row.recipient_count) }));
    },

    async recipientEmails(orgIds) {
      const emails = new Set<string>();
      const wanted = [...new Set(orgIds)];
      for (let start = 0; start < wanted.length; start += chunkSize) {
        const rows = await db
          .selectFrom('user_account')
          .select('email')
          .where('org_id', 'in', wanted.slice(start, start + chunkSize))
          .where('email', 'is not', null)
          // Only addresses the user proved to own: an unverified one may be anybody's (a typo, or a victim's).
          .where('email_verified_at', 'is not', null)
          .where('disabled_at', 'is', null)
          .orderBy('created_at')
          .execute();
        for (const row of rows) if (row.email) emails.add(row.email);
      }
      return [...emails];
    },
  };
}

function fromRow(row: Selectable<NoticeTable>): StoredNotice {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    data: JSON.parse(row.data) as NoticeData,
    audience: row.audience,
    email: Number(row.email) === 1,
    sentBy: row.sent_by,
    createdAt: row.created_at,
  };
}
