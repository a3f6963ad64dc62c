import { rejectIssues, type ValidationIssue } from '../invalid-request.js';
import type { CallPosition, CallSummary, Product, UsageCount, VerificationRepository } from './verification.ports.js';

/** One UTC day's calls of one product, with how many ended in each result code. */
export interface DailyUsage {
  readonly day: string;
  readonly product: Product;
  readonly calls: number;
  readonly billedCalls: number;
  readonly sandboxCalls: number;
  readonly amountFen: number;
  readonly resultCodes: Readonly<Record<string, number>>;
}

export interface UsageQuery {
  /** First and last day, 'YYYY-MM-DD' (UTC), both included. */
  readonly from: string;
  readonly to: string;
  readonly appId?: string | undefined;
}

export interface CallQuery {
  readonly appId?: string | undefined;
  readonly resultCode?: string | undefined;
  readonly bizNo?: string | undefined;
  /** First and last day, 'YYYY-MM-DD' (UTC), both included. */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly limit?: number | undefined;
  /** Where the previous page ended. */
  readonly after?: CallPosition | undefined;
}

export interface CallPage {
  readonly calls: readonly CallSummary[];
  /** Where this page ended when more calls follow. */
  readonly next: CallPosition | undefined;
}

export const maxUsageDays = 366;
export const defaultCallPageSize = 50;
export const maxCallPageSize = 200;

const dayMs = 86_400_000;

/** An organisation's usage, day by day, and its call log: what the console shows, from the verification records. */
export function createUsageReports(ports: { verifications: Pick<VerificationRepository, 'usage' | 'listCalls'> }) {
  const { verifications } = ports;

  return {
    async daily(orgId: string, query: UsageQuery): Promise<DailyUsage[]> {
      rejectIssues([...dayIssues('from', query.from), ...dayIssues('to', query.to)]);
      rejectIssues(rangeIssues(query.from, query.to, maxUsageDays));
      const counts = await verifications.usage(orgId, {
        from: startOfDay(query.from),
        to: startOfDay(query.to, 1),
        ...(query.appId === undefined ? {} : { appId: query.appId }),
      });
      return foldResultCodes(counts);
    },

    async calls(orgId: string, query: CallQuery): Promise<CallPage> {
      const limit = query.limit ?? defaultCallPageSize;
      rejectIssues([
        ...(query.from === undefined ? [] : dayIssues('from', query.from)),
        ...(query.to === undefined ? [] : dayIssues('to', query.to)),
        ...(Number.isSafeInteger(limit) && limit >= 1 && limit <= maxCallPageSize
          ? []
          : [{ path: 'limit', message: `must be a whole number from 1 to ${maxCallPageSize}` }]),
      ]);
      if (query.from !== undefined && query.to !== undefined) rejectIssues(rangeIssues(query.from, query.to));
      // One row more than the page tells whether another page follows.
      const rows = await verifications.listCalls(orgId, {
        ...(query.appId === undefined ? {} : { appId: query.appId }),
        ...(query.resultCode === undefined ? {} : { resultCode: query.resultCode }),
        ...(query.bizNo === undefined ? {} : { bizNo: query.bizNo }),
        ...(query.from === undefined ? {} : { from: startOfDay(query.from) }),
        ...(query.to === undefined ? {} : { to: startOfDay(query.to, 1) }),
        ...(query.after === undefined ? {} : { after: query.after }),
        limit: limit + 1,
      });
      const calls = rows.slice(0, limit);
      const last = calls.at(-1);
      return {
        calls,
        next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : undefined,
      };
    },
  };
}

export type UsageReports = ReturnType<typeof createUsageReports>;

/** Counts per day, product and result code (in that order) become one entry per day and product. */
function foldResultCodes(counts: readonly UsageCount[]): DailyUsage[] {
  const days = new Map<string, DailyUsage & { resultCodes: Record<string, number> }>();
  for (const count of counts) {
    const key = `${count.day} ${count.product}`;
    const day = days.get(key) ?? {
      day: count.day,
      product: count.product,
      calls: 0,
      billedCalls: 0,
      sandboxCalls: 0,
      amountFen: 0,
      resultCodes: {},
    };
    days.set(key, {
      ...day,
      calls: day.calls + count.calls,
      billedCalls: day.billedCalls + count.billedCalls,
      sandboxCalls: day.sandboxCalls + count.sandboxCalls,
      amountFen: day.amountFen + count.amountFen,
      resultCodes: { ...day.resultCodes, [count.resultCode]: count.calls },
    });
  }
  return [...days.values()];
}

function dayIssues(path: string, day: string): ValidationIssue[] {
  const time = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00.000Z`) : Number.NaN;
  // Date.parse rolls 2026-02-30 over into March; a real date survives the round trip.
  const valid = !Number.isNaN(time) && new Date(time).toISOString().startsWith(day);
  return valid ? [] : [{ path, message: 'must be a date, YYYY-MM-DD' }];
}

function rangeIssues(from: string, to: string, maxDays?: number): ValidationIssue[] {
  if (to < from) return [{ path: 'to', message: 'must not be before from' }];
  const days = (Date.parse(to) - Date.parse(from)) / dayMs + 1;
  return maxDays !== undefined && days > maxDays
    ? [{ path: 'to', message: `must be at most ${maxDays} days after from` }]
    : [];
}

/** Midnight UTC at the start of `day`, or `plusDays` later. */
function startOfDay(day: string, plusDays = 0): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + plusDays * dayMs).toISOString();
}
