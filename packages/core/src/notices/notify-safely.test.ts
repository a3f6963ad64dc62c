import { describe, expect, it } from 'vitest';
import type { AgreementVersion, Organization } from '../accounts/accounts.ports.js';
import { createAgreementAdmin } from '../admin/agreement-admin.service.js';
import { createCustomerAdmin } from '../admin/customers.service.js';
import type { NoticeRequest, NoticeSender } from './notices.ports.js';
import { notifySafely } from './notify-safely.js';

const unavailable: NoticeSender = {
  notify: async () => {
    throw new Error('inbox unavailable');
  },
};

function recorder() {
  const failures: { message: string; request: NoticeRequest }[] = [];
  return {
    failures,
    onError: (error: unknown, request: NoticeRequest) =>
      failures.push({ message: error instanceof Error ? error.message : String(error), request }),
  };
}

describe('notifySafely', () => {
  it('sends, or reports the failure without throwing', async () => {
    const sent: NoticeRequest[] = [];
    const request: NoticeRequest = { orgIds: ['org_1'], kind: 'org.resumed', email: true };
    const { failures, onError } = recorder();
    expect(await notifySafely({ notify: async (r) => (sent.push(r), { count: 1 }) }, request, onError)).toBe(true);
    expect(sent).toEqual([request]);
    expect(failures).toEqual([]);
    expect(await notifySafely(unavailable, request, onError)).toBe(false);
    expect(failures).toEqual([{ message: 'inbox unavailable', request }]);
    // Without a reporter, or with one that throws itself, the caller still goes on.
    expect(await notifySafely(unavailable, request)).toBe(false);
    const throwing = () => {
      throw new Error('logger down');
    };
    expect(await notifySafely(unavailable, request, throwing)).toBe(false);
  });
});

describe('operator actions whose notice fails after the change', () => {
  const org: Organization = {
    id: 'org_1',
    name: 'Acme',
    certification: 'certified',
    status: 'active',
    createdAt: '2026-11-30T09:00:00.000Z',
    updatedAt: '2026-11-30T09:00:00.000Z',
  };

  it('suspends, resumes and terminates all the same, and reports each failed notice', async () => {
    const moves: string[] = [];
    const move = (status: Organization['status']) => async (orgId: string) => {
      moves.push(`${orgId}:${status}`);
      return { ...org, status };
    };
    const { failures, onError } = recorder();
    const customers = createCustomerAdmin({
      queries: {
        searchOrganizations: async () => [],
        usersOfOrganization: async () => [],
        acceptancesOfOrganization: async () => [],
      },
      organizations: {
        get: async () => org,
        suspend: move('suspended'),
        resume: move('active'),
        terminate: move('terminated'),
      },
      apps: { list: async () => [] },
      keys: { list: async () => [] },
      wallet: { balances: async () => ({ cash: 0, bonus: 0, held: 0 }) },
      usage: { daily: async () => [] },
      notices: unavailable,
      clock: { now: () => new Date('2026-11-30T10:00:00Z') },
      onError,
    });
    const change = { actor: 'operator:ann', reason: ' Unpaid invoices ' };
    expect((await customers.suspend('org_1', change)).org.status).toBe('suspended');
    expect((await customers.resume('org_1', change)).org.status).toBe('active');
    expect((await customers.terminate('org_1', change)).org.status).toBe('terminated');
    expect(moves).toEqual(['org_1:suspended', 'org_1:active', 'org_1:terminated']);
    expect(failures.map(({ request }) => [request.kind, request.data])).toEqual([
      ['org.suspended', { reason: 'Unpaid invoices' }],
      ['org.resumed', { reason: 'Unpaid invoices' }],
      ['org.terminated', { reason: 'Unpaid invoices' }],
    ]);
  });

  it('publishes an agreement version all the same, and reports the failed notice', async () => {
    const version: AgreementVersion = {
      id: 'agr_2',
      version: 2,
      termsText: 'terms',
      termsSha256: 'a'.repeat(64),
      dpaText: 'dpa',
      dpaSha256: 'b'.repeat(64),
      effectiveAt: '2026-12-01T00:00:00.000Z',
      publishedAt: '2026-11-30T10:00:00.000Z',
      publishedBy: 'operator:ann',
    };
    const { failures, onError } = recorder();
    const agreements = createAgreementAdmin({
      agreement: { publish: async () => version },
      queries: {
        agreementVersions: async () => [{ ...version, acceptances: 0 }],
        findAgreementVersion: async () => version,
        acceptancesOfVersion: async () => [],
      },
      notices: unavailable,
      onError,
    });
    expect(await agreements.publish({} as Parameters<typeof agreements.publish>[0])).toBe(version);
    expect(failures).toEqual([
      {
        message: 'inbox unavailable',
        request: {
          orgIds: 'all',
          kind: 'agreement.published',
          data: { version: 2, effective_at: '2026-12-01T00:00:00.000Z' },
          email: true,
        },
      },
    ]);
  });
});
