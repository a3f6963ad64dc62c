import type { Organizations } from '../accounts/organizations.service.js';
import type { AgreementAcceptance, User } from '../accounts/accounts.ports.js';
import type { ApiKey, App } from '../apps/apps.ports.js';
import type { Apps } from '../apps/apps.service.js';
import type { Keys } from '../apps/keys.service.js';
import type { Balances } from '../billing/ledger.js';
import type { Wallet } from '../billing/wallet.service.js';
import type { NoticeSender } from '../notices/notices.ports.js';
import { notifySafely, type NoticeFailureHandler } from '../notices/notify-safely.js';
import type { Clock } from '../ports.js';
import type { UsageReports } from '../verification/usage.service.js';
import type { AdminQueryRepository, OrganizationListing, OrganizationSearch } from './admin.ports.js';

export const usageSummaryDays = 30;

export interface UsageSummary {
  /** First and last UTC day, both included. */
  readonly from: string;
  readonly to: string;
  readonly calls: number;
  readonly billedCalls: number;
  readonly sandboxCalls: number;
  readonly amountFen: number;
  readonly resultCodes: Readonly<Record<string, number>>;
}

export interface CustomerDetail {
  readonly listing: OrganizationListing;
  readonly users: readonly User[];
  readonly apps: readonly (App & { readonly keys: readonly ApiKey[] })[];
  readonly wallet: Balances;
  readonly usage: UsageSummary;
  readonly acceptances: readonly AgreementAcceptance[];
}

export interface StandingChange {
  readonly actor: string;
  readonly reason: string;
}

/**
 * The operator's view of customers: search, one organisation in full, and its standing. A suspension, resumption or
 * termination goes through the organisation's state machine (audited with the reason there), then tells the
 * organisation in its inbox and by mail. Live keys follow the organisation's status on their next call.
 */
export function createCustomerAdmin(ports: {
  queries: Pick<AdminQueryRepository, 'searchOrganizations' | 'usersOfOrganization' | 'acceptancesOfOrganization'>;
  organizations: Pick<Organizations, 'get' | 'suspend' | 'resume' | 'terminate'>;
  apps: Pick<Apps, 'list'>;
  keys: Pick<Keys, 'list'>;
  wallet: Pick<Wallet, 'balances'>;
  usage: Pick<UsageReports, 'daily'>;
  notices: NoticeSender;
  clock: Clock;
  /** Told when the customer's notice fails after the standing changed (the change stands; the action succeeds). */
  onError?: NoticeFailureHandler;
}) {
  const { queries, organizations, apps, keys, wallet, usage, notices, clock, onError } = ports;

  async function usageSummary(orgId: string): Promise<UsageSummary> {
    const today = clock.now();
    const to = today.toISOString().slice(0, 10);
    const from = new Date(today.getTime() - (usageSummaryDays - 1) * 86_400_000).toISOString().slice(0, 10);
    const days = await usage.daily(orgId, { from, to });
    const resultCodes: Record<string, number> = {};
    let calls = 0;
    let billedCalls = 0;
    let sandboxCalls = 0;
    let amountFen = 0;
    for (const day of days) {
      calls += day.calls;
      billedCalls += day.billedCalls;
      sandboxCalls += day.sandboxCalls;
      amountFen += day.amountFen;
      for (const [code, count] of Object.entries(day.resultCodes)) resultCodes[code] = (resultCodes[code] ?? 0) + count;
    }
    return { from, to, calls, billedCalls, sandboxCalls, amountFen, resultCodes };
  }

  async function changeStanding(
    orgId: string,
    move: 'suspend' | 'resume' | 'terminate',
    change: StandingChange,
  ): Promise<OrganizationListing> {
    const org = await organizations[move](orgId, change);
    const kind = ({ suspend: 'org.suspended', resume: 'org.resumed', terminate: 'org.terminated' } as const)[move];
    await notifySafely(
      notices,
      { orgIds: [orgId], kind, data: { reason: change.reason.trim() }, email: true },
      onError,
    );
    return { org, owner: ownerOf(await queries.usersOfOrganization(orgId)) };
  }

  return {
    search: (search: OrganizationSearch): Promise<OrganizationListing[]> => queries.searchOrganizations(search),

    async detail(orgId: string): Promise<CustomerDetail> {
      const org = await organizations.get(orgId);
      const [users, appList, balances, summary, acceptances] = await Promise.all([
        queries.usersOfOrganization(orgId),
        apps.list(orgId),
        wallet.balances(orgId),
        usageSummary(orgId),
        queries.acceptancesOfOrganization(orgId),
      ]);
      const withKeys = await Promise.all(
        appList.map(async (app) => ({ ...app, keys: await keys.list(orgId, app.id) })),
      );
      return {
        listing: { org, owner: ownerOf(users) },
        users,
        apps: withKeys,
        wallet: balances,
        usage: summary,
        acceptances,
      };
    },

    suspend: (orgId: string, change: StandingChange) => changeStanding(orgId, 'suspend', change),
    resume: (orgId: string, change: StandingChange) => changeStanding(orgId, 'resume', change),
    terminate: (orgId: string, change: StandingChange) => changeStanding(orgId, 'terminate', change),
  };
}

export type CustomerAdmin = ReturnType<typeof createCustomerAdmin>;

const ownerOf = (users: readonly User[]): string | null =>
  users.find((user) => user.role === 'owner')?.username ?? null;
