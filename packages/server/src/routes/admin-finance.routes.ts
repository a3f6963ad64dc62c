import {
  adminOrgParams,
  adminPriceListSchema,
  adminStatementSchema,
  adminTopupParams,
  adminTopupQuerySchema,
  adminTopupRequestListSchema,
  adminTopupRequestSchema,
  adminWalletSchema,
  bonusGrantResultSchema,
  bonusGrantSchema,
  errorResponseSchema,
  priceChangeResultSchema,
  priceChangeSchema,
  topupConfirmationSchema,
  topupRejectionSchema,
  walletStatementQuerySchema,
} from '@visage/contracts';
import type {
  BalanceAlerts,
  FinanceDesk,
  Price,
  PriceSchedule,
  TopupRequest,
  TopupRequests,
  TopupRequestWithOrg,
} from '@visage/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { allow, operatorOf } from '../http/operator-session.js';
import { adminErrors, adminSecurity as security, adminTags as tags } from './admin-route-schema.js';
import { statementView } from './console.views.js';
import { topupRequestView } from './console-wallet.routes.js';

export interface FinanceAdminDependencies {
  readonly topupRequests: Pick<TopupRequests, 'list' | 'get' | 'confirm' | 'reject'>;
  readonly financeDesk: FinanceDesk;
  readonly balanceAlerts: Pick<BalanceAlerts, 'get'>;
}

const notFound = { 404: errorResponseSchema };
const conflict = { 409: errorResponseSchema };

const adminTopupView = (request: TopupRequest & { orgName?: string | null }) => ({
  ...topupRequestView(request),
  org_name: request.orgName ?? null,
  created_by: request.createdBy,
  decided_by: request.decidedBy,
});

const adminPriceView = (price: Price) => ({
  id: price.id,
  amount_fen: price.amountFen,
  effective_at: price.effectiveAt,
  created_at: price.createdAt,
  created_by: price.createdBy,
});

const adminScheduleView = (schedule: PriceSchedule) => ({
  product: schedule.product,
  current: schedule.current ? adminPriceView(schedule.current) : null,
  upcoming: schedule.upcoming.map(adminPriceView),
});

/**
 * The operator's finance pages: the top-up queue (finance.topups), bonus grants (finance.bonus), each organisation's
 * wallet and statements (finance.ledger), and the price list (prices.manage). Every action that touches a customer's
 * money takes a reason, is audited and tells the customer.
 */
export function registerAdminFinanceRoutes(
  scope: FastifyInstance,
  deps: { readonly admin: FinanceAdminDependencies },
): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/admin/api/topup-requests',
    {
      preHandler: allow('finance.topups'),
      schema: {
        summary: 'Customers’ top-up requests: pending ones oldest first (the queue), others newest first (200 at most)',
        tags,
        security,
        querystring: adminTopupQuerySchema,
        response: { 200: adminTopupRequestListSchema, ...adminErrors },
      },
    },
    async (request) => {
      const { status, org_id: orgId } = request.query;
      const requests: TopupRequestWithOrg[] = await deps.admin.topupRequests.list({ status, orgId });
      return { requests: requests.map(adminTopupView) };
    },
  );

  app.post(
    '/admin/api/topup-requests/:topup_id/confirmation',
    {
      preHandler: allow('finance.topups'),
      schema: {
        summary: 'Confirm a top-up request: credits the organisation’s cash under its bank reference, once',
        description:
          'Concurrent confirmations credit once; the others get topup.not_pending. A reference already credited ' +
          '(e.g. from the CLI) is refused with billing.duplicate_reference and the request stays pending.',
        tags,
        security,
        params: adminTopupParams,
        body: topupConfirmationSchema,
        response: { 200: adminTopupRequestSchema, ...adminErrors, ...notFound, ...conflict },
      },
    },
    async (request) => {
      const confirmed = await deps.admin.topupRequests.confirm({
        id: request.params.topup_id,
        actor: operatorOf(request).actor,
        reason: request.body.reason,
      });
      return adminTopupView(confirmed);
    },
  );

  app.post(
    '/admin/api/topup-requests/:topup_id/rejection',
    {
      preHandler: allow('finance.topups'),
      schema: {
        summary: 'Reject a top-up request with a reason the customer is shown; nothing is credited',
        tags,
        security,
        params: adminTopupParams,
        body: topupRejectionSchema,
        response: { 200: adminTopupRequestSchema, ...adminErrors, ...notFound, ...conflict },
      },
    },
    async (request) => {
      const rejected = await deps.admin.topupRequests.reject({
        id: request.params.topup_id,
        actor: operatorOf(request).actor,
        reason: request.body.reason,
      });
      return adminTopupView(rejected);
    },
  );

  app.post(
    '/admin/api/customers/:org_id/bonus',
    {
      preHandler: allow('finance.bonus'),
      schema: {
        summary: 'Grant bonus credit (spent before cash) with a reason; the customer is notified',
        tags,
        security,
        params: adminOrgParams,
        body: bonusGrantSchema,
        response: { 200: bonusGrantResultSchema, ...adminErrors, ...notFound },
      },
    },
    async (request) => {
      const orgId = request.params.org_id;
      const { balances, notified } = await deps.admin.financeDesk.grantBonus({
        orgId,
        amountFen: request.body.amount_fen,
        reason: request.body.reason,
        actor: operatorOf(request).actor,
      });
      return { org_id: orgId, balances: { ...balances }, notified };
    },
  );

  app.get(
    '/admin/api/customers/:org_id/wallet',
    {
      preHandler: allow('finance.ledger'),
      schema: {
        summary: 'An organisation’s balances and low-balance threshold',
        tags,
        security,
        params: adminOrgParams,
        response: { 200: adminWalletSchema, ...adminErrors, ...notFound },
      },
    },
    async (request) => {
      const orgId = request.params.org_id;
      const balances = await deps.admin.financeDesk.balances(orgId);
      const alert = await deps.admin.balanceAlerts.get(orgId);
      return { org_id: orgId, ...balances, alert_threshold_fen: alert.thresholdFen };
    },
  );

  app.get(
    '/admin/api/customers/:org_id/statement',
    {
      preHandler: allow('finance.ledger'),
      schema: {
        summary: 'An organisation’s statement of one month: opening and closing balances and every transaction',
        tags,
        security,
        params: adminOrgParams,
        querystring: walletStatementQuerySchema,
        response: { 200: adminStatementSchema, ...adminErrors, ...notFound },
      },
    },
    async (request) => {
      const orgId = request.params.org_id;
      return { org_id: orgId, ...statementView(await deps.admin.financeDesk.statement(orgId, request.query.period)) };
    },
  );

  app.get(
    '/admin/api/prices',
    {
      preHandler: allow('prices.manage'),
      schema: {
        summary: 'The price of each product now and the scheduled changes, with who set them',
        tags,
        security,
        response: { 200: adminPriceListSchema, ...adminErrors },
      },
    },
    async () => ({ prices: (await deps.admin.financeDesk.prices()).map(adminScheduleView) }),
  );

  app.post(
    '/admin/api/prices',
    {
      preHandler: allow('prices.manage'),
      schema: {
        summary: 'Set a product’s price from now or a later instant; every customer is notified at once',
        description:
          'Notice kind price.scheduled, in-site and by email. A price cannot start in the past. To call off a ' +
          'scheduled change, set the current price again for the same effective_at.',
        tags,
        security,
        body: priceChangeSchema,
        response: { 201: priceChangeResultSchema, ...adminErrors },
      },
    },
    async (request, reply) => {
      const { product, amount_fen: amountFen, effective_at: effectiveAt, reason } = request.body;
      const { price, notified } = await deps.admin.financeDesk.schedulePrice({
        product,
        amountFen,
        effectiveAt,
        reason,
        actor: operatorOf(request).actor,
      });
      return reply.status(201).send({ price: { product: price.product, ...adminPriceView(price) }, notified });
    },
  );
}
