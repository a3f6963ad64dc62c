import type { AccountToken, AccountTokenRepository } from '@visage/core';
import { sql, type Selectable } from 'kysely';
import type { AccountTokenTable } from './account-token.table.js';
import type { VisageDatabase } from './database.js';

export function createAccountTokenRepository({ db, dialect }: VisageDatabase): AccountTokenRepository {
  return {
    async insert(token) {
      await db.insertInto('account_token').values(toRow(token)).execute();
    },

    async insertWithinLimits(token, limits) {
      return db.transaction().execute(async (trx) => {
        // PostgreSQL: concurrent transactions would each count before the other inserts, so the counts are taken
        // under transaction-scoped advisory locks on the user and the address (always in this order: no deadlock).
        // SQLite runs one transaction at a time on its one connection.
        if (dialect.rowLocks) {
          const keys = [
            `account_token:${token.purpose}:user:${token.userId}`,
            ...(limits.some((limit) => limit.by === 'email')
              ? [`account_token:${token.purpose}:email:${token.email.trim().toLowerCase()}`]
              : []),
          ];
          for (const key of keys) await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
        }
        for (const limit of limits) {
          const row = await trx
            .selectFrom('account_token')
            .select((eb) => eb.fn.countAll<number | string>().as('count'))
            .where('purpose', '=', token.purpose)
            .where('created_at', '>', limit.after)
            .$if(limit.by === 'user', (query) => query.where('user_id', '=', token.userId))
            .$if(limit.by === 'email', (query) =>
              query.where(sql<string>`lower(email)`, '=', token.email.trim().toLowerCase()),
            )
            .executeTakeFirstOrThrow();
          if (Number(row.count) >= limit.max) return false;
        }
        await trx.insertInto('account_token').values(toRow(token)).execute();
        return true;
      });
    },

    async find(id) {
      const row = await db.selectFrom('account_token').selectAll().where('id', '=', id).executeTakeFirst();
      return row && fromRow(row);
    },

    async consume(id, at) {
      const result = await db
        .updateTable('account_token')
        .set({ used_at: at })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async consumeAllOfUser(userId, purpose, at) {
      const result = await db
        .updateTable('account_token')
        .set({ used_at: at })
        .where('user_id', '=', userId)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async issuedSince(userId, purpose, since) {
      const rows = await db
        .selectFrom('account_token')
        .select('created_at')
        .where('user_id', '=', userId)
        .where('purpose', '=', purpose)
        .where('created_at', '>=', since)
        .orderBy('created_at')
        .execute();
      return rows.map((row) => row.created_at);
    },

    async deleteExpired(before) {
      const result = await db.deleteFrom('account_token').where('expires_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function toRow(token: AccountToken): Selectable<AccountTokenTable> {
  return {
    id: token.id,
    user_id: token.userId,
    purpose: token.purpose,
    email: token.email,
    created_at: token.createdAt,
    expires_at: token.expiresAt,
    used_at: token.usedAt,
  };
}

function fromRow(row: Selectable<AccountTokenTable>): AccountToken {
  return {
    id: row.id,
    userId: row.user_id,
    purpose: row.purpose,
    email: row.email,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
  };
}
