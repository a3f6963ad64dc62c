import { z } from 'zod';

/**
 * The operator console's JSON API under /admin/api. The browser holds an httpOnly `visage_admin_session` cookie
 * (path /admin); every non-GET request also sends the session's CSRF token in `X-CSRF-Token`. Each route needs one
 * permission of the operator's role ('auth.forbidden' otherwise). Amounts are integer fen; times ISO-8601 UTC.
 */

const isoTime = z.string().describe('ISO-8601 UTC date-time.');
const fen = z.int().describe('Amount in fen (1/100 yuan).');
const day = z.string().describe('A UTC day, YYYY-MM-DD.');

export const adminOperatorRoles = ['admin', 'reviewer', 'finance', 'support'] as const;
export const adminOperatorRole = z.enum(adminOperatorRoles);

export const adminIdParam = z.string().min(1).max(64);

/** Every customer-affecting operator action carries one: it is stored in the audit log. */
export const adminReasonSchema = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .describe('Why the operator does this, 1-500 characters; recorded in the audit log.');

export const adminReasonRequestSchema = z
  .object({ reason: adminReasonSchema })
  .strict()
  .meta({ id: 'AdminReasonRequest' });

export const adminCursorQuery = z
  .string()
  .max(200)
  .optional()
  .describe('The next_cursor of the previous page; absent for the first page.');

const limitQuery = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

// Sessions

export const adminLoginRequestSchema = z
  .object({ username: z.string().max(64), password: z.string().max(256) })
  .strict()
  .meta({ id: 'AdminLoginRequest' });

export const adminOperatorSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    email: z.string().nullable(),
    role: adminOperatorRole,
    created_at: isoTime,
    disabled_at: isoTime.nullable(),
  })
  .meta({ id: 'AdminOperator' });

export const adminSessionSchema = z
  .object({
    user: adminOperatorSchema,
    permissions: z.array(z.string()).describe('What the operator’s role may do; the console hides the rest.'),
    csrf_token: z.string().describe('Send it as X-CSRF-Token with every non-GET request of this session.'),
    expires_at: isoTime,
  })
  .meta({ id: 'AdminSession' });

// Operators

export const adminOperatorListSchema = z
  .object({ operators: z.array(adminOperatorSchema) })
  .meta({ id: 'AdminOperatorList' });

export const adminOperatorCreateRequestSchema = z
  .object({
    username: z.string().max(64).describe('3-32 characters of a-z, 0-9, _, . and -.'),
    email: z.string().max(254).optional(),
    role: adminOperatorRole,
  })
  .strict()
  .meta({ id: 'AdminOperatorCreateRequest' });

export const adminOperatorCreatedSchema = z
  .object({
    operator: adminOperatorSchema,
    password: z.string().describe('The generated password: shown in this response only.'),
  })
  .meta({ id: 'AdminOperatorCreated' });

// Customers

const orgState = z.enum(['registered', 'pending', 'certified', 'rejected', 'suspended', 'terminated']);

export const adminCustomerQuerySchema = z.object({
  q: z.string().max(200).optional().describe('Part of the name, the organisation id, or a user’s username or email.'),
  state: orgState.optional(),
  limit: limitQuery(200, 50),
  cursor: adminCursorQuery,
});

export const adminCustomerSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    state: orgState,
    certification: z.enum(['registered', 'pending', 'certified', 'rejected']),
    status: z.enum(['active', 'suspended', 'terminated']),
    frozen_at: isoTime
      .nullable()
      .describe(
        'Set while a compromised-account report freezes the organisation (live keys and sign-in refused) until an operator resolves or dismisses it.',
      ),
    created_at: isoTime,
    owner: z.string().nullable().describe('The owner’s username.'),
  })
  .meta({ id: 'AdminCustomerSummary' });

export const adminCustomerListSchema = z
  .object({ customers: z.array(adminCustomerSummarySchema), next_cursor: z.string().nullable() })
  .meta({ id: 'AdminCustomerList' });

export const adminCustomerDetailSchema = z
  .object({
    organization: adminCustomerSummarySchema,
    users: z.array(
      z.object({
        id: z.string(),
        username: z.string(),
        email: z.string().nullable(),
        mobile: z.string().nullable(),
        role: z.string(),
        created_at: isoTime,
        disabled_at: isoTime.nullable(),
      }),
    ),
    apps: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        description: z.string().nullable(),
        domains: z.array(z.string()),
        created_at: isoTime,
        keys: z.array(
          z.object({
            key_id: z.string(),
            mode: z.enum(['sandbox', 'live']),
            status: z.string(),
            ip_allowlist: z.array(z.string()),
            created_at: isoTime,
            revoked_at: isoTime.nullable(),
            expires_at: isoTime.nullable(),
          }),
        ),
      }),
    ),
    wallet: z.object({ cash: fen, bonus: fen, held: fen }),
    usage: z
      .object({
        from: day,
        to: day,
        calls: z.int(),
        billed_calls: z.int(),
        sandbox_calls: z.int(),
        amount_fen: fen,
        result_codes: z.record(z.string(), z.int()),
      })
      .describe('The last 30 UTC days, today included.'),
    certification: z.object({
      status: z.enum(['registered', 'pending', 'certified', 'rejected']),
    }),
    agreement_acceptances: z.array(
      z.object({
        version: z.int(),
        user_id: z.string(),
        accepted_at: isoTime,
        ip: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'AdminCustomerDetail' });

// Agreements

export const adminAgreementPublishRequestSchema = z
  .object({
    terms_text: z.string().min(1).max(200_000),
    dpa_text: z.string().min(1).max(200_000).describe('The data processing agreement.'),
    effective_at: isoTime.describe('When it takes effect; not earlier than the previous version’s.'),
  })
  .strict()
  .meta({ id: 'AdminAgreementPublishRequest' });

export const adminAgreementVersionSchema = z
  .object({
    version: z.int(),
    terms_text: z.string(),
    dpa_text: z.string(),
    terms_sha256: z.string(),
    dpa_sha256: z.string(),
    effective_at: isoTime,
    published_at: isoTime,
    published_by: z.string(),
    acceptances: z.int().describe('How many organisations accepted it.'),
  })
  .meta({ id: 'AdminAgreementVersion' });

export const adminAgreementListSchema = z
  .object({ versions: z.array(adminAgreementVersionSchema).describe('Newest first.') })
  .meta({ id: 'AdminAgreementList' });

export const adminAgreementAcceptanceListSchema = z
  .object({
    version: z.int(),
    acceptances: z.array(
      z.object({
        org_id: z.string(),
        org_name: z.string(),
        user_id: z.string(),
        username: z.string().nullable(),
        accepted_at: isoTime,
        ip: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'AdminAgreementAcceptanceList' });

// Audit

export const adminAuditQuerySchema = z.object({
  actor: z.string().max(200).optional(),
  action: z.string().max(200).optional().describe('An exact action, or a prefix ending in "." (e.g. "org.").'),
  subject: z.string().max(200).optional(),
  from: isoTime.optional().describe('Entries at or after this time.'),
  to: isoTime.optional().describe('Entries before this time.'),
  limit: limitQuery(500, 100),
  cursor: adminCursorQuery,
});

export const adminAuditEntrySchema = z
  .object({
    seq: z.int(),
    id: z.string(),
    occurred_at: isoTime,
    actor: z.string(),
    action: z.string(),
    subject: z.string().nullable(),
    reason: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).nullable(),
    hash: z.string(),
  })
  .meta({ id: 'AdminAuditEntry' });

export const adminAuditPageSchema = z
  .object({ entries: z.array(adminAuditEntrySchema).describe('Newest first.'), next_cursor: z.string().nullable() })
  .meta({ id: 'AdminAuditPage' });

export const adminAuditVerificationSchema = z
  .object({
    ok: z.boolean(),
    entries: z.int().describe('How many entries held before the break (all of them when ok).'),
    broken_seq: z.int().nullable(),
    reason: z.string().nullable(),
    checked_at: isoTime,
  })
  .meta({ id: 'AdminAuditVerification' });

// Dashboard

export const adminDashboardQuerySchema = z.object({
  days: z.coerce.number().int().min(1).max(366).default(30).describe('How many UTC days back, today included.'),
});

export const adminDashboardSchema = z
  .object({
    from: day,
    to: day,
    days: z.array(
      z.object({
        day,
        calls: z.int().describe('Live and sandbox calls.'),
        live_calls: z.int(),
        billed_calls: z.int(),
        revenue_fen: fen.describe('Charges posted that day.'),
        results: z.int().describe('Calls that ran to a result (result.* codes).'),
        passes: z.int().describe('Results that passed: result.match, result.live, result.pass.'),
      }),
    ),
    totals: z.object({
      calls: z.int(),
      live_calls: z.int(),
      billed_calls: z.int(),
      revenue_fen: fen,
      active_customers: z.int().describe('Organisations with at least one call in the period.'),
      pass_rate: z.number().nullable().describe('passes / results; null without results.'),
    }),
    latency_ms: z
      .object({ p50: z.int().nullable(), p95: z.int().nullable(), p99: z.int().nullable() })
      .describe('Time each call took on the server (engine included); null without calls.'),
    customers: z.object({
      total: z.int(),
      by_state: z.record(z.string(), z.int()),
    }),
  })
  .meta({ id: 'AdminDashboard' });
