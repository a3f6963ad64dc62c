import fastifyCookie from '@fastify/cookie';
import { adminLoginRequestSchema, adminSessionSchema, errorResponseSchema } from '@visage/contracts';
import { adminErrors, adminSecurity, adminTags } from './admin-route-schema.js';
import { DomainError, permissionsOf, type Sessions, type User } from '@visage/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rejectUnparsedBody } from '../http/body-parsers.js';
import { userAgentOf } from '../http/console-session.js';
import {
  clearOperatorCookie,
  isOperator,
  requireOperatorSession,
  setOperatorCookie,
  signedInOperatorOf,
} from '../http/operator-session.js';
import type { SignInThrottle } from '../http/sign-in-throttle.js';
import { registerAdminAgreementRoutes, type AgreementAdminDependencies } from './admin-agreements.routes.js';
import { registerAdminAuditRoutes, type AuditAdminDependencies } from './admin-audit.routes.js';
import { registerAdminCustomerRoutes, type CustomerAdminDependencies } from './admin-customers.routes.js';
import { registerAdminDashboardRoutes, type DashboardDependencies } from './admin-dashboard.routes.js';
import { registerAdminFinanceRoutes, type FinanceAdminDependencies } from './admin-finance.routes.js';
import { registerAdminOperatorRoutes, type OperatorAdminDependencies } from './admin-operators.routes.js';
import { registerAdminMailRoutes, type MailAdminDependencies } from './admin-mail.routes.js';
import { registerAdminCertificationRoutes, type CertificationAdminDependencies } from './admin-certification.routes.js';
import { registerAdminNoticeRoutes, type NoticesAdminDependencies } from './admin-notices.routes.js';
import { operatorView } from './admin.views.js';
import { registerAdminRegistryRoutes, type RegistryAdminDependencies } from './admin-registry.routes.js';

/**
 * What the admin API (/admin/api) runs on. Each area adds its fields here (one line each) and is wired in
 * platform.ts. Dependencies are read when a request comes, not at registration, so that the OpenAPI document can be
 * rendered without services.
 */
export interface AdminDependencies
  extends
    CustomerAdminDependencies,
    AgreementAdminDependencies,
    AuditAdminDependencies,
    DashboardDependencies,
    FinanceAdminDependencies,
    OperatorAdminDependencies,
    MailAdminDependencies,
    CertificationAdminDependencies,
    NoticesAdminDependencies,
    RegistryAdminDependencies {
  readonly sessions: Pick<Sessions, 'login' | 'authenticate' | 'checkCsrf' | 'logout'>;
  readonly signInThrottle: SignInThrottle;
  /** Mark the session cookie Secure (VISAGE_SECURE_COOKIES). */
  readonly secureCookies: boolean;
}

export type AdminDeps = { readonly admin: AdminDependencies };

/**
 * The operator console's JSON API. Sign-in is open; everything else needs an operator's session (customers are
 * refused), CSRF on writes, and the permission each route names with `allow(...)`.
 */
export async function registerAdminRoutes(scope: FastifyInstance, deps: AdminDeps): Promise<void> {
  await scope.register(fastifyCookie);
  await scope.register(async (open) => {
    open.addHook('preValidation', rejectUnparsedBody);
    registerAdminSignIn(open, deps);
  });
  await scope.register(async (operator) => {
    requireOperatorSession(operator, deps);
    registerAdminSession(operator, deps);
    registerAdminCustomerRoutes(operator, deps);
    registerAdminAgreementRoutes(operator, deps);
    registerAdminAuditRoutes(operator, deps);
    registerAdminDashboardRoutes(operator, deps);
    registerAdminFinanceRoutes(operator, deps);
    registerAdminOperatorRoutes(operator, deps);
    registerAdminMailRoutes(operator, deps);
    registerAdminCertificationRoutes(operator, deps);
    registerAdminNoticeRoutes(operator, deps);
    registerAdminRegistryRoutes(operator, deps);
    // Other areas: one line each, registerAdmin<Area>Routes(operator, deps);
  });
}

const sessionView = (user: User, csrfToken: string, expiresAt: string) => ({
  user: operatorView(user),
  permissions: [...permissionsOf(user.role)],
  csrf_token: csrfToken,
  expires_at: expiresAt,
});

function registerAdminSignIn(scope: FastifyInstance, deps: AdminDeps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/admin/api/session',
    {
      schema: {
        summary: 'Operator sign-in: sets the visage_admin_session cookie (path /admin) and returns the CSRF token',
        description: 'Customers’ accounts are refused (auth.forbidden); failed attempts are throttled.',
        tags: adminTags,
        body: adminLoginRequestSchema,
        response: {
          200: adminSessionSchema,
          400: errorResponseSchema,
          401: errorResponseSchema,
          403: errorResponseSchema,
          429: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const { admin } = deps;
      const signedIn = await admin.signInThrottle.attempt(username, request.ip, async () => {
        const result = await admin.sessions.login(username, password, {
          ip: request.ip,
          userAgent: userAgentOf(request),
        });
        if (!isOperator(result.user)) {
          // A customer's password is right, but this is not their door: the session just made is ended at once.
          await admin.sessions.logout(result.token);
          throw new DomainError('auth.forbidden');
        }
        return result;
      });
      const { token, csrfToken, session, user } = signedIn;
      setOperatorCookie(reply, token, { expiresAt: session.expiresAt, secure: admin.secureCookies });
      return sessionView(user, csrfToken, session.expiresAt);
    },
  );
}

function registerAdminSession(scope: FastifyInstance, deps: AdminDeps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/admin/api/session',
    {
      schema: {
        summary: 'The signed-in operator, their role’s permissions, the CSRF token and when the session expires',
        tags: adminTags,
        security: adminSecurity,
        response: { 200: adminSessionSchema, ...adminErrors },
      },
    },
    async (request) => {
      const { user, session } = signedInOperatorOf(request);
      return sessionView(user, session.csrfToken, session.expiresAt);
    },
  );

  app.delete(
    '/admin/api/session',
    {
      schema: {
        summary: 'Sign out of this operator session',
        tags: adminTags,
        security: adminSecurity,
        response: { 204: z.null().describe('Signed out; the cookie is cleared.'), ...adminErrors },
      },
    },
    async (request, reply) => {
      await deps.admin.sessions.logout(signedInOperatorOf(request).token);
      clearOperatorCookie(reply, { secure: deps.admin.secureCookies });
      return reply.status(204).send(null);
    },
  );
}
