import {
  adminCustomerDetailSchema,
  adminCustomerListSchema,
  adminCustomerQuerySchema,
  adminCustomerSummarySchema,
  adminIdParam,
  adminReasonRequestSchema,
  errorResponseSchema,
} from '@visage/contracts';
import type { CustomerAdmin } from '@visage/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { allow, operatorOf } from '../http/operator-session.js';
import { adminErrors, adminSecurity as security, adminTags as tags } from './admin-route-schema.js';
import {
  customerDetailView,
  customerSummaryView,
  organizationCursorOf,
  organizationPositionOf,
} from './admin.views.js';

export interface CustomerAdminDependencies {
  readonly customers: CustomerAdmin;
}

const orgParams = z.object({ org_id: adminIdParam });
const moves = [
  ['suspension', 'suspend', 'Suspend the organisation: its live keys stop at once; it is notified'],
  ['resumption', 'resume', 'Resume a suspended organisation; it is notified'],
  ['termination', 'terminate', 'Terminate the organisation for good: its keys stop; it is notified'],
] as const;

export function registerAdminCustomerRoutes(
  scope: FastifyInstance,
  deps: { readonly admin: CustomerAdminDependencies },
): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/admin/api/customers',
    {
      preHandler: allow('customers.read'),
      schema: {
        summary: 'Search customers (organisations), newest first',
        tags,
        security,
        querystring: adminCustomerQuerySchema,
        response: { 200: adminCustomerListSchema, ...adminErrors },
      },
    },
    async (request) => {
      const { q, state, limit, cursor } = request.query;
      // One row more than the page tells whether another page follows.
      const rows = await deps.admin.customers.search({
        text: q,
        state,
        limit: limit + 1,
        after: cursor === undefined ? undefined : organizationPositionOf(cursor),
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        customers: page.map(customerSummaryView),
        next_cursor:
          rows.length > limit && last ? organizationCursorOf({ createdAt: last.org.createdAt, id: last.org.id }) : null,
      };
    },
  );

  app.get(
    '/admin/api/customers/:org_id',
    {
      preHandler: allow('customers.read'),
      schema: {
        summary: 'One customer in full: users, apps and keys (never secrets), wallet, 30 days of usage, agreement',
        tags,
        security,
        params: orgParams,
        response: { 200: adminCustomerDetailSchema, ...adminErrors, 404: errorResponseSchema },
      },
    },
    async (request) => customerDetailView(await deps.admin.customers.detail(request.params.org_id)),
  );

  for (const [noun, move, summary] of moves) {
    app.post(
      `/admin/api/customers/:org_id/${noun}`,
      {
        preHandler: allow('customers.standing'),
        schema: {
          summary,
          description: 'The reason is recorded in the audit log and sent to the customer.',
          tags,
          security,
          params: orgParams,
          body: adminReasonRequestSchema,
          response: {
            200: adminCustomerSummarySchema,
            ...adminErrors,
            404: errorResponseSchema,
            409: errorResponseSchema,
          },
        },
      },
      async (request) => {
        const { org_id: orgId } = request.params;
        const listing = await deps.admin.customers[move](orgId, {
          actor: operatorOf(request).actor,
          reason: request.body.reason,
        });
        return customerSummaryView(listing);
      },
    );
  }
}
