import type { MailOutboxRepository, OutboxMail } from '@visage/core';
import { sql, type Selectable } from 'kysely';
import type { VisageDatabase } from './database.js';
import type { MailOutboxTable } from './mail-outbox.table.js';
import { olderThan } from './keyset-page.js';

export function createMailOutboxRepository({ db }: VisageDatabase): MailOutboxRepository {
  return {
    async insert(mail) {
      await db.insertInto('mail_outbox').values(toRow(mail)).execute();
    },

    async settle(id, { status, error, sentAt, text }) {
      await db
        .updateTable('mail_outbox')
        .set({ status, error, sent_at: sentAt, ...(text === undefined ? {} : { body_text: text }) })
        .where('id', '=', id)
        .execute();
    },

    async list({ purpose, to, limit, after }) {
      const rows = await db
        .selectFrom('mail_outbox')
        .selectAll()
        .$if(purpose !== undefined, (query) => query.where('purpose', '=', purpose!))
        .$if(to !== undefined, (query) => query.where(sql<string>`lower(to_address)`, '=', to!.toLowerCase()))
        .$if(after !== undefined, (query) => query.where(olderThan(after!)))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    },

    async deleteCreatedBefore(before) {
      const result = await db.deleteFrom('mail_outbox').where('created_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function toRow(mail: OutboxMail): Selectable<MailOutboxTable> {
  return {
    id: mail.id,
    to_address: mail.to,
    subject: mail.subject,
    body_text: mail.text,
    purpose: mail.purpose,
    status: mail.status,
    error: mail.error,
    created_at: mail.createdAt,
    sent_at: mail.sentAt,
  };
}

function fromRow(row: Selectable<MailOutboxTable>): OutboxMail {
  return {
    id: row.id,
    to: row.to_address,
    subject: row.subject,
    text: row.body_text,
    purpose: row.purpose,
    status: row.status,
    error: row.error,
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}
