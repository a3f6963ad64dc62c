import { z } from 'zod';
import { walletBalancesSchema, walletStatementSchema } from './console.schema.js';

/**
 * Money in the consoles: customers' top-up requests and low-balance alert (/console/api/wallet/…), and the operator's
 * finance pages (/admin/api/topup-requests, /admin/api/customers/:org_id/{wallet,statement,bonus}, /admin/api/prices).
 * Amounts are integer fen; times are ISO-8601 UTC strings.
 */

const isoTime = z.string().describe('ISO-8601 UTC date-time.');
const nullableIsoTime = z.string().nullable().describe('ISO-8601 UTC date-time, or null.');
const maxFen = 1_000_000_000;
const reason = z.string().min(1).max(500).describe('Why, 1-500 characters: recorded in the audit log.');

// Top-up requests

export const topupStatusSchema = z
  .enum(['pending', 'confirmed', 'rejected'])
  .describe('pending until the operator confirms (the wallet is credited) or rejects it.');

export const topupRequestCreateSchema = z
  .object({
    amount_fen: z
      .int()
      .min(1)
      .max(maxFen)
      .describe('The amount transferred, in fen (1/100 yuan), at most 1 000 000 000 (10 000 000 yuan).'),
    reference: z
      .string()
      .min(1)
      .max(64)
      .describe('The bank transfer’s reference (the payment note or serial number), 1-64 characters.'),
  })
  .strict()
  .meta({ id: 'TopupRequestCreate' });

export const topupRequestSchema = z
  .object({
    id: z.string(),
    org_id: z.string(),
    amount_fen: z.int(),
    reference: z.string(),
    status: topupStatusSchema,
    created_at: isoTime,
    decided_at: nullableIsoTime,
    decision_reason: z
      .string()
      .nullable()
      .describe('The operator’s reason: always given for a rejection, optional for a confirmation.'),
  })
  .meta({ id: 'TopupRequest' });

export const topupRequestListSchema = z
  .object({ requests: z.array(topupRequestSchema) })
  .meta({ id: 'TopupRequestList' });

/** The operator's view also says who filed and who decided. */
export const adminTopupRequestSchema = topupRequestSchema
  .extend({
    org_name: z.string().nullable().describe('Null if the organisation no longer exists.'),
    created_by: z.string().describe('user:<id> of the customer who filed it.'),
    decided_by: z.string().nullable().describe('operator:<username> who decided it.'),
  })
  .meta({ id: 'AdminTopupRequest' });

export const adminTopupRequestListSchema = z
  .object({ requests: z.array(adminTopupRequestSchema) })
  .meta({ id: 'AdminTopupRequestList' });

export const adminTopupQuerySchema = z.object({
  status: topupStatusSchema.optional().describe('Only requests of this status; pending ones come oldest first.'),
  org_id: z.string().min(1).max(64).optional(),
});

export const topupConfirmationSchema = z
  .object({ reason: reason.optional() })
  .strict()
  .meta({ id: 'TopupConfirmation' });

export const topupRejectionSchema = z.object({ reason }).strict().meta({ id: 'TopupRejection' });

// Low-balance alert

export const balanceAlertSchema = z
  .object({
    threshold_fen: z
      .int()
      .nullable()
      .describe('Alert when a charge leaves cash + bonus below this many fen; null: no alert.'),
    alerted: z.boolean().describe('True once the alert fired, until the balance is back at or above the threshold.'),
  })
  .meta({ id: 'BalanceAlert' });

export const balanceAlertUpdateSchema = z
  .object({
    threshold_fen: z.int().min(1).max(maxFen).nullable().describe('In fen; null turns the alert off.'),
  })
  .strict()
  .meta({ id: 'BalanceAlertUpdate' });

// Statement CSV

export const walletStatementCsvQuerySchema = z.object({
  period: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM')
    .describe('The UTC month, YYYY-MM.'),
});

// Operator: an organisation's wallet, bonus grants

export const adminOrgParams = z.object({ org_id: z.string().min(1).max(64) });
export const adminTopupParams = z.object({ topup_id: z.string().min(1).max(64) });

export const adminWalletSchema = walletBalancesSchema
  .extend({
    org_id: z.string(),
    alert_threshold_fen: z.int().nullable().describe('The organisation’s low-balance threshold, if it set one.'),
  })
  .meta({ id: 'AdminWallet' });

export const adminStatementSchema = walletStatementSchema
  .extend({ org_id: z.string() })
  .meta({ id: 'AdminWalletStatement' });

export const bonusGrantSchema = z
  .object({
    amount_fen: z.int().min(1).max(maxFen).describe('Bonus to credit, in fen; calls spend bonus before cash.'),
    reason,
  })
  .strict()
  .meta({ id: 'BonusGrant' });

export const bonusGrantResultSchema = z
  .object({
    org_id: z.string(),
    balances: walletBalancesSchema,
    notified: z.boolean().describe('False if the in-site notice could not be stored (the bonus is credited).'),
  })
  .meta({ id: 'BonusGrantResult' });

// Operator: prices

const adminPriceSchema = z.object({
  id: z.string(),
  amount_fen: z.int(),
  effective_at: isoTime,
  created_at: isoTime,
  created_by: z.string(),
});

export const adminPriceListSchema = z
  .object({
    prices: z.array(
      z.object({
        product: z.enum(['compare', 'liveness', 'verification', 'id_card_ocr']),
        current: adminPriceSchema.nullable(),
        upcoming: z.array(adminPriceSchema).describe('Scheduled changes, soonest first.'),
      }),
    ),
  })
  .meta({ id: 'AdminPriceList' });

export const priceChangeSchema = z
  .object({
    product: z.enum(['compare', 'liveness', 'verification', 'id_card_ocr']),
    amount_fen: z.int().min(0).max(maxFen).describe('Per call, in fen; 0 = free.'),
    effective_at: z
      .string()
      .max(40)
      .optional()
      .describe(
        'When it takes effect: an ISO-8601 date (midnight UTC) or date-time with zone, not in the past; omitted: now. ' +
          'Setting a price again for the same instant replaces the earlier one (that is how a scheduled change is called off).',
      ),
    reason,
  })
  .strict()
  .meta({ id: 'PriceChange' });

export const priceChangeResultSchema = z
  .object({
    price: adminPriceSchema.extend({ product: z.enum(['compare', 'liveness', 'verification', 'id_card_ocr']) }),
    notified: z
      .int()
      .nullable()
      .describe('How many organisations were told (price.scheduled, in-site and email); null if the notice failed.'),
  })
  .meta({ id: 'PriceChangeResult' });
