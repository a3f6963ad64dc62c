import type { ApiKey, ApiKeyRepository, StoredApiKey } from '@visage/core';
import type { Selectable } from 'kysely';
import type { ApiKeyTable } from './api-key.table.js';
import { commitWhen } from './commit-when.js';
import type { VisageDatabase } from './database.js';

export function createApiKeyRepository(database: VisageDatabase): ApiKeyRepository {
  const { db } = database;
  return {
    async insert(key) {
      await db.insertInto('api_key').values(toRow(key)).execute();
    },

    async find(id) {
      const row = await db.selectFrom('api_key').selectAll().where('id', '=', id).executeTakeFirst();
      return row && { ...fromRow(row), secretSealed: new Uint8Array(Buffer.from(row.secret_sealed, 'base64')) };
    },

    async listByApp(appId) {
      const rows = await db
        .selectFrom('api_key')
        .selectAll()
        .where('app_id', '=', appId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(fromRow);
    },

    rotate(oldId, oldExpiresAt, replacement) {
      return commitWhen(database, async (trx) => {
        await trx.insertInto('api_key').values(toRow(replacement)).execute();
        // The conditions make the rotation happen once: a concurrent rotation or revocation leaves no row to update.
        const result = await trx
          .updateTable('api_key')
          .set({ expires_at: oldExpiresAt, replaced_by: replacement.id })
          .where('id', '=', oldId)
          .where('status', '=', 'active')
          .where('replaced_by', 'is', null)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      });
    },

    async revoke(id, at) {
      const result = await db
        .updateTable('api_key')
        .set({ status: 'revoked', revoked_at: at })
        .where('id', '=', id)
        .where('status', '=', 'active')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async setIpAllowlist(id, cidrs) {
      await db
        .updateTable('api_key')
        .set({ ip_allowlist: JSON.stringify(cidrs) })
        .where('id', '=', id)
        .execute();
    },
  };
}

function toRow(key: StoredApiKey): Selectable<ApiKeyTable> {
  return {
    id: key.id,
    app_id: key.appId,
    org_id: key.orgId,
    mode: key.mode,
    secret_sealed: Buffer.from(key.secretSealed).toString('base64'),
    ip_allowlist: JSON.stringify(key.ipAllowlist),
    status: key.status,
    created_at: key.createdAt,
    revoked_at: key.revokedAt,
    expires_at: key.expiresAt,
    replaced_by: key.replacedBy,
  };
}

function fromRow(row: Selectable<ApiKeyTable>): ApiKey {
  return {
    id: row.id,
    appId: row.app_id,
    orgId: row.org_id,
    mode: row.mode,
    ipAllowlist: JSON.parse(row.ip_allowlist) as string[],
    status: row.status,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    expiresAt: row.expires_at,
    replacedBy: row.replaced_by,
  };
}
