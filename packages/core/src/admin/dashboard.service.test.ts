import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain-error.js';
import { createDashboard } from './dashboard.service.js';

const clock = { now: () => new Date('2026-11-29T15:30:00Z') };

describe('the operator dashboard', () => {
  it('fills every day of the period, sums the totals, and computes the pass rate', async () => {
    const ranges: unknown[] = [];
    const dashboard = createDashboard({
      clock,
      queries: {
        activityByDay: async (range) => {
          ranges.push(range);
          return [
            { day: '2026-11-27', calls: 4, liveCalls: 3, billedCalls: 3, results: 3, passes: 2 },
            { day: '2026-11-29', calls: 2, liveCalls: 2, billedCalls: 1, results: 1, passes: 1 },
          ];
        },
        revenueByDay: async () => [{ day: '2026-11-29', amountFen: 150 }],
        activeOrganizations: async () => 2,
        callTimeQuantiles: async (_range, quantiles) => quantiles.map((q) => q * 100),
        organizationStates: async () => ({ certified: 2, suspended: 1 }),
      },
    });
    const overview = await dashboard.overview(3);
    expect(ranges).toEqual([{ from: '2026-11-27T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z' }]);
    expect(overview.days.map((day) => [day.day, day.calls, day.revenueFen])).toEqual([
      ['2026-11-27', 4, 0],
      ['2026-11-28', 0, 0],
      ['2026-11-29', 2, 150],
    ]);
    expect(overview).toMatchObject({
      from: '2026-11-27',
      to: '2026-11-29',
      totals: { calls: 6, liveCalls: 5, billedCalls: 4, revenueFen: 150, activeCustomers: 2, passRate: 0.75 },
      latencyMs: { p50: 50, p95: 95, p99: 99 },
      customers: { total: 3, byState: { certified: 2, suspended: 1 } },
    });
  });

  it('has no pass rate or latency without calls, and refuses a period out of range', async () => {
    const dashboard = createDashboard({
      clock,
      queries: {
        activityByDay: async () => [],
        revenueByDay: async () => [],
        activeOrganizations: async () => 0,
        callTimeQuantiles: async (_range, quantiles) => quantiles.map(() => undefined),
        organizationStates: async () => ({}),
      },
    });
    const overview = await dashboard.overview(1);
    expect(overview.days).toHaveLength(1);
    expect(overview.totals.passRate).toBeUndefined();
    expect(overview.latencyMs).toEqual({});
    for (const days of [0, 367, 1.5]) {
      await expect(dashboard.overview(days)).rejects.toBeInstanceOf(DomainError);
    }
  });
});
