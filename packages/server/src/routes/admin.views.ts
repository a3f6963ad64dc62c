import {
  DomainError,
  type AcceptanceListing,
  type AgreementAcceptance,
  type AgreementVersion,
  type AuditEntry,
  type CustomerDetail,
  type Dashboard,
  type OrganizationListing,
  type OrganizationPosition,
  type User,
} from '@visage/core';
import { agreementVersionView, organizationView } from './console.views.js';

/** How the admin API shows domain objects: snake_case. Secrets (password hashes, key secrets) never appear. */

export const operatorView = (user: User) => ({
  id: user.id,
  username: user.username,
  email: user.email,
  role: user.role as 'admin' | 'reviewer' | 'finance' | 'support',
  created_at: user.createdAt,
  disabled_at: user.disabledAt,
});

export const customerSummaryView = ({ org, owner }: OrganizationListing) => ({ ...organizationView(org), owner });

export const customerDetailView = (detail: CustomerDetail) => ({
  organization: customerSummaryView(detail.listing),
  users: detail.users.map((user) => ({
    id: user.id,
    username: user.username,
    email: user.email,
    mobile: user.mobile,
    role: user.role,
    created_at: user.createdAt,
    disabled_at: user.disabledAt,
  })),
  apps: detail.apps.map((app) => ({
    id: app.id,
    name: app.name,
    description: app.description,
    domains: [...app.domains],
    created_at: app.createdAt,
    keys: app.keys.map((key) => ({
      key_id: key.id,
      mode: key.mode,
      status: key.status,
      ip_allowlist: [...key.ipAllowlist],
      created_at: key.createdAt,
      revoked_at: key.revokedAt,
      expires_at: key.expiresAt,
    })),
  })),
  wallet: { cash: detail.wallet.cash, bonus: detail.wallet.bonus, held: detail.wallet.held },
  usage: {
    from: detail.usage.from,
    to: detail.usage.to,
    calls: detail.usage.calls,
    billed_calls: detail.usage.billedCalls,
    sandbox_calls: detail.usage.sandboxCalls,
    amount_fen: detail.usage.amountFen,
    result_codes: { ...detail.usage.resultCodes },
  },
  certification: { status: detail.listing.org.certification },
  agreement_acceptances: detail.acceptances.map((acceptance: AgreementAcceptance) => ({
    version: acceptance.version,
    user_id: acceptance.userId,
    accepted_at: acceptance.acceptedAt,
    ip: acceptance.ip,
  })),
});

export const adminAgreementView = (version: AgreementVersion & { acceptances: number }) => ({
  ...agreementVersionView(version),
  published_at: version.publishedAt,
  published_by: version.publishedBy,
  acceptances: version.acceptances,
});

export const acceptanceListingView = (acceptance: AcceptanceListing) => ({
  org_id: acceptance.orgId,
  org_name: acceptance.orgName,
  user_id: acceptance.userId,
  username: acceptance.username,
  accepted_at: acceptance.acceptedAt,
  ip: acceptance.ip,
});

export const auditEntryView = (entry: AuditEntry) => ({
  seq: entry.seq,
  id: entry.id,
  occurred_at: entry.occurredAt,
  actor: entry.actor,
  action: entry.action,
  subject: entry.subject ?? null,
  reason: entry.reason ?? null,
  data: entry.data === undefined ? null : { ...entry.data },
  hash: entry.hash,
});

export const dashboardView = (dashboard: Dashboard) => ({
  from: dashboard.from,
  to: dashboard.to,
  days: dashboard.days.map((day) => ({
    day: day.day,
    calls: day.calls,
    live_calls: day.liveCalls,
    billed_calls: day.billedCalls,
    revenue_fen: day.revenueFen,
    results: day.results,
    passes: day.passes,
  })),
  totals: {
    calls: dashboard.totals.calls,
    live_calls: dashboard.totals.liveCalls,
    billed_calls: dashboard.totals.billedCalls,
    revenue_fen: dashboard.totals.revenueFen,
    active_customers: dashboard.totals.activeCustomers,
    pass_rate: dashboard.totals.passRate ?? null,
  },
  latency_ms: {
    p50: dashboard.latencyMs.p50 ?? null,
    p95: dashboard.latencyMs.p95 ?? null,
    p99: dashboard.latencyMs.p99 ?? null,
  },
  customers: { total: dashboard.customers.total, by_state: { ...dashboard.customers.byState } },
});

/** A customer-list cursor: the last organisation's creation time and id, opaque to the client. */
export const organizationCursorOf = (position: OrganizationPosition): string =>
  Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');

export function organizationPositionOf(cursor: string): OrganizationPosition {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'string' && typeof id === 'string') return { createdAt, id };
  } catch {
    // fall through
  }
  throw new DomainError('request.invalid', { issues: [{ path: 'cursor', message: 'is not a cursor this API gave' }] });
}

/** An audit cursor is the seq to continue before. */
export function auditBeforeOf(cursor: string): number {
  const seq = /^\d{1,15}$/.test(cursor) ? Number(cursor) : Number.NaN;
  if (!(seq >= 1)) {
    throw new DomainError('request.invalid', {
      issues: [{ path: 'cursor', message: 'is not a cursor this API gave' }],
    });
  }
  return seq;
}
