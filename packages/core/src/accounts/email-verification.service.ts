import type { AuditLog } from '../audit/audit-log.service.js';
import { DomainError } from '../domain-error.js';
import type { Clock, Crypto, Mailer } from '../ports.js';
import { accountTokens, sameAddress, type MailLimits } from './account-token.js';
import type { AccountTokenRepository } from './account-tokens.ports.js';
import type { User, UserRepository } from './accounts.ports.js';
import { actorOf, withoutPassword } from './users.service.js';

export const emailVerificationTtlSeconds = 24 * 3600;
/** A resend at most once a minute and five times an hour: enough for a lost mail, useless for mail-bombing. */
export const defaultVerificationMailLimits: MailLimits = { minIntervalSeconds: 60, perHour: 5 };
/**
 * Verification mails on registration to one address, across all accounts, per rolling day: registering many
 * accounts (from many places) with someone else's address cannot flood that mailbox.
 */
export const defaultVerificationMailsPerAddressPerDay = 5;

export const emailVerificationPurpose = 'email_verification';

export interface VerificationMailSent {
  readonly sentTo: string;
  readonly expiresAt: string;
}

/**
 * Email verification: a mail with a single-use link (24 hours) on registration and on request; opening the link
 * marks the address verified. Tokens are stored hashed.
 */
export function createEmailVerification(ports: {
  users: Pick<UserRepository, 'find' | 'markEmailVerified'>;
  tokens: AccountTokenRepository;
  mailer: Mailer;
  clock: Clock;
  crypto: Pick<Crypto, 'sha256Hex' | 'randomToken'>;
  audit: Pick<AuditLog, 'record'>;
  /** Where the console is reached, without a trailing slash: the links in mails start with it. */
  publicUrl: string;
  limits?: MailLimits;
  mailsPerAddressPerDay?: number;
}) {
  const { users, mailer, clock, audit, publicUrl } = ports;
  const limits = ports.limits ?? defaultVerificationMailLimits;
  const perAddressPerDay = ports.mailsPerAddressPerDay ?? defaultVerificationMailsPerAddressPerDay;
  const tokens = accountTokens(ports);

  /** Undefined when a limit refused the mail (nothing was stored or sent). */
  async function mailTo(
    user: User & { email: string },
    issueLimits: Parameters<typeof tokens.issue>[4],
  ): Promise<VerificationMailSent | undefined> {
    const issued = await tokens.issue(user, user.email, 'email_verification', emailVerificationTtlSeconds, issueLimits);
    if (!issued) return undefined;
    const { token, record } = issued;
    const link = `${publicUrl}/console/verify-email?token=${token}`;
    await mailer.send({
      to: user.email,
      purpose: emailVerificationPurpose,
      subject: 'Visage：验证您的邮箱 / Verify your email address',
      text: [
        `您好 ${user.username}：`,
        '',
        '请在 24 小时内打开以下链接，验证您的邮箱地址：',
        link,
        '',
        '如果您没有注册 Visage 账户，请忽略本邮件。',
        '',
        '---',
        '',
        `Hello ${user.username},`,
        '',
        'Open this link within 24 hours to verify your email address:',
        link,
        '',
        'If you did not register a Visage account, ignore this mail.',
        '',
      ].join('\n'),
    });
    return { sentTo: user.email, expiresAt: record.expiresAt };
  }

  return {
    /**
     * Mails a verification link to a user who has an unverified address (on registration); undefined otherwise, and
     * when the address has had its verification mails for the day (the user can ask for one later with `resend`).
     */
    async send(user: User): Promise<VerificationMailSent | undefined> {
      if (user.email === null || user.emailVerifiedAt !== null) return undefined;
      return mailTo({ ...user, email: user.email }, { perAddressPerDay });
    },

    /** The signed-in user asks for another mail: 'account.mail_rate_limited' when they asked too often. */
    async resend(userId: string): Promise<VerificationMailSent> {
      const stored = await users.find(userId);
      if (!stored || stored.disabledAt !== null) throw new DomainError('auth.required');
      const user = withoutPassword(stored);
      if (user.email === null) {
        throw new DomainError('request.invalid', { issues: [{ path: 'email', message: 'the account has no email' }] });
      }
      if (user.emailVerifiedAt !== null) throw new DomainError('account.email_already_verified');
      const wait = await tokens.waitBeforeNext(user.id, 'email_verification', limits);
      if (wait > 0) throw new DomainError('account.mail_rate_limited', { retry_after_seconds: wait });
      const sent = await mailTo({ ...user, email: user.email }, { perUser: limits });
      // A concurrent resend took the last room under the limit between the check above and the insert.
      if (!sent) {
        const retryAfter = await tokens.waitBeforeNext(user.id, 'email_verification', limits);
        throw new DomainError('account.mail_rate_limited', { retry_after_seconds: Math.max(1, retryAfter) });
      }
      return sent;
    },

    /** Opens a link: marks the address it was sent to verified, once. */
    async confirm(token: string): Promise<User & { email: string; emailVerifiedAt: string }> {
      const record = await tokens.check(token, 'email_verification');
      const user = await users.find(record.userId);
      // A link for an address the user no longer has proves nothing about the current one.
      if (!user || user.disabledAt !== null || !sameAddress(user.email, record.email)) {
        throw new DomainError('account.token_invalid');
      }
      await tokens.consume(record);
      const email = user.email!;
      const at = user.emailVerifiedAt ?? clock.now().toISOString();
      if (user.emailVerifiedAt === null) {
        if (!(await users.markEmailVerified(user.id, email, at))) throw new DomainError('account.token_invalid');
        await audit.record({
          actor: actorOf(user),
          action: 'account.email_verified',
          subject: user.id,
          data: { email },
        });
      }
      return { ...withoutPassword(user), email, emailVerifiedAt: at };
    },
  };
}

export type EmailVerification = ReturnType<typeof createEmailVerification>;
