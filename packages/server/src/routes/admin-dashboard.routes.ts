import { adminDashboardQuerySchema, adminDashboardSchema } from '@visage/contracts';
import type { DashboardService } from '@visage/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { allow } from '../http/operator-session.js';
import { adminErrors, adminSecurity as security, adminTags as tags } from './admin-route-schema.js';
import { dashboardView } from './admin.views.js';

export interface DashboardDependencies {
  readonly dashboard: DashboardService;
}

export function registerAdminDashboardRoutes(
  scope: FastifyInstance,
  deps: { readonly admin: DashboardDependencies },
): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/admin/api/dashboard',
    {
      preHandler: allow('dashboard.read'),
      schema: {
        summary: 'Calls, revenue, active customers, pass rates and call latency over the last days (UTC)',
        tags,
        security,
        querystring: adminDashboardQuerySchema,
        response: { 200: adminDashboardSchema, ...adminErrors },
      },
    },
    async (request) => dashboardView(await deps.admin.dashboard.overview(request.query.days)),
  );
}
