import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain-error.js';
import { createUsageReports } from './usage.service.js';
import type { CallFilter, CallSummary, UsageCount, UsageRange } from './verification.ports.js';

function recordingRepository(options: { counts?: UsageCount[]; calls?: CallSummary[] } = {}) {
  const asked: { usage: UsageRange[]; listCalls: CallFilter[] } = { usage: [], listCalls: [] };
  return {
    asked,
    verifications: {
      async usage(_orgId: string, range: UsageRange) {
        asked.usage.push(range);
        return options.counts ?? [];
      },
      async listCalls(_orgId: string, filter: CallFilter) {
        asked.listCalls.push(filter);
        return (options.calls ?? []).slice(0, filter.limit);
      },
    },
  };
}

const count = (day: string, product: UsageCount['product'], resultCode: string, calls: number, billed = 0) => ({
  day,
  product,
  resultCode,
  calls,
  billedCalls: billed,
  sandboxCalls: calls - billed,
  amountFen: billed * 50,
});

const call = (id: string, createdAt: string): CallSummary => ({
  id,
  appId: 'app_1',
  keyId: 'ak_test_1',
  product: 'compare',
  sandbox: true,
  bizNo: null,
  requestId: `req_${id}`,
  resultCode: 'result.match',
  billed: false,
  amountFen: 0,
  createdAt,
  timeUsedMs: 10,
});

async function invalidPaths(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe('request.invalid');
  return ((error as DomainError).details?.['issues'] as { path: string }[]).map((issue) => issue.path);
}

describe('usage reports', () => {
  it('asks for whole UTC days, both ends included, and folds result codes into one row per day and product', async () => {
    const repo = recordingRepository({
      counts: [
        count('2026-11-29', 'compare', 'image.no_face', 1),
        count('2026-11-29', 'compare', 'result.match', 3, 2),
        count('2026-11-29', 'liveness', 'result.live', 2, 2),
        count('2026-11-30', 'compare', 'result.no_match', 1, 1),
      ],
    });
    const reports = createUsageReports(repo);

    const days = await reports.daily('org_a', { from: '2026-11-29', to: '2026-11-30', appId: 'app_1' });

    expect(repo.asked.usage).toEqual([
      { from: '2026-11-29T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z', appId: 'app_1' },
    ]);
    expect(days).toEqual([
      {
        day: '2026-11-29',
        product: 'compare',
        calls: 4,
        billedCalls: 2,
        sandboxCalls: 2,
        amountFen: 100,
        resultCodes: { 'image.no_face': 1, 'result.match': 3 },
      },
      {
        day: '2026-11-29',
        product: 'liveness',
        calls: 2,
        billedCalls: 2,
        sandboxCalls: 0,
        amountFen: 100,
        resultCodes: { 'result.live': 2 },
      },
      {
        day: '2026-11-30',
        product: 'compare',
        calls: 1,
        billedCalls: 1,
        sandboxCalls: 0,
        amountFen: 50,
        resultCodes: { 'result.no_match': 1 },
      },
    ]);
  });

  it('refuses impossible dates, reversed ranges and ranges over a year', async () => {
    const reports = createUsageReports(recordingRepository());
    expect(await invalidPaths(reports.daily('org_a', { from: '2026-02-30', to: '2026-11-31' }))).toEqual([
      'from',
      'to',
    ]);
    expect(await invalidPaths(reports.daily('org_a', { from: '2026-11-30', to: '2026-11-29' }))).toEqual(['to']);
    expect(await invalidPaths(reports.daily('org_a', { from: '2025-01-01', to: '2026-01-02' }))).toEqual(['to']);
    await expect(reports.daily('org_a', { from: '2024-01-01', to: '2024-12-31' })).resolves.toEqual([]);
  });

  it('pages the call log: one row more than asked tells that another page follows', async () => {
    const calls = [call('ver_3', '2026-11-29T12:00:00.000Z'), call('ver_2', '2026-11-29T11:00:00.000Z')];
    const repo = recordingRepository({ calls: [...calls, call('ver_1', '2026-11-29T10:00:00.000Z')] });
    const reports = createUsageReports(repo);

    const page = await reports.calls('org_a', { limit: 2, from: '2026-11-29', to: '2026-11-29', resultCode: 'x' });
    expect(page).toEqual({ calls, next: { createdAt: '2026-11-29T11:00:00.000Z', id: 'ver_2' } });
    expect(repo.asked.listCalls).toEqual([
      { resultCode: 'x', from: '2026-11-29T00:00:00.000Z', to: '2026-11-30T00:00:00.000Z', limit: 3 },
    ]);

    const last = await reports.calls('org_a', { limit: 3, after: page.next });
    expect(last.next).toBeUndefined();
    expect(repo.asked.listCalls[1]).toEqual({ after: page.next, limit: 4 });
  });

  it('refuses page sizes outside 1-200 and bad days in the call filter', async () => {
    const reports = createUsageReports(recordingRepository());
    expect(await invalidPaths(reports.calls('org_a', { limit: 0 }))).toEqual(['limit']);
    expect(await invalidPaths(reports.calls('org_a', { limit: 201, from: 'yesterday' }))).toEqual(['from', 'limit']);
    expect(await invalidPaths(reports.calls('org_a', { from: '2026-11-29', to: '2026-11-28' }))).toEqual(['to']);
    await expect(reports.calls('org_a', {})).resolves.toEqual({ calls: [], next: undefined });
  });
});
