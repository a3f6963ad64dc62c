import fastifyCookie from '@fastify/cookie';
import {
  agreementAcceptanceRequestSchema,
  agreementAcceptanceSchema,
  apiKeyCreateRequestSchema,
  apiKeyListSchema,
  apiKeySchema,
  appCreateRequestSchema,
  appUpdateRequestSchema,
  callLogQuerySchema,
  callLogSchema,
  consoleAgreementSchema,
  consoleAppListSchema,
  consoleAppSchema,
  consoleAppUpdatedSchema,
  consoleIdParam,
  consoleLoginRequestSchema,
  consoleLoginResponseSchema,
  consoleOrganizationSchema,
  consoleRegisterRequestSchema,
  consoleRegistrationSchema,
  consoleSessionListSchema,
  consoleSessionSchema,
  consoleSignOutEverywhereSchema,
  errorResponseSchema,
  ipAllowlistRequestSchema,
  issuedApiKeySchema,
  priceListSchema,
  rotatedApiKeySchema,
  usageQuerySchema,
  usageReportSchema,
  walletBalancesSchema,
  walletStatementQuerySchema,
  walletStatementSchema,
} from '@visage/contracts';
import {
  actorOf,
  DomainError,
  type Agreement,
  type Apps,
  type Keys,
  type Organizations,
  type Pricing,
  type Sessions,
  type UsageReports,
  type Users,
  type Wallet,
} from '@visage/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rejectUnparsedBody } from '../http/body-parsers.js';
import {
  clearSessionCookie,
  customerOf,
  requireConsoleSession,
  setSessionCookie,
  signedInOf,
  userAgentOf,
} from '../http/console-session.js';
import {
  agreementStatusView,
  appView,
  callView,
  cursorOf,
  dailyUsageView,
  issuedKeyView,
  keyView,
  organizationView,
  positionOf,
  priceScheduleView,
  sessionView,
  statementView,
  userView,
} from './console.views.js';
import type { SignInThrottle } from '../http/sign-in-throttle.js';
import type { RegistrationThrottle } from '../http/mail-request-throttle.js';
import {
  registerAccountMailCustomerRoutes,
  registerAccountMailOpenRoutes,
  type AccountMailDependencies,
} from './console-account-mail.routes.js';
import { registerConsoleWalletRoutes, type ConsoleWalletDependencies } from './console-wallet.routes.js';
import { registerConsoleWebhookRoutes, type ConsoleWebhookDependencies } from './console-webhooks.routes.js';
import { registerConsoleNoticeRoutes, type ConsoleNoticeDependencies } from './console-notices.routes.js';
import {
  registerConsoleCertificationRoutes,
  type ConsoleCertificationDependencies,
} from './console-certification.routes.js';

export interface ConsoleDependencies {
  readonly users: Pick<Users, 'registerOrganisationOwner'>;
  readonly sessions: Pick<Sessions, 'login' | 'authenticate' | 'checkCsrf' | 'logout' | 'logoutAll' | 'list'>;
  readonly organizations: Pick<Organizations, 'get' | 'submitForCertification'>;
  readonly agreement: Pick<Agreement, 'statusOf' | 'accept'>;
  readonly apps: Pick<Apps, 'create' | 'update' | 'get' | 'list'>;
  readonly keys: Pick<Keys, 'create' | 'rotate' | 'revoke' | 'setIpAllowlist' | 'list'>;
  readonly wallet: Pick<Wallet, 'balances' | 'statement'>;
  readonly pricing: Pick<Pricing, 'list'>;
  readonly topupRequests: ConsoleWalletDependencies['topupRequests'];
  readonly balanceAlerts: ConsoleWalletDependencies['balanceAlerts'];
  readonly notices: ConsoleNoticeDependencies['notices'];
  readonly complaints: ConsoleNoticeDependencies['complaints'];
  readonly privacy: ConsoleNoticeDependencies['privacy'];
  readonly certification: ConsoleCertificationDependencies['certification'];
  readonly webhooks: ConsoleWebhookDependencies['webhooks'];
  readonly usage: UsageReports;
  /** Mark the session cookie Secure (VISAGE_SECURE_COOKIES). */
  readonly secureCookies: boolean;
  /** How long a rotated key keeps working (VISAGE_KEY_ROTATION_GRACE_SECONDS). */
  readonly keyRotationGraceSeconds: number;
  readonly signInThrottle: SignInThrottle;
  /** Registrations per client address (VISAGE_REGISTRATIONS_PER_IP_PER_HOUR): each one mails the address given. */
  readonly registrationThrottle: RegistrationThrottle;
  /** Email verification, password reset, and whether SMTP is configured. */
  readonly accountMail: AccountMailDependencies;
}

type Deps = { readonly console: ConsoleDependencies };

const tags = ['console'];
const security = [{ ConsoleSession: [] }];
const signedInErrors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema };
const appParams = z.object({ app_id: consoleIdParam });
const keyParams = z.object({ key_id: consoleIdParam });

/**
 * The customer console's JSON API. Handlers are a schema and one service call; the session, CSRF and role checks run
 * before them (http/console-session.ts). Dependencies are read when a request comes, not at registration, so that the
 * OpenAPI document can be rendered without services.
 */
export async function registerConsoleRoutes(scope: FastifyInstance, deps: Deps): Promise<void> {
  await scope.register(fastifyCookie);
  await scope.register(async (open) => {
    open.addHook('preValidation', rejectUnparsedBody);
    registerSignIn(open, deps);
    registerAccountMailOpenRoutes(open, deps);
  });
  await scope.register(async (signedIn) => {
    requireConsoleSession(signedIn, deps, { customersOnly: false });
    registerSessions(signedIn, deps);
  });
  await scope.register(async (customer) => {
    requireConsoleSession(customer, deps, { customersOnly: true });
    registerOrganization(customer, deps);
    registerAccountMailCustomerRoutes(customer, deps);
    await customer.register(async (standing) => {
      // A suspended or terminated organisation can still look, but not create or change apps and keys.
      standing.addHook('preHandler', async (request) => {
        if (request.method === 'GET') return;
        const org = await deps.console.organizations.get(customerOf(request).orgId);
        if (org.status !== 'active') throw new DomainError('org.suspended');
      });
      registerApps(standing, deps);
      registerKeys(standing, deps);
      registerConsoleWebhookRoutes(standing, deps);
    });
    registerWallet(customer, deps);
    registerConsoleWalletRoutes(customer, deps);
    registerConsoleNoticeRoutes(customer, deps);
    registerConsoleCertificationRoutes(customer, deps);
    registerUsage(customer, deps);
  });
}

function registerSignIn(scope: FastifyInstance, deps: Deps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/console/api/register',
    {
      schema: {
        summary: 'Register an organisation and its owner (the organisation starts uncertified)',
        description:
          'Registrations are limited per client address and hour (429 account.registration_rate_limited, with ' +
          'Retry-After). The verification mail goes to the address given, at most five a day to one address ' +
          'across all accounts: past that the registration still succeeds, and the user can ask for the mail later.',
        tags,
        body: consoleRegisterRequestSchema,
        response: {
          201: consoleRegistrationSchema,
          400: errorResponseSchema,
          409: errorResponseSchema,
          429: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const { body } = request;
      await deps.console.registrationThrottle.check(request.ip);
      const { org, owner } = await deps.console.users.registerOrganisationOwner({
        orgName: body.org_name,
        username: body.username,
        email: body.email,
        mobile: body.mobile,
        password: body.password,
      });
      // The verification mail goes out (or into the outbox) at once; a failed SMTP send is recorded there, not thrown.
      await deps.console.accountMail.emailVerification.send(owner);
      return reply.status(201).send({ org_id: org.id, user_id: owner.id, username: owner.username });
    },
  );

  app.post(
    '/console/api/session',
    {
      schema: {
        summary: 'Sign in: sets the visage_session cookie and returns the CSRF token',
        description:
          'While the organisation is frozen after a compromised-account report, a correct password is answered with 403 org.frozen (not counted as a failed attempt) until the operator resolves the report; a password reset stays possible.',
        tags,
        body: consoleLoginRequestSchema,
        response: {
          200: consoleLoginResponseSchema,
          400: errorResponseSchema,
          401: errorResponseSchema,
          403: errorResponseSchema,
          429: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const { token, csrfToken, session, user } = await deps.console.signInThrottle.attempt(username, request.ip, () =>
        deps.console.sessions.login(username, password, { ip: request.ip, userAgent: userAgentOf(request) }),
      );
      setSessionCookie(reply, token, { expiresAt: session.expiresAt, secure: deps.console.secureCookies });
      return { csrf_token: csrfToken, user: userView(user), expires_at: session.expiresAt };
    },
  );
}

function registerSessions(scope: FastifyInstance, deps: Deps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/console/api/session',
    {
      schema: {
        summary: 'The signed-in user, when the session expires, and its CSRF token',
        tags,
        security,
        response: { 200: consoleSessionSchema, ...signedInErrors },
      },
    },
    async (request) => {
      const { user, session } = signedInOf(request);
      // The SPA keeps the CSRF token in memory only: after a reload it asks again (a cross-site page cannot read this).
      return { user: userView(user), expires_at: session.expiresAt, csrf_token: session.csrfToken };
    },
  );

  app.delete(
    '/console/api/session',
    {
      schema: {
        summary: 'Sign out of this session',
        tags,
        security,
        response: { 204: z.null().describe('Signed out; the cookie is cleared.'), ...signedInErrors },
      },
    },
    async (request, reply) => {
      await deps.console.sessions.logout(signedInOf(request).token);
      clearSessionCookie(reply, { secure: deps.console.secureCookies });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/console/api/sessions',
    {
      schema: {
        summary: 'The user’s sessions that are still valid, newest first',
        tags,
        security,
        response: { 200: consoleSessionListSchema, ...signedInErrors },
      },
    },
    async (request) => {
      const { user, session } = signedInOf(request);
      const sessions = await deps.console.sessions.list(user.id);
      return { sessions: sessions.map((each) => sessionView(each, session)) };
    },
  );

  app.delete(
    '/console/api/sessions',
    {
      schema: {
        summary: 'Sign out everywhere: every session of the user, this one included',
        tags,
        security,
        response: { 200: consoleSignOutEverywhereSchema, ...signedInErrors },
      },
    },
    async (request, reply) => {
      const { user } = signedInOf(request);
      const revoked = await deps.console.sessions.logoutAll(user.id, actorOf(user));
      clearSessionCookie(reply, { secure: deps.console.secureCookies });
      return { revoked };
    },
  );
}

function registerOrganization(scope: FastifyInstance, deps: Deps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/console/api/organization',
    {
      schema: {
        summary: 'The signed-in user’s organisation',
        tags,
        security,
        response: { 200: consoleOrganizationSchema, ...signedInErrors },
      },
    },
    async (request) => organizationView(await deps.console.organizations.get(customerOf(request).orgId)),
  );

  app.get(
    '/console/api/agreement',
    {
      schema: {
        summary: 'The service agreement and DPA in force, the upcoming versions, and which the organisation accepted',
        tags,
        security,
        response: { 200: consoleAgreementSchema, ...signedInErrors },
      },
    },
    async (request) => agreementStatusView(await deps.console.agreement.statusOf(customerOf(request).orgId)),
  );

  app.post(
    '/console/api/agreement/acceptance',
    {
      schema: {
        summary: 'Accept the agreement version in force or an upcoming one, on behalf of the organisation',
        description:
          'The acceptance records the user, the time, the request’s IP address and the hashes of the texts. An upcoming version can be accepted in advance: from its effective date, live keys of organisations that have not accepted it are refused (sandbox keys keep working). Accepting a version again changes nothing.',
        tags,
        security,
        body: agreementAcceptanceRequestSchema,
        response: { 200: agreementAcceptanceSchema, ...signedInErrors, 409: errorResponseSchema },
      },
    },
    async (request) => {
      const { user, orgId } = customerOf(request);
      const accepted = await deps.console.agreement.accept({
        orgId,
        userId: user.id,
        version: request.body.version,
        ip: request.ip,
      });
      return { version: accepted.version, accepted_at: accepted.acceptedAt };
    },
  );
}

function registerApps(scope: FastifyInstance, deps: Deps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const notFound = { 404: errorResponseSchema };

  app.get(
    '/console/api/apps',
    {
      schema: {
        summary: 'The organisation’s apps',
        tags,
        security,
        response: { 200: consoleAppListSchema, ...signedInErrors },
      },
    },
    async (request) => ({ apps: (await deps.console.apps.list(customerOf(request).orgId)).map(appView) }),
  );

  app.post(
    '/console/api/apps',
    {
      schema: {
        summary: 'Create an app',
        tags,
        security,
        body: appCreateRequestSchema,
        response: { 201: consoleAppSchema, ...signedInErrors },
      },
    },
    async (request, reply) => {
      const { orgId, actor } = customerOf(request);
      const { name, description, domains } = request.body;
      const created = await deps.console.apps.create({
        orgId,
        name,
        ...(description === undefined ? {} : { description }),
        ...(domains === undefined ? {} : { domains }),
        actor,
      });
      return reply.status(201).send(appView(created));
    },
  );

  app.get(
    '/console/api/apps/:app_id',
    {
      schema: {
        summary: 'One app',
        tags,
        security,
        params: appParams,
        response: { 200: consoleAppSchema, ...signedInErrors, ...notFound },
      },
    },
    async (request) => appView(await deps.console.apps.get(customerOf(request).orgId, request.params.app_id)),
  );

  app.patch(
    '/console/api/apps/:app_id',
    {
      schema: {
        summary: 'Change an app’s settings',
        tags,
        security,
        params: appParams,
        body: appUpdateRequestSchema,
        response: { 200: consoleAppUpdatedSchema, ...signedInErrors, ...notFound, 422: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const { orgId, actor } = customerOf(request);
      const { body } = request;
      const changes = {
        name: body.name,
        description: body.description,
        domains: body.domains,
        decisionFar: body.decision_far,
        imageRetentionSeconds: body.image_retention_seconds,
        resultRetentionSeconds: body.result_retention_seconds,
        allowMultipleFaces: body.allow_multiple_faces,
        webhookUrl: body.webhook_url,
      };
      const updated = await deps.console.apps.update(orgId, request.params.app_id, changes, actor);
      const issued = updated.issuedWebhookSecret;
      // The app's first signing secret, when this change set its webhook URL: shown here once, never cached.
      if (issued) reply.header('cache-control', 'no-store');
      return issued
        ? {
            ...appView(updated),
            webhook_secret: {
              id: issued.id,
              secret: issued.secret,
              created_at: issued.createdAt,
              previous_expires_at: null,
            },
          }
        : appView(updated);
    },
  );
}

function registerKeys(scope: FastifyInstance, deps: Deps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const notFound = { 404: errorResponseSchema };
  const notActive = { 409: errorResponseSchema };

  app.get(
    '/console/api/apps/:app_id/keys',
    {
      schema: {
        summary: 'The app’s API keys, revoked ones included (never their secrets)',
        tags,
        security,
        params: appParams,
        response: { 200: apiKeyListSchema, ...signedInErrors, ...notFound },
      },
    },
    async (request) => {
      const keys = await deps.console.keys.list(customerOf(request).orgId, request.params.app_id);
      return { keys: keys.map(keyView) };
    },
  );

  app.post(
    '/console/api/apps/:app_id/keys',
    {
      schema: {
        summary: 'Create an API key; its secret is in this response only',
        tags,
        security,
        params: appParams,
        body: apiKeyCreateRequestSchema,
        response: { 201: issuedApiKeySchema, ...signedInErrors, ...notFound },
      },
    },
    async (request, reply) => {
      const { orgId, actor } = customerOf(request);
      const issued = await deps.console.keys.create({
        orgId,
        appId: request.params.app_id,
        mode: request.body.mode,
        actor,
      });
      return reply.status(201).send(issuedKeyView(issued));
    },
  );

  app.post(
    '/console/api/keys/:key_id/rotation',
    {
      schema: {
        summary: 'Rotate a key: a new key and secret; the old key keeps working until its expires_at',
        tags,
        security,
        params: keyParams,
        response: { 201: rotatedApiKeySchema, ...signedInErrors, ...notFound, ...notActive },
      },
    },
    async (request, reply) => {
      const { orgId, actor } = customerOf(request);
      const rotated = await deps.console.keys
        .rotate({ orgId, keyId: request.params.key_id, graceSeconds: deps.console.keyRotationGraceSeconds, actor })
        .catch(asKeyNotActive);
      return reply.status(201).send({
        ...issuedKeyView(rotated),
        replaced: { key_id: rotated.replaced.id, expires_at: rotated.replaced.expiresAt },
      });
    },
  );

  app.delete(
    '/console/api/keys/:key_id',
    {
      schema: {
        summary: 'Revoke a key at once (revoking a revoked key changes nothing)',
        tags,
        security,
        params: keyParams,
        response: { 200: apiKeySchema, ...signedInErrors, ...notFound },
      },
    },
    async (request) => {
      const { orgId, actor } = customerOf(request);
      return keyView(await deps.console.keys.revoke({ orgId, keyId: request.params.key_id, actor }));
    },
  );

  app.put(
    '/console/api/keys/:key_id/ip-allowlist',
    {
      schema: {
        summary: 'Replace the addresses a key may be used from',
        tags,
        security,
        params: keyParams,
        body: ipAllowlistRequestSchema,
        response: { 200: apiKeySchema, ...signedInErrors, ...notFound, ...notActive },
      },
    },
    async (request) => {
      const { orgId, actor } = customerOf(request);
      const key = await deps.console.keys
        .setIpAllowlist({ orgId, keyId: request.params.key_id, cidrs: request.body.cidrs, actor })
        .catch(asKeyNotActive);
      return keyView(key);
    },
  );
}

function registerWallet(scope: FastifyInstance, deps: Deps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/console/api/wallet',
    {
      schema: {
        summary: 'The wallet’s balances, in fen',
        tags,
        security,
        response: { 200: walletBalancesSchema, ...signedInErrors },
      },
    },
    async (request) => ({ ...(await deps.console.wallet.balances(customerOf(request).orgId)) }),
  );

  app.get(
    '/console/api/wallet/statement',
    {
      schema: {
        summary: 'The wallet statement of one month: opening and closing balances and every transaction',
        tags,
        security,
        querystring: walletStatementQuerySchema,
        response: { 200: walletStatementSchema, ...signedInErrors },
      },
    },
    async (request) =>
      statementView(await deps.console.wallet.statement(customerOf(request).orgId, request.query.period)),
  );

  app.get(
    '/console/api/prices',
    {
      schema: {
        summary: 'The price of each product now, and the changes to come',
        tags,
        security,
        response: { 200: priceListSchema, ...signedInErrors },
      },
    },
    async () => ({ prices: (await deps.console.pricing.list()).map(priceScheduleView) }),
  );
}

function registerUsage(scope: FastifyInstance, deps: Deps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/console/api/usage',
    {
      schema: {
        summary: 'Calls per UTC day and product: billed calls, amount and the count of each result code',
        tags,
        security,
        querystring: usageQuerySchema,
        response: { 200: usageReportSchema, ...signedInErrors },
      },
    },
    async (request) => {
      const { from, to, app_id: appId } = request.query;
      const days = await deps.console.usage.daily(customerOf(request).orgId, { from, to, appId });
      return { days: days.map(dailyUsageView) };
    },
  );

  app.get(
    '/console/api/calls',
    {
      schema: {
        summary: 'The call log, newest first: metadata only, never images, results or subject refs',
        tags,
        security,
        querystring: callLogQuerySchema,
        response: { 200: callLogSchema, ...signedInErrors },
      },
    },
    async (request) => {
      const { query } = request;
      const page = await deps.console.usage.calls(customerOf(request).orgId, {
        appId: query.app_id,
        resultCode: query.result_code,
        bizNo: query.biz_no,
        from: query.from,
        to: query.to,
        limit: query.limit,
        after: query.cursor === undefined ? undefined : positionOf(query.cursor),
      });
      return { calls: page.calls.map(callView), next_cursor: page.next ? cursorOf(page.next) : null };
    },
  );
}

/**
 * keys.rotate and keys.setIpAllowlist refuse a key that no longer works with 'key.revoked', a 401 meant for signed
 * calls; in the console a 401 reads as "signed out", so the console says what it is: a conflict with the key's state.
 */
function asKeyNotActive(error: unknown): never {
  if (error instanceof DomainError && error.code === 'key.revoked') {
    throw new DomainError('key.not_active', error.details);
  }
  throw error;
}
