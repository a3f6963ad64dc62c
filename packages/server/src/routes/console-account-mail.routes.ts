import {
  emailVerificationConfirmedSchema,
  emailVerificationConfirmRequestSchema,
  emailVerificationSentSchema,
  errorResponseSchema,
  mailModeSchema,
  passwordResetAcceptedSchema,
  passwordResetConfirmRequestSchema,
  passwordResetDoneSchema,
  passwordResetRequestSchema,
} from '@visage/contracts';
import type { EmailVerification, PasswordReset } from '@visage/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { customerOf } from '../http/console-session.js';
import type { MailRequestThrottle } from '../http/mail-request-throttle.js';
import type { BackgroundWork } from '../background-work.js';

/** Email verification, password reset and the mail mode: ConsoleDependencies['accountMail']. */
export interface AccountMailDependencies {
  readonly emailVerification: Pick<EmailVerification, 'send' | 'resend' | 'confirm'>;
  readonly passwordReset: Pick<PasswordReset, 'request' | 'confirm'>;
  /** Whether mails leave the server (VISAGE_SMTP_URL) or only reach the operator's outbox. */
  readonly smtp: boolean;
  readonly resetThrottle: MailRequestThrottle;
  /** Where the reset request's work runs once the answer is out. */
  readonly afterReply: Pick<BackgroundWork, 'run'>;
}

type Deps = { readonly console: { readonly accountMail: AccountMailDependencies } };

const tags = ['console'];
const security = [{ ConsoleSession: [] }];

/** The same words whether or not an account matched: the answer must not tell which usernames or addresses exist. */
const resetAcceptedMessage =
  'If an account with that username or email exists, a password-reset link has been sent to its email address.';

/** Routes that need no session: the mail mode, opening a verification link, and the whole password reset. */
export function registerAccountMailOpenRoutes(scope: FastifyInstance, deps: Deps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/console/api/mail-mode',
    {
      schema: {
        summary: 'Whether mails are sent (SMTP configured) or only kept in the operator’s outbox',
        tags,
        response: { 200: mailModeSchema },
      },
    },
    async () => ({ smtp: deps.console.accountMail.smtp }),
  );

  app.post(
    '/console/api/email-verification/confirm',
    {
      schema: {
        summary: 'Open an email-verification link: marks the address it was sent to verified (the link works once)',
        tags,
        body: emailVerificationConfirmRequestSchema,
        response: { 200: emailVerificationConfirmedSchema, 400: errorResponseSchema },
      },
    },
    async (request) => {
      const user = await deps.console.accountMail.emailVerification.confirm(request.body.token);
      return { username: user.username, email: user.email, email_verified_at: user.emailVerifiedAt };
    },
  );

  app.post(
    '/console/api/password-reset',
    {
      schema: {
        summary: 'Ask for a password-reset link by username or email; the answer is the same whether or not it exists',
        description:
          'The link (valid 1 hour, once) goes to the account’s email address. Requests are limited per username or ' +
          'address and per client (account.mail_rate_limited), and per account silently. The answer is sent ' +
          'before any account is looked up, so its timing does not tell whether one exists.',
        tags,
        body: passwordResetRequestSchema,
        response: { 202: passwordResetAcceptedSchema, 400: errorResponseSchema, 429: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const { username_or_email: identifier } = request.body;
      const { accountMail } = deps.console;
      await accountMail.resetThrottle.check(identifier, request.ip);
      // Looking the account up, storing a token, queueing the mail and auditing take time only when it exists: all
      // of it runs after the answer, which is therefore the same, and as quick, in every case.
      const { ip } = request;
      accountMail.afterReply.run('password reset request', () => accountMail.passwordReset.request(identifier, { ip }));
      return reply.status(202).send({ accepted: true as const, message: resetAcceptedMessage });
    },
  );

  app.post(
    '/console/api/password-reset/confirm',
    {
      schema: {
        summary: 'Set a new password with the token of a reset link; signs the account out of every session',
        tags,
        body: passwordResetConfirmRequestSchema,
        response: { 200: passwordResetDoneSchema, 400: errorResponseSchema },
      },
    },
    async (request) => {
      const { token, password } = request.body;
      const done = await deps.console.accountMail.passwordReset.confirm(token, password);
      return { username: done.username, sessions_revoked: done.sessionsRevoked };
    },
  );
}

/** Routes of the signed-in customer (session and CSRF checked by the scope). */
export function registerAccountMailCustomerRoutes(scope: FastifyInstance, deps: Deps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/console/api/email-verification',
    {
      schema: {
        summary: 'Send another verification mail to the signed-in user’s address',
        description: 'At most one a minute and five an hour (account.mail_rate_limited, with Retry-After).',
        tags,
        security,
        response: {
          202: emailVerificationSentSchema,
          400: errorResponseSchema,
          401: errorResponseSchema,
          403: errorResponseSchema,
          409: errorResponseSchema,
          429: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const sent = await deps.console.accountMail.emailVerification.resend(customerOf(request).user.id);
      return reply.status(202).send({ sent_to: sent.sentTo, expires_at: sent.expiresAt });
    },
  );
}
