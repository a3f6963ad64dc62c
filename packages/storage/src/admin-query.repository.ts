import { withoutPassword, type AdminQueryRepository, type OrganizationState } from '@visage/core';
import { sql, type Selectable } from 'kysely';
import { agreementAcceptanceFromRow, agreementVersionFromRow } from './agreement.repository.js';
import { auditEntryFromRow } from './audit-log.repository.js';
import type { VisageDatabase } from './database.js';
import { organizationFromRow } from './organization.repository.js';
import { userCredentialsFromRow } from './user-account.repository.js';
import type { UserAccountTable } from './user-account.table.js';
import { olderThan } from './keyset-page.js';

const passingCodes = ['result.match', 'result.live', 'result.pass'];

/** `text` as a LIKE pattern that matches it anywhere, its own % _ and \ taken literally (ESCAPE '\'). */
function containing(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The operator's read-side queries across organisations (admin console lists, detail pages and the dashboard). */
export function createAdminQueryRepository({ db }: VisageDatabase): AdminQueryRepository {
  return {
    async searchOrganizations({ text, state, after, limit }) {
      let query = db
        .selectFrom('organization')
        .selectAll('organization')
        .select((eb) =>
          eb
            .selectFrom('user_account as owner')
            .select('owner.username')
            .whereRef('owner.org_id', '=', 'organization.id')
            .where('owner.role', '=', 'owner')
            .orderBy('owner.created_at')
            .limit(1)
            .as('owner_username'),
        );
      const needle = text?.trim();
      if (needle) {
        const pattern = containing(needle);
        query = query.where((eb) =>
          eb.or([
            eb('organization.id', '=', needle),
            sql<boolean>`lower(organization.name) like ${pattern} escape '\\'`,
            eb.exists(
              eb
                .selectFrom('user_account as member')
                .select('member.id')
                .whereRef('member.org_id', '=', 'organization.id')
                .where((inner) =>
                  inner.or([
                    sql<boolean>`lower(member.username) like ${pattern} escape '\\'`,
                    sql<boolean>`lower(coalesce(member.email, '')) like ${pattern} escape '\\'`,
                  ]),
                ),
            ),
          ]),
        );
      }
      if (state === 'suspended' || state === 'terminated') {
        query = query.where('organization.status', '=', state);
      } else if (state !== undefined) {
        query = query.where('organization.status', '=', 'active').where('organization.certification', '=', state);
      }
      if (after) query = query.where(olderThan(after, 'organization.created_at', 'organization.id'));
      const rows = await query
        .orderBy('organization.created_at', 'desc')
        .orderBy('organization.id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((row) => ({ org: organizationFromRow(row), owner: row.owner_username ?? null }));
    },

    async usersOfOrganization(orgId) {
      const rows = await db
        .selectFrom('user_account')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(userOf);
    },

    async operators() {
      const rows = await db
        .selectFrom('user_account')
        .selectAll()
        .where('org_id', 'is', null)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(userOf);
    },

    async agreementVersions() {
      const rows = await db
        .selectFrom('agreement_version')
        .selectAll('agreement_version')
        .select((eb) =>
          eb
            .selectFrom('agreement_acceptance')
            .select((inner) => inner.fn.countAll().as('n'))
            .whereRef('agreement_acceptance.agreement_id', '=', 'agreement_version.id')
            .as('acceptances'),
        )
        .orderBy('version', 'desc')
        .execute();
      return rows.map((row) => ({ ...agreementVersionFromRow(row), acceptances: Number(row.acceptances ?? 0) }));
    },

    async findAgreementVersion(version) {
      const row = await db
        .selectFrom('agreement_version')
        .selectAll()
        .where('version', '=', version)
        .executeTakeFirst();
      return row && agreementVersionFromRow(row);
    },

    async acceptancesOfVersion(version) {
      const rows = await db
        .selectFrom('agreement_acceptance')
        .innerJoin('organization', 'organization.id', 'agreement_acceptance.org_id')
        .leftJoin('user_account', 'user_account.id', 'agreement_acceptance.user_id')
        .selectAll('agreement_acceptance')
        .select(['organization.name as org_name', 'user_account.username as username'])
        .where('agreement_acceptance.version', '=', version)
        .orderBy('agreement_acceptance.accepted_at')
        .orderBy('agreement_acceptance.id')
        .execute();
      return rows.map((row) => ({
        ...agreementAcceptanceFromRow(row),
        orgName: row.org_name,
        username: row.username ?? null,
      }));
    },

    async acceptancesOfOrganization(orgId) {
      const rows = await db
        .selectFrom('agreement_acceptance')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('version', 'desc')
        .execute();
      return rows.map(agreementAcceptanceFromRow);
    },

    async auditEntries({ actor, action, subject, from, to, before, limit }) {
      let query = db.selectFrom('audit_log').selectAll();
      if (actor !== undefined) query = query.where('actor', '=', actor);
      if (action !== undefined) {
        query = action.endsWith('.')
          ? query.where(sql<boolean>`action like ${`${action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`)
          : query.where('action', '=', action);
      }
      if (subject !== undefined) query = query.where('subject', '=', subject);
      if (from !== undefined) query = query.where('occurred_at', '>=', from);
      if (to !== undefined) query = query.where('occurred_at', '<', to);
      if (before !== undefined) query = query.where('seq', '<', before);
      const rows = await query.orderBy('seq', 'desc').limit(limit).execute();
      return rows.map(auditEntryFromRow);
    },

    async activityByDay({ from, to }) {
      const day = sql<string>`substr(created_at, 1, 10)`;
      const rows = await db
        .selectFrom('verification')
        .select((eb) => [
          day.as('day'),
          eb.fn.countAll().as('calls'),
          sql<number | string>`sum(case when sandbox = 0 then 1 else 0 end)`.as('live_calls'),
          eb.fn.sum<number | string>('billed').as('billed_calls'),
          sql<number | string>`sum(case when result_code like 'result.%' then 1 else 0 end)`.as('results'),
          sql<number | string>`sum(case when result_code in (${sql.join(passingCodes)}) then 1 else 0 end)`.as(
            'passes',
          ),
        ])
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .groupBy(day)
        .orderBy('day')
        .execute();
      // PostgreSQL sums bigint columns as numeric, which arrives as a string.
      return rows.map((row) => ({
        day: row.day,
        calls: Number(row.calls),
        liveCalls: Number(row.live_calls),
        billedCalls: Number(row.billed_calls),
        results: Number(row.results),
        passes: Number(row.passes),
      }));
    },

    async revenueByDay({ from, to }) {
      const day = sql<string>`substr(ledger_transaction.created_at, 1, 10)`;
      const rows = await db
        .selectFrom('ledger_posting')
        .innerJoin('ledger_transaction', 'ledger_transaction.id', 'ledger_posting.transaction_id')
        .select((eb) => [day.as('day'), eb.fn.sum<number | string>('ledger_posting.amount').as('amount')])
        .where('ledger_posting.account_id', '=', 'platform:revenue')
        .where('ledger_transaction.created_at', '>=', from)
        .where('ledger_transaction.created_at', '<', to)
        .groupBy(day)
        .orderBy('day')
        .execute();
      return rows.map((row) => ({ day: row.day, amountFen: Number(row.amount) }));
    },

    async activeOrganizations({ from, to }) {
      const row = await db
        .selectFrom('verification')
        .select(sql<number | string>`count(distinct org_id)`.as('n'))
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async callTimeQuantiles({ from, to }, quantiles) {
      const inRange = db.selectFrom('verification').where('created_at', '>=', from).where('created_at', '<', to);
      const counted = await inRange.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
      const count = Number(counted?.n ?? 0);
      if (count === 0) return quantiles.map(() => undefined);
      // Nearest rank: the smallest value with at least q of the calls at or below it.
      return Promise.all(
        quantiles.map(async (q) => {
          const rank = Math.min(count, Math.max(1, Math.ceil(q * count)));
          const row = await inRange
            .select('time_used_ms')
            .orderBy('time_used_ms')
            .limit(1)
            .offset(rank - 1)
            .executeTakeFirst();
          return row === undefined ? undefined : Number(row.time_used_ms);
        }),
      );
    },

    async organizationStates() {
      const rows = await db
        .selectFrom('organization')
        .select((eb) => ['certification', 'status', eb.fn.countAll().as('n')])
        .groupBy(['certification', 'status'])
        .execute();
      const states: Partial<Record<OrganizationState, number>> = {};
      for (const row of rows) {
        const state: OrganizationState = row.status === 'active' ? row.certification : row.status;
        states[state] = (states[state] ?? 0) + Number(row.n);
      }
      return states;
    },
  };
}

function userOf(row: Selectable<UserAccountTable>) {
  return withoutPassword(userCredentialsFromRow(row));
}
