import type { Session, SessionRepository } from '@visage/core';
import type { Selectable } from 'kysely';
import type { VisageDatabase } from './database.js';
import type { UserSessionTable } from './user-session.table.js';

export function createSessionRepository({ db }: VisageDatabase): SessionRepository {
  return {
    async insert(session) {
      await db.insertInto('user_session').values(toRow(session)).execute();
    },

    async find(id) {
      const row = await db.selectFrom('user_session').selectAll().where('id', '=', id).executeTakeFirst();
      return row && fromRow(row);
    },

    async touch(id, lastSeenAt) {
      await db.updateTable('user_session').set({ last_seen_at: lastSeenAt }).where('id', '=', id).execute();
    },

    async revoke(id, at) {
      const result = await db
        .updateTable('user_session')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async revokeAllOfUser(userId, at) {
      const result = await db
        .updateTable('user_session')
        .set({ revoked_at: at })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', at)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async listActive(userId, now) {
      const rows = await db
        .selectFrom('user_session')
        .selectAll()
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map(fromRow);
    },

    async deleteExpired(before) {
      const result = await db.deleteFrom('user_session').where('expires_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function toRow(session: Session): Selectable<UserSessionTable> {
  return {
    id: session.id,
    user_id: session.userId,
    csrf_token: session.csrfToken,
    created_at: session.createdAt,
    expires_at: session.expiresAt,
    last_seen_at: session.lastSeenAt,
    ip: session.ip,
    user_agent: session.userAgent,
    revoked_at: session.revokedAt,
  };
}

function fromRow(row: Selectable<UserSessionTable>): Session {
  return {
    id: row.id,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastSeenAt: row.last_seen_at,
    ip: row.ip,
    userAgent: row.user_agent,
    revokedAt: row.revoked_at,
  };
}
