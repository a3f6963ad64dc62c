import type { OrganizationState } from '../accounts/accounts.ports.js';
import { rejectIssues } from '../invalid-request.js';
import type { Clock } from '../ports.js';
import type { AdminQueryRepository, PlatformDay } from './admin.ports.js';

export interface DashboardDay extends PlatformDay {
  readonly revenueFen: number;
}

export interface Dashboard {
  readonly from: string;
  readonly to: string;
  readonly days: readonly DashboardDay[];
  readonly totals: {
    readonly calls: number;
    readonly liveCalls: number;
    readonly billedCalls: number;
    readonly revenueFen: number;
    readonly activeCustomers: number;
    /** passes / results; undefined without results. */
    readonly passRate: number | undefined;
  };
  /** Server time per call, in ms, at the 50th, 95th and 99th percentiles. */
  readonly latencyMs: { readonly p50?: number; readonly p95?: number; readonly p99?: number };
  readonly customers: { readonly total: number; readonly byState: Partial<Record<OrganizationState, number>> };
}

const dayMs = 86_400_000;
export const maxDashboardDays = 366;

/** The platform at a glance over the last `days` UTC days, today included. */
export function createDashboard(ports: {
  queries: Pick<
    AdminQueryRepository,
    'activityByDay' | 'revenueByDay' | 'activeOrganizations' | 'callTimeQuantiles' | 'organizationStates'
  >;
  clock: Clock;
}) {
  const { queries, clock } = ports;
  return {
    async overview(days: number): Promise<Dashboard> {
      if (!Number.isSafeInteger(days) || days < 1 || days > maxDashboardDays) {
        rejectIssues([{ path: 'days', message: `must be a whole number from 1 to ${maxDashboardDays}` }]);
      }
      const todayStart = Math.floor(clock.now().getTime() / dayMs) * dayMs;
      const firstStart = todayStart - (days - 1) * dayMs;
      const range = { from: new Date(firstStart).toISOString(), to: new Date(todayStart + dayMs).toISOString() };
      const [activity, revenue, activeCustomers, [p50, p95, p99], byState] = await Promise.all([
        queries.activityByDay(range),
        queries.revenueByDay(range),
        queries.activeOrganizations(range),
        queries.callTimeQuantiles(range, [0.5, 0.95, 0.99]),
        queries.organizationStates(),
      ]);
      const activityOf = new Map(activity.map((day) => [day.day, day]));
      const revenueOf = new Map(revenue.map((day) => [day.day, day.amountFen]));
      const series: DashboardDay[] = [];
      for (let start = firstStart; start <= todayStart; start += dayMs) {
        const day = new Date(start).toISOString().slice(0, 10);
        const seen = activityOf.get(day);
        series.push({
          day,
          calls: seen?.calls ?? 0,
          liveCalls: seen?.liveCalls ?? 0,
          billedCalls: seen?.billedCalls ?? 0,
          results: seen?.results ?? 0,
          passes: seen?.passes ?? 0,
          revenueFen: revenueOf.get(day) ?? 0,
        });
      }
      const sum = (pick: (day: DashboardDay) => number) => series.reduce((total, day) => total + pick(day), 0);
      const results = sum((day) => day.results);
      return {
        from: series[0]!.day,
        to: series.at(-1)!.day,
        days: series,
        totals: {
          calls: sum((day) => day.calls),
          liveCalls: sum((day) => day.liveCalls),
          billedCalls: sum((day) => day.billedCalls),
          revenueFen: sum((day) => day.revenueFen),
          activeCustomers,
          passRate: results === 0 ? undefined : sum((day) => day.passes) / results,
        },
        latencyMs: {
          ...(p50 === undefined ? {} : { p50 }),
          ...(p95 === undefined ? {} : { p95 }),
          ...(p99 === undefined ? {} : { p99 }),
        },
        customers: {
          total: Object.values(byState).reduce((total, count) => total + (count ?? 0), 0),
          byState,
        },
      };
    },
  };
}

export type DashboardService = ReturnType<typeof createDashboard>;
