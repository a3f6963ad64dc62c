import type { Organization, OrganizationRepository } from '@visage/core';
import type { Selectable } from 'kysely';
import type { VisageDatabase } from './database.js';
import type { OrganizationTable } from './organization.table.js';

export function createOrganizationRepository({ db }: VisageDatabase): OrganizationRepository {
  return {
    async insert(org) {
      await db.insertInto('organization').values(toOrganizationRow(org)).execute();
    },

    async find(id) {
      const row = await db.selectFrom('organization').selectAll().where('id', '=', id).executeTakeFirst();
      return row && organizationFromRow(row);
    },

    async list() {
      const rows = await db.selectFrom('organization').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(organizationFromRow);
    },

    async updateStanding(id, expected, next) {
      const result = await db
        .updateTable('organization')
        .set({ certification: next.certification, status: next.status, updated_at: next.updatedAt })
        .where('id', '=', id)
        .where('certification', '=', expected.certification)
        .where('status', '=', expected.status)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

export function toOrganizationRow(org: Organization): Selectable<OrganizationTable> {
  return {
    id: org.id,
    name: org.name,
    certification: org.certification,
    status: org.status,
    created_at: org.createdAt,
    updated_at: org.updatedAt,
    frozen_at: org.frozenAt ?? null,
  };
}

export function organizationFromRow(row: Selectable<OrganizationTable>): Organization {
  return {
    id: row.id,
    name: row.name,
    certification: row.certification,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    frozenAt: row.frozen_at,
  };
}
