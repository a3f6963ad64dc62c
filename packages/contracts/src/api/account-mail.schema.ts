import { z } from 'zod';

/**
 * Email verification, password reset and the mail outbox: /console/api/email-verification…, /console/api/password-reset…,
 * /console/api/mail-mode and /admin/api/mail-outbox. Tokens arrive by mail as the `token` query parameter of
 * `<public url>/console/verify-email?token=…` and `<public url>/console/reset-password?token=…`.
 */

const isoTime = z.string().describe('ISO-8601 UTC date-time.');
const token = z.string().min(1).max(200).describe('The `token` query parameter of the link in the mail.');

export const mailModeSchema = z
  .object({
    smtp: z
      .boolean()
      .describe(
        'True when the server sends mail through SMTP; false when mails only land in the operator’s outbox, so a ' +
          'user waiting for a link must ask the operator.',
      ),
  })
  .meta({ id: 'MailMode' });

export const emailVerificationSentSchema = z
  .object({
    sent_to: z.string().describe('The address the verification mail went to.'),
    expires_at: isoTime.describe('When the link in the mail stops working (24 hours).'),
  })
  .meta({ id: 'EmailVerificationSent' });

export const emailVerificationConfirmRequestSchema = z.object({ token }).strict().meta({
  id: 'EmailVerificationConfirmRequest',
});

export const emailVerificationConfirmedSchema = z
  .object({
    username: z.string(),
    email: z.string(),
    email_verified_at: isoTime,
  })
  .meta({ id: 'EmailVerificationConfirmed' });

export const passwordResetRequestSchema = z
  .object({
    username_or_email: z.string().min(1).max(254).describe('The username, or the email address of the account.'),
  })
  .strict()
  .meta({ id: 'PasswordResetRequest' });

export const passwordResetAcceptedSchema = z
  .object({
    accepted: z.literal(true),
    message: z
      .string()
      .describe('The same text whether or not an account matched, so that the answer reveals no account.'),
  })
  .meta({ id: 'PasswordResetAccepted' });

export const passwordResetConfirmRequestSchema = z
  .object({
    token,
    password: z.string().max(256).describe('The new password: at least 10 characters, not common, not the username.'),
  })
  .strict()
  .meta({ id: 'PasswordResetConfirmRequest' });

export const passwordResetDoneSchema = z
  .object({
    username: z.string().describe('Sign in with this username and the new password.'),
    sessions_revoked: z.int().describe('How many sessions of the account were signed out.'),
  })
  .meta({ id: 'PasswordResetDone' });

export const mailStatuses = ['outbox', 'sent', 'failed'] as const;

export const mailOutboxQuerySchema = z.object({
  purpose: z
    .string()
    .max(64)
    .optional()
    .describe('Only mails for this purpose (email_verification, password_reset, …).'),
  to: z.string().max(254).optional().describe('Only mails to this address (case-insensitive, exact).'),
  limit: z.coerce.number().int().min(1).max(200).optional().describe('Mails per page, 1-200 (default 50).'),
  cursor: z.string().max(200).optional().describe('next_cursor of the previous page.'),
});

export const mailOutboxSchema = z
  .object({
    mails: z.array(
      z.object({
        id: z.string(),
        to: z.string(),
        subject: z.string(),
        text: z.string().describe('The whole plain-text body, links included.'),
        purpose: z.string(),
        status: z
          .enum(mailStatuses)
          .describe(
            'outbox: kept here only (no SMTP configured); sent: accepted by the SMTP server; failed: see error.',
          ),
        error: z.string().nullable(),
        created_at: isoTime,
        sent_at: isoTime.nullable(),
      }),
    ),
    next_cursor: z.string().nullable(),
  })
  .meta({ id: 'MailOutbox' });
