import { mailOutboxQuerySchema, mailOutboxSchema } from '@visage/contracts';
import { DomainError, type MailOutbox, type MailPosition, type OutboxMail } from '@visage/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { allow, operatorOf } from '../http/operator-session.js';
import { adminErrors, adminSecurity as security, adminTags as tags } from './admin-route-schema.js';

export interface MailAdminDependencies {
  readonly mailOutbox: Pick<MailOutbox, 'readAsOperator'>;
}

export function registerAdminMailRoutes(scope: FastifyInstance, deps: { readonly admin: MailAdminDependencies }): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/admin/api/mail-outbox',
    {
      preHandler: allow('mail.read'),
      schema: {
        summary: 'The mail outbox, newest first: every mail the platform sent or kept, with its outcome',
        description:
          'Without SMTP (VISAGE_SMTP_URL unset) this is the only place mails go: an operator can read a user’s ' +
          'verification or password-reset link here and pass it on, so those mails (status outbox, or failed) are ' +
          'shown in full. Mails that SMTP delivered (status sent) reached their owner: their links’ tokens are ' +
          'shown as token=[redacted], so that reading the outbox cannot be used to take over an account. Every ' +
          'read is audited (action mail.outbox.read: the operator, the filters and how many mails were shown).',
        tags,
        security,
        querystring: mailOutboxQuerySchema,
        response: { 200: mailOutboxSchema, ...adminErrors },
      },
    },
    async (request) => {
      const { purpose, to, limit, cursor } = request.query;
      const after = cursor === undefined ? undefined : mailPositionOf(cursor);
      const page = await deps.admin.mailOutbox.readAsOperator({ purpose, to, limit, after }, operatorOf(request).actor);
      return { mails: page.mails.map(mailView), next_cursor: page.next ? mailCursorOf(page.next) : null };
    },
  );
}

const mailView = (mail: OutboxMail) => ({
  id: mail.id,
  to: mail.to,
  subject: mail.subject,
  text: mail.text,
  purpose: mail.purpose,
  status: mail.status,
  error: mail.error,
  created_at: mail.createdAt,
  sent_at: mail.sentAt,
});

/** The outbox's page cursor: opaque to clients, so that its form can change. */
const mailCursorOf = (position: MailPosition): string =>
  Buffer.from(`${position.createdAt}|${position.id}`).toString('base64url');

function mailPositionOf(cursor: string): MailPosition {
  const [createdAt = '', id = '', ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(createdAt) || !/^[\w-]{1,64}$/.test(id)) {
    throw new DomainError('request.invalid', { issues: [{ path: 'cursor', message: 'is not a cursor of this list' }] });
  }
  return { createdAt, id };
}
