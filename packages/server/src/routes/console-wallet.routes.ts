import {
  balanceAlertSchema,
  balanceAlertUpdateSchema,
  errorResponseSchema,
  topupRequestCreateSchema,
  topupRequestListSchema,
  topupRequestSchema,
  walletStatementCsvQuerySchema,
} from '@visage/contracts';
import {
  DomainError,
  type BalanceAlert,
  type BalanceAlerts,
  type Organizations,
  type TopupRequest,
  type TopupRequests,
  type Wallet,
} from '@visage/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { customerOf } from '../http/console-session.js';
import { statementCsv } from './statement-csv.js';

/** What the customer's wallet pages run on, besides the balances, statement and prices in console.routes.ts. */
export interface ConsoleWalletDependencies {
  readonly topupRequests: Pick<TopupRequests, 'request' | 'listForOrg'>;
  readonly balanceAlerts: Pick<BalanceAlerts, 'get' | 'set'>;
  readonly wallet: Pick<Wallet, 'statement'>;
  readonly organizations: Pick<Organizations, 'get'>;
}

const tags = ['console'];
const security = [{ ConsoleSession: [] }];
const signedInErrors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema };

export const topupRequestView = (request: TopupRequest) => ({
  id: request.id,
  org_id: request.orgId,
  amount_fen: request.amountFen,
  reference: request.reference,
  status: request.status,
  created_at: request.createdAt,
  decided_at: request.decidedAt,
  decision_reason: request.decisionReason,
});

const alertView = (alert: BalanceAlert) => ({ threshold_fen: alert.thresholdFen, alerted: alert.alertedAt !== null });

/**
 * The customer's top-up requests, low-balance alert and statement CSV. Registered in the signed-in customer scope
 * (session, CSRF). A suspended organisation may still file a top-up request (paying what it owes is often how a
 * suspension ends); a terminated one may only look.
 */
export function registerConsoleWalletRoutes(
  scope: FastifyInstance,
  deps: { readonly console: ConsoleWalletDependencies },
): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/console/api/wallet/topup-requests',
    {
      schema: {
        summary: 'The organisation’s top-up requests, newest first (at most 100)',
        tags,
        security,
        response: { 200: topupRequestListSchema, ...signedInErrors },
      },
    },
    async (request) => ({
      requests: (await deps.console.topupRequests.listForOrg(customerOf(request).orgId)).map(topupRequestView),
    }),
  );

  app.post(
    '/console/api/wallet/topup-requests',
    {
      preHandler: async (request) => {
        const org = await deps.console.organizations.get(customerOf(request).orgId);
        if (org.status === 'terminated') throw new DomainError('org.suspended');
      },
      schema: {
        summary: 'Tell the operator about a bank transfer: the wallet is credited when the operator confirms it',
        description:
          'A reference already pending or credited for the organisation is refused (billing.duplicate_reference).',
        tags,
        security,
        body: topupRequestCreateSchema,
        response: { 201: topupRequestSchema, ...signedInErrors, 409: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const { orgId, actor } = customerOf(request);
      const filed = await deps.console.topupRequests.request({
        orgId,
        amountFen: request.body.amount_fen,
        reference: request.body.reference,
        actor,
      });
      return reply.status(201).send(topupRequestView(filed));
    },
  );

  app.get(
    '/console/api/wallet/alert',
    {
      schema: {
        summary: 'The low-balance alert: the threshold and whether it has fired',
        tags,
        security,
        response: { 200: balanceAlertSchema, ...signedInErrors },
      },
    },
    async (request) => alertView(await deps.console.balanceAlerts.get(customerOf(request).orgId)),
  );

  app.put(
    '/console/api/wallet/alert',
    {
      schema: {
        summary: 'Set the low-balance threshold (null: off)',
        description:
          'When a charge leaves cash + bonus below the threshold, the organisation gets one balance.low notice, ' +
          'in-site and by email; the alert re-arms once the balance is back at or above the threshold.',
        tags,
        security,
        body: balanceAlertUpdateSchema,
        response: { 200: balanceAlertSchema, ...signedInErrors },
      },
    },
    async (request) => {
      const { orgId, actor } = customerOf(request);
      return alertView(
        await deps.console.balanceAlerts.set({ orgId, thresholdFen: request.body.threshold_fen, actor }),
      );
    },
  );

  app.get(
    '/console/api/wallet/statement.csv',
    {
      schema: {
        summary: 'The month’s statement as CSV (UTF-8 with BOM, for Excel): opening, each transaction, closing',
        tags,
        security,
        querystring: walletStatementCsvQuerySchema,
        produces: ['text/csv'],
        response: {
          200: z
            .string()
            .describe(
              'Columns: created_at, kind, reference, transaction_id, cash/bonus/held change and balance in yuan.',
            ),
          ...signedInErrors,
        },
      },
    },
    async (request, reply) => {
      const { period } = request.query;
      const statement = await deps.console.wallet.statement(customerOf(request).orgId, period);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="visage-statement-${period}.csv"`)
        .header('cache-control', 'no-store')
        .send(statementCsv(statement));
    },
  );
}
