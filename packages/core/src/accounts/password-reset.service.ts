import type { AuditLog } from '../audit/audit-log.service.js';
import { DomainError } from '../domain-error.js';
import { rejectIssues } from '../invalid-request.js';
import type { Clock, Crypto, Mailer, PasswordHasher } from '../ports.js';
import { accountFieldIssues, isWeakPassword, normalizeUsername } from './account-rules.js';
import { accountTokens, sameAddress, type MailLimits } from './account-token.js';
import type { AccountTokenRepository } from './account-tokens.ports.js';
import type { SessionRepository, UserCredentials, UserRepository } from './accounts.ports.js';
import { actorOf } from './users.service.js';

export const passwordResetTtlSeconds = 3600;
/** At most one reset mail a minute and three an hour per account, whoever asks. */
export const defaultResetMailLimits: MailLimits = { minIntervalSeconds: 60, perHour: 3 };
/** Accounts sharing one email address that one request mails at most. */
const maxAccountsPerEmail = 5;

export const passwordResetPurpose = 'password_reset';

/**
 * Password reset by mailed link (1 hour, single use). Asking says nothing about whether the account exists: the
 * caller gets the same answer either way, and mails beyond the limits are silently not sent. Customers only:
 * operators reset their passwords with `visage admin`.
 */
export function createPasswordReset(ports: {
  users: Pick<UserRepository, 'find' | 'findByUsername' | 'findByEmail' | 'setPasswordHash' | 'markEmailVerified'>;
  sessions: Pick<SessionRepository, 'revokeAllOfUser'>;
  tokens: AccountTokenRepository;
  mailer: Mailer;
  hasher: PasswordHasher;
  clock: Clock;
  crypto: Pick<Crypto, 'sha256Hex' | 'randomToken'>;
  audit: Pick<AuditLog, 'record'>;
  /** Where the console is reached, without a trailing slash: the links in mails start with it. */
  publicUrl: string;
  limits?: MailLimits;
}) {
  const { users, sessions, tokens: tokenRepo, mailer, hasher, clock, audit, publicUrl } = ports;
  const limits = ports.limits ?? defaultResetMailLimits;
  const tokens = accountTokens(ports);

  async function accountsNamed(identifier: string): Promise<UserCredentials[]> {
    const text = identifier.trim();
    if (text === '') return [];
    if (text.includes('@')) return users.findByEmail(text, maxAccountsPerEmail);
    const user = await users.findByUsername(normalizeUsername(text));
    return user ? [user] : [];
  }

  async function mailTo(user: UserCredentials & { email: string }, ip: string | null): Promise<void> {
    // Checked and stored in one step: concurrent requests cannot send more than the limits allow.
    const issued = await tokens.issue(user, user.email, 'password_reset', passwordResetTtlSeconds, { perUser: limits });
    if (!issued) return;
    const { token } = issued;
    const link = `${publicUrl}/console/reset-password?token=${token}`;
    await mailer.send({
      to: user.email,
      purpose: passwordResetPurpose,
      subject: 'Visage：重置密码 / Reset your password',
      text: [
        `您好 ${user.username}：`,
        '',
        '有人请求重置您 Visage 账户的密码。请在 1 小时内打开以下链接设置新密码：',
        link,
        '',
        '设置新密码后，该账户的所有登录会话都将退出。如果不是您本人的请求，请忽略本邮件，密码不会改变。',
        '',
        '---',
        '',
        `Hello ${user.username},`,
        '',
        'Someone asked to reset the password of your Visage account. Open this link within 1 hour to choose a new one:',
        link,
        '',
        'Setting a new password signs the account out everywhere. If you did not ask, ignore this mail: the password ' +
          'stays as it is.',
        '',
      ].join('\n'),
    });
    await audit.record({
      actor: actorOf(user),
      action: 'account.password_reset_requested',
      subject: user.id,
      data: { ip },
    });
  }

  return {
    /** Mails a reset link to the account(s) with this username or email, if any; answers the same in every case. */
    async request(identifier: string, client: { ip: string | null }): Promise<void> {
      for (const user of await accountsNamed(identifier)) {
        if (user.orgId === null || user.disabledAt !== null || user.email === null) continue;
        if ((await tokens.waitBeforeNext(user.id, 'password_reset', limits)) > 0) continue;
        await mailTo({ ...user, email: user.email }, client.ip);
      }
    },

    /**
     * Sets the new password (the registration's rules apply), uses the token and every other reset token of the
     * user up, and signs the user out everywhere. A weak password leaves the token usable for a better one.
     */
    async confirm(token: string, password: string): Promise<{ username: string; sessionsRevoked: number }> {
      const record = await tokens.check(token, 'password_reset');
      const user = await users.find(record.userId);
      if (!user || user.orgId === null || user.disabledAt !== null) throw new DomainError('account.token_invalid');
      rejectIssues(accountFieldIssues({ password }));
      if (isWeakPassword(password, user.username)) throw new DomainError('account.weak_password');
      const passwordHash = await hasher.hash(password);
      await tokens.consume(record);
      const now = clock.now().toISOString();
      await users.setPasswordHash(user.id, passwordHash);
      await tokenRepo.consumeAllOfUser(user.id, 'password_reset', now);
      const sessionsRevoked = await sessions.revokeAllOfUser(user.id, now);
      // The link reached the user's mailbox: that proves the address as well as a verification link would.
      if (user.emailVerifiedAt === null && sameAddress(user.email, record.email)) {
        await users.markEmailVerified(user.id, user.email!, now);
      }
      await audit.record({
        actor: actorOf(user),
        action: 'account.password_reset',
        subject: user.id,
        data: { sessions_revoked: sessionsRevoked },
      });
      return { username: user.username, sessionsRevoked };
    },
  };
}

export type PasswordReset = ReturnType<typeof createPasswordReset>;
