import type { UserCredentials, UserRepository } from '@visage/core';
import { sql, type Kysely, type Selectable } from 'kysely';
import { commitWhen } from './commit-when.js';
import type { VisageDatabase } from './database.js';
import { toOrganizationRow } from './organization.repository.js';
import type { Database } from './schema.js';
import type { UserAccountTable } from './user-account.table.js';

export function createUserRepository(database: VisageDatabase): UserRepository {
  const { db } = database;
  return {
    insert: (user) => insertUnlessTaken(db, user),

    insertWithOrganization(org, owner) {
      return commitWhen(database, async (trx) => {
        await trx.insertInto('organization').values(toOrganizationRow(org)).execute();
        return insertUnlessTaken(trx, owner);
      });
    },

    async find(id) {
      const row = await db.selectFrom('user_account').selectAll().where('id', '=', id).executeTakeFirst();
      return row && userCredentialsFromRow(row);
    },

    async findByUsername(username) {
      const row = await db.selectFrom('user_account').selectAll().where('username', '=', username).executeTakeFirst();
      return row && userCredentialsFromRow(row);
    },

    async findByEmail(email, limit) {
      const rows = await db
        .selectFrom('user_account')
        .selectAll()
        .where(sql<string>`lower(email)`, '=', email.trim().toLowerCase())
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(userCredentialsFromRow);
    },

    async markEmailVerified(id, email, at) {
      const result = await db
        .updateTable('user_account')
        .set({ email_verified_at: at })
        .where('id', '=', id)
        .where('email', '=', email)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async setPasswordHash(id, passwordHash) {
      await db.updateTable('user_account').set({ password_hash: passwordHash }).where('id', '=', id).execute();
    },
  };
}

/**
 * ON CONFLICT DO NOTHING rather than catching the unique violation: on PostgreSQL a racing insert waits for the
 * other transaction and then inserts nothing, and neither dialect's error codes need to be recognised.
 */
async function insertUnlessTaken(db: Kysely<Database>, user: UserCredentials): Promise<boolean> {
  const result = await db
    .insertInto('user_account')
    .values(toRow(user))
    .onConflict((oc) => oc.column('username').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

function toRow(user: UserCredentials): Selectable<UserAccountTable> {
  return {
    id: user.id,
    org_id: user.orgId,
    username: user.username,
    email: user.email,
    email_verified_at: user.emailVerifiedAt,
    mobile: user.mobile,
    password_hash: user.passwordHash,
    role: user.role,
    created_at: user.createdAt,
    disabled_at: user.disabledAt,
  };
}

export function userCredentialsFromRow(row: Selectable<UserAccountTable>): UserCredentials {
  return {
    id: row.id,
    orgId: row.org_id,
    username: row.username,
    email: row.email,
    emailVerifiedAt: row.email_verified_at,
    mobile: row.mobile,
    passwordHash: row.password_hash,
    role: row.role,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}
