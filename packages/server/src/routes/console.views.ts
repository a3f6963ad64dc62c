import {
  DomainError,
  organizationState,
  type AgreementStatus,
  type AgreementVersion,
  type ApiKey,
  type App,
  type CallPosition,
  type CallSummary,
  type DailyUsage,
  type IssuedKey,
  type Organization,
  type Price,
  type PriceSchedule,
  type Session,
  type SessionSummary,
  type Statement,
  type User,
} from '@visage/core';

/** How the console API shows domain objects: snake_case, and only what the signed-in customer may see. */

export const userView = (user: User) => ({
  id: user.id,
  username: user.username,
  role: user.role,
  org_id: user.orgId,
  email: user.email,
  email_verified: user.emailVerifiedAt !== null,
});

/** A session hash's first 16 hex digits name it in the list; the hash itself never leaves the server. */
export const sessionView = (session: SessionSummary, current: Pick<Session, 'id'>) => ({
  id: session.id.slice(0, 16),
  created_at: session.createdAt,
  last_seen_at: session.lastSeenAt,
  expires_at: session.expiresAt,
  ip: session.ip,
  user_agent: session.userAgent,
  current: session.id === current.id,
});

export const organizationView = (org: Organization) => ({
  id: org.id,
  name: org.name,
  state: organizationState(org),
  certification: org.certification,
  status: org.status,
  frozen_at: org.frozenAt ?? null,
  created_at: org.createdAt,
});

export const agreementVersionView = (version: AgreementVersion) => ({
  version: version.version,
  terms_text: version.termsText,
  dpa_text: version.dpaText,
  terms_sha256: version.termsSha256,
  dpa_sha256: version.dpaSha256,
  effective_at: version.effectiveAt,
});

export const agreementStatusView = (status: AgreementStatus) => ({
  current: status.current ? agreementVersionView(status.current) : null,
  upcoming: status.upcoming.map(({ version, accepted }) => ({ ...agreementVersionView(version), accepted })),
  accepted_current: status.acceptedCurrent,
});

export const appView = (app: App) => ({
  id: app.id,
  name: app.name,
  description: app.description,
  domains: [...app.domains],
  decision_far: app.decisionFar,
  image_retention_seconds: app.imageRetentionSeconds,
  result_retention_seconds: app.resultRetentionSeconds,
  allow_multiple_faces: app.allowMultipleFaces,
  webhook_url: app.webhookUrl,
  created_at: app.createdAt,
  updated_at: app.updatedAt,
});

export const keyView = (key: ApiKey) => ({
  key_id: key.id,
  app_id: key.appId,
  mode: key.mode,
  ip_allowlist: [...key.ipAllowlist],
  status: key.status,
  created_at: key.createdAt,
  revoked_at: key.revokedAt,
  expires_at: key.expiresAt,
  replaced_by: key.replacedBy,
});

/** The only views that carry a secret: the answers to creating and rotating a key. */
export const issuedKeyView = (issued: IssuedKey) => ({ ...keyView(issued.key), secret: issued.secret });

export const statementView = (statement: Statement) => ({
  period: statement.period,
  from: statement.from,
  to: statement.to,
  opening: { ...statement.opening },
  closing: { ...statement.closing },
  entries: statement.entries.map((entry) => ({
    transaction_id: entry.transactionId,
    kind: entry.kind,
    reference: entry.reference,
    reservation_id: entry.reservationId,
    cash: entry.cash,
    bonus: entry.bonus,
    held: entry.held,
    created_at: entry.createdAt,
  })),
});

const priceView = (price: Price) => ({ amount_fen: price.amountFen, effective_at: price.effectiveAt });

export const priceScheduleView = (schedule: PriceSchedule) => ({
  product: schedule.product,
  current: schedule.current ? priceView(schedule.current) : null,
  upcoming: schedule.upcoming.map(priceView),
});

export const dailyUsageView = (usage: DailyUsage) => ({
  day: usage.day,
  product: usage.product,
  calls: usage.calls,
  billed_calls: usage.billedCalls,
  sandbox_calls: usage.sandboxCalls,
  amount_fen: usage.amountFen,
  result_codes: { ...usage.resultCodes },
});

export const callView = (call: CallSummary) => ({
  id: call.id,
  app_id: call.appId,
  key_id: call.keyId,
  product: call.product,
  result_code: call.resultCode,
  billed: call.billed,
  amount_fen: call.amountFen,
  sandbox: call.sandbox,
  biz_no: call.bizNo,
  request_id: call.requestId,
  created_at: call.createdAt,
  time_used_ms: call.timeUsedMs,
});

/** The call log's page cursor: opaque to clients, so that its form can change. */
export const cursorOf = (position: CallPosition): string =>
  Buffer.from(`${position.createdAt}|${position.id}`).toString('base64url');

export function positionOf(cursor: string): CallPosition {
  const [createdAt = '', id = '', ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(createdAt) || !/^[\w-]{1,64}$/.test(id)) {
    throw new DomainError('request.invalid', { issues: [{ path: 'cursor', message: 'is not a cursor of this list' }] });
  }
  return { createdAt, id };
}
