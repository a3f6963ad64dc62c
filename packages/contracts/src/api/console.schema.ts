import { z } from 'zod';
import { webhookSecretIssuedSchema } from './webhooks.schema.js';

/**
 * The customer console's JSON API under /console/api. The browser holds an httpOnly `visage_session` cookie; every
 * request other than registration and sign-in needs it, and every non-GET request also sends the session's CSRF token
 * in `X-CSRF-Token`. Amounts are integer fen; times are ISO-8601 UTC strings.
 */

const isoTime = z.string().describe('ISO-8601 UTC date-time.');
const nullableIsoTime = z.string().nullable().describe('ISO-8601 UTC date-time, or null.');
const fen = z.int().describe('Amount in fen (1/100 yuan).');
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD')
  .describe('A UTC day, YYYY-MM-DD.');
const products = z.enum(['compare', 'liveness', 'verification', 'id_card_ocr']);

export const consoleIdParam = z.string().min(1).max(64);

// Accounts and sessions

export const consoleRegisterRequestSchema = z
  .object({
    org_name: z.string().max(200).describe('The organisation’s legal name, 1-200 characters.'),
    username: z
      .string()
      .max(64)
      .describe('3-32 characters of a-z, 0-9, _, . and - (stored in lower case; cannot be changed).'),
    email: z.string().max(254),
    mobile: z.string().max(32).describe('6-15 digits, optionally after +.'),
    password: z.string().max(256).describe('At least 10 characters, not a common password nor the username.'),
  })
  .strict()
  .meta({ id: 'ConsoleRegisterRequest' });

export const consoleRegistrationSchema = z
  .object({ org_id: z.string(), user_id: z.string(), username: z.string() })
  .meta({ id: 'ConsoleRegistration' });

export const consoleLoginRequestSchema = z
  .object({ username: z.string().max(64), password: z.string().max(256) })
  .strict()
  .meta({ id: 'ConsoleLoginRequest' });

export const consoleUserSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    role: z
      .enum(['owner', 'member', 'admin', 'reviewer', 'finance', 'support'])
      .describe('admin, reviewer, finance, support: an operator, who belongs to no organisation.'),
    org_id: z.string().nullable(),
    email: z.string().nullable(),
    email_verified: z.boolean().describe('True once the user opened the link of a verification (or reset) mail.'),
  })
  .meta({ id: 'ConsoleUser' });

const csrfToken = z
  .string()
  .describe('Send it as X-CSRF-Token with every non-GET request of this session (sign-in and GET session return it).');

export const consoleSessionSchema = z
  .object({ user: consoleUserSchema, expires_at: isoTime, csrf_token: csrfToken })
  .meta({ id: 'ConsoleSession' });

export const consoleLoginResponseSchema = consoleSessionSchema
  .extend({ csrf_token: csrfToken })
  .meta({ id: 'ConsoleLogin' });

export const consoleSessionListSchema = z
  .object({
    sessions: z.array(
      z.object({
        id: z.string().describe('The start of the session’s hash: enough to tell sessions apart, useless to sign in.'),
        created_at: isoTime,
        last_seen_at: isoTime.describe('Updated at most once a minute.'),
        expires_at: isoTime,
        ip: z.string().nullable(),
        user_agent: z.string().nullable(),
        current: z.boolean().describe('True for the session making this request.'),
      }),
    ),
  })
  .meta({ id: 'ConsoleSessionList' });

export const consoleSignOutEverywhereSchema = z
  .object({ revoked: z.int().describe('How many sessions were signed out, this one included.') })
  .meta({ id: 'ConsoleSignOutEverywhere' });

// Organisation and agreement

const certification = z.enum(['registered', 'pending', 'certified', 'rejected']);

export const consoleOrganizationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    state: z
      .enum(['registered', 'pending', 'certified', 'rejected', 'suspended', 'terminated'])
      .describe('The certification while the organisation is active, otherwise its status.'),
    certification,
    status: z.enum(['active', 'suspended', 'terminated']),
    frozen_at: nullableIsoTime.describe(
      'Set while a compromised-account report freezes the organisation: live keys are refused (sandbox keys work) until the operator resolves the report.',
    ),
    created_at: isoTime,
  })
  .meta({ id: 'ConsoleOrganization' });

export const agreementVersionSchema = z
  .object({
    version: z.int(),
    terms_text: z.string(),
    dpa_text: z.string().describe('The data processing agreement.'),
    terms_sha256: z.string(),
    dpa_sha256: z.string(),
    effective_at: isoTime,
  })
  .meta({ id: 'AgreementVersion' });

export const upcomingAgreementVersionSchema = agreementVersionSchema
  .extend({
    accepted: z
      .boolean()
      .describe(
        'True when the organisation accepted this version in advance; if not, its live keys stop from effective_at until it does.',
      ),
  })
  .meta({ id: 'UpcomingAgreementVersion' });

export const consoleAgreementSchema = z
  .object({
    current: agreementVersionSchema.nullable().describe('The version in force; null until one takes effect.'),
    upcoming: z
      .array(upcomingAgreementVersionSchema)
      .describe('Published versions that take effect later, in version order; each can be accepted in advance.'),
    accepted_current: z
      .boolean()
      .describe('True when the organisation accepted the version in force, or when none is in force.'),
  })
  .meta({ id: 'ConsoleAgreement' });

export const agreementAcceptanceRequestSchema = z
  .object({
    version: z
      .int()
      .min(1)
      .describe('The version read: the one in force, or a published upcoming one (accepted in advance).'),
  })
  .strict()
  .meta({ id: 'AgreementAcceptanceRequest' });

export const agreementAcceptanceSchema = z
  .object({ version: z.int(), accepted_at: isoTime })
  .meta({ id: 'AgreementAcceptance' });

// Apps and keys

export const consoleAppSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    domains: z.array(z.string()).describe('Host names the app’s capture pages may be embedded in.'),
    decision_far: z.enum(['1e-3', '1e-4', '1e-5', '1e-6']).describe('The false-accept rate the app decides at.'),
    image_retention_seconds: z.int().describe('0: images are never stored.'),
    result_retention_seconds: z.int(),
    allow_multiple_faces: z.boolean(),
    webhook_url: z.string().nullable(),
    created_at: isoTime,
    updated_at: isoTime,
  })
  .meta({ id: 'ConsoleApp' });

export const consoleAppUpdatedSchema = consoleAppSchema
  .extend({
    webhook_secret: webhookSecretIssuedSchema
      .optional()
      .describe(
        'Present only when this change set a webhook URL on an app that had no signing secret: its first secret, issued in the same transaction and shown only in this answer.',
      ),
  })
  .meta({ id: 'ConsoleAppUpdated' });

export const consoleAppListSchema = z.object({ apps: z.array(consoleAppSchema) }).meta({ id: 'ConsoleAppList' });

const appName = z.string().max(100).describe('1-100 characters.');
const appDescription = z.string().max(1000);
const appDomains = z.array(z.string().max(253)).max(50);

export const appCreateRequestSchema = z
  .object({ name: appName, description: appDescription.optional(), domains: appDomains.optional() })
  .strict()
  .meta({ id: 'AppCreateRequest' });

export const appUpdateRequestSchema = z
  .object({
    name: appName.optional(),
    description: appDescription.nullable().optional(),
    domains: appDomains.optional(),
    decision_far: z.enum(['1e-3', '1e-4', '1e-5', '1e-6']).optional(),
    image_retention_seconds: z.int().min(0).optional(),
    result_retention_seconds: z
      .int()
      .min(0)
      .optional()
      .describe('At most the operator’s ceiling (VISAGE_RESULT_RETENTION_MAX_SECONDS).'),
    allow_multiple_faces: z.boolean().optional(),
    webhook_url: z.string().max(2048).nullable().optional().describe('An http(s) URL; null removes it.'),
  })
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, { error: 'must change at least one setting' })
  .meta({ id: 'AppUpdateRequest' });

export const apiKeySchema = z
  .object({
    key_id: z.string(),
    app_id: z.string(),
    mode: z.enum(['live', 'sandbox']),
    ip_allowlist: z.array(z.string()).describe('CIDRs the key may be used from; empty: any address.'),
    status: z.enum(['active', 'revoked']),
    created_at: isoTime,
    revoked_at: nullableIsoTime,
    expires_at: nullableIsoTime.describe('Set when the key was rotated: it stops working then.'),
    replaced_by: z.string().nullable().describe('The key that replaced this one at rotation.'),
  })
  .meta({ id: 'ApiKey' });

export const apiKeyListSchema = z.object({ keys: z.array(apiKeySchema) }).meta({ id: 'ApiKeyList' });

export const apiKeyCreateRequestSchema = z
  .object({
    mode: z
      .enum(['live', 'sandbox'])
      .describe('sandbox: free and rate-limited; live: billed, needs certification and the accepted agreement.'),
  })
  .strict()
  .meta({ id: 'ApiKeyCreateRequest' });

const secret = z.string().describe('The signing secret. Shown in this response only: store it now.');

export const issuedApiKeySchema = apiKeySchema.extend({ secret }).meta({ id: 'IssuedApiKey' });

export const rotatedApiKeySchema = apiKeySchema
  .extend({
    secret,
    replaced: z
      .object({ key_id: z.string(), expires_at: isoTime })
      .describe('The rotated key, which keeps working until expires_at.'),
  })
  .meta({ id: 'RotatedApiKey' });

export const ipAllowlistRequestSchema = z
  .object({
    cidrs: z
      .array(z.string().max(64))
      .max(100)
      .describe('IPv4/IPv6 addresses or CIDRs; an empty list allows every address.'),
  })
  .strict()
  .meta({ id: 'IpAllowlistRequest' });

// Wallet, prices and usage

export const walletBalancesSchema = z
  .object({
    cash: fen.describe('Topped-up money, in fen.'),
    bonus: fen.describe('Granted money, spent before cash, in fen.'),
    held: fen.describe('Reserved for calls in flight, in fen.'),
  })
  .meta({ id: 'WalletBalances' });

export const walletStatementQuerySchema = z.object({
  period: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM')
    .describe('The UTC month, YYYY-MM.'),
});

export const walletStatementSchema = z
  .object({
    period: z.string(),
    from: isoTime,
    to: isoTime.describe('Exclusive.'),
    opening: walletBalancesSchema,
    closing: walletBalancesSchema,
    entries: z.array(
      z.object({
        transaction_id: z.string(),
        kind: z
          .enum(['topup', 'bonus', 'reserve', 'post', 'void'])
          .describe('reserve: a call’s price set aside; post: charged; void: returned.'),
        reference: z
          .string()
          .nullable()
          .describe('Bank reference of a top-up, reason of a grant, request id of a call.'),
        reservation_id: z.string().nullable(),
        cash: fen.describe('Change of the cash balance, in fen.'),
        bonus: fen.describe('Change of the bonus balance, in fen.'),
        held: fen.describe('Change of the held balance, in fen.'),
        created_at: isoTime,
      }),
    ),
  })
  .meta({ id: 'WalletStatement' });

const priceSchema = z.object({ amount_fen: fen, effective_at: isoTime });

export const priceListSchema = z
  .object({
    prices: z.array(
      z.object({
        product: products,
        current: priceSchema.nullable().describe('Null while no price was set: the product cannot be called live.'),
        upcoming: z.array(priceSchema),
      }),
    ),
  })
  .meta({ id: 'PriceList' });

export const usageQuerySchema = z.object({
  from: day.describe('First day, YYYY-MM-DD (UTC).'),
  to: day.describe('Last day, included; at most 366 days after from.'),
  app_id: consoleIdParam.optional(),
});

export const usageReportSchema = z
  .object({
    days: z.array(
      z.object({
        day,
        product: products,
        calls: z.int(),
        billed_calls: z.int(),
        sandbox_calls: z.int(),
        amount_fen: fen,
        result_codes: z.record(z.string(), z.int()).describe('Calls per result or error code.'),
      }),
    ),
  })
  .meta({ id: 'UsageReport' });

export const callLogQuerySchema = z.object({
  app_id: consoleIdParam.optional(),
  result_code: z.string().max(64).optional(),
  biz_no: z.string().max(128).optional(),
  from: day.optional().describe('First day, YYYY-MM-DD (UTC).'),
  to: day.optional().describe('Last day, included.'),
  limit: z.coerce.number().int().min(1).max(200).optional().describe('Calls per page, 1-200 (default 50).'),
  cursor: z.string().max(200).optional().describe('next_cursor of the previous page.'),
});

export const callLogSchema = z
  .object({
    calls: z.array(
      z.object({
        id: z.string(),
        app_id: z.string(),
        key_id: z.string(),
        product: products,
        result_code: z.string(),
        billed: z.boolean(),
        amount_fen: fen,
        sandbox: z.boolean(),
        biz_no: z.string().nullable(),
        request_id: z.string(),
        created_at: isoTime,
        time_used_ms: z.int(),
      }),
    ),
    next_cursor: z.string().nullable().describe('Pass it as cursor for the next page; null on the last page.'),
  })
  .meta({ id: 'CallLog' });
