import {
  adminOperatorCreatedSchema,
  adminOperatorCreateRequestSchema,
  adminOperatorListSchema,
  errorResponseSchema,
} from '@visage/contracts';
import type { OperatorAdmin } from '@visage/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { allow, operatorOf } from '../http/operator-session.js';
import { adminErrors, adminSecurity as security, adminTags as tags } from './admin-route-schema.js';
import { operatorView } from './admin.views.js';

export interface OperatorAdminDependencies {
  readonly operators: OperatorAdmin;
}

export function registerAdminOperatorRoutes(
  scope: FastifyInstance,
  deps: { readonly admin: OperatorAdminDependencies },
): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/admin/api/operators',
    {
      preHandler: allow('operators.manage'),
      schema: {
        summary: 'Operator accounts, oldest first',
        tags,
        security,
        response: { 200: adminOperatorListSchema, ...adminErrors },
      },
    },
    async () => ({ operators: (await deps.admin.operators.list()).map(operatorView) }),
  );

  app.post(
    '/admin/api/operators',
    {
      preHandler: allow('operators.manage'),
      schema: {
        summary: 'Create an operator account with a role; its generated password is in this response only',
        tags,
        security,
        body: adminOperatorCreateRequestSchema,
        response: { 201: adminOperatorCreatedSchema, ...adminErrors, 409: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const { username, email, role } = request.body;
      const { user, password } = await deps.admin.operators.create({
        username,
        email,
        role,
        actor: operatorOf(request).actor,
      });
      return reply.status(201).send({ operator: operatorView(user), password });
    },
  );
}
