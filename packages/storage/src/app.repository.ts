import type { App, AppRepository } from '@visage/core';
import type { Selectable } from 'kysely';
import type { AppTable } from './app.table.js';
import type { VisageDatabase } from './database.js';
import { insertFirstWebhookSecretIn } from './webhook.repository.js';

export function createAppRepository({ db, dialect }: VisageDatabase): AppRepository {
  return {
    async insert(app) {
      await db.insertInto('app').values(toRow(app)).execute();
    },

    async find(id) {
      const row = await db.selectFrom('app').selectAll().where('id', '=', id).executeTakeFirst();
      return row && fromRow(row);
    },

    async listByOrganization(orgId) {
      const rows = await db
        .selectFrom('app')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(fromRow);
    },

    async update(app, options) {
      const secret = options?.firstWebhookSecret;
      if (!secret) {
        await db.updateTable('app').set(changeableColumns(app)).where('id', '=', app.id).execute();
        return { webhookSecretIssued: false };
      }
      return db.transaction().execute(async (trx) => {
        // The app row's lock (PostgreSQL) orders concurrent updates: the second one sees the first one's secret.
        if (dialect.rowLocks) {
          await trx.selectFrom('app').select('id').where('id', '=', app.id).forUpdate().execute();
        }
        await trx.updateTable('app').set(changeableColumns(app)).where('id', '=', app.id).execute();
        const issued = await insertFirstWebhookSecretIn(trx, secret, options.now ?? secret.createdAt);
        return { webhookSecretIssued: issued };
      });
    },
  };
}

function toRow(app: App): Selectable<AppTable> {
  return { id: app.id, org_id: app.orgId, created_at: app.createdAt, ...changeableColumns(app) };
}

function changeableColumns(app: App): Omit<Selectable<AppTable>, 'id' | 'org_id' | 'created_at'> {
  return {
    name: app.name,
    description: app.description,
    domains: JSON.stringify(app.domains),
    decision_far: app.decisionFar,
    image_retention_seconds: app.imageRetentionSeconds,
    result_retention_seconds: app.resultRetentionSeconds,
    allow_multiple_faces: app.allowMultipleFaces ? 1 : 0,
    webhook_url: app.webhookUrl,
    updated_at: app.updatedAt,
  };
}

function fromRow(row: Selectable<AppTable>): App {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    description: row.description,
    domains: JSON.parse(row.domains) as string[],
    decisionFar: row.decision_far,
    imageRetentionSeconds: Number(row.image_retention_seconds),
    resultRetentionSeconds: Number(row.result_retention_seconds),
    allowMultipleFaces: Number(row.allow_multiple_faces) === 1,
    webhookUrl: row.webhook_url,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
