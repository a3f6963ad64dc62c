import type { AuditLog } from '../audit/audit-log.service.js';
import { DomainError } from '../domain-error.js';
import type { Clock, Crypto, PasswordHasher } from '../ports.js';
import { normalizeUsername } from './account-rules.js';
import type { OrganizationRepository, Session, SessionRepository, User, UserRepository } from './accounts.ports.js';
import { actorOf, withoutPassword } from './users.service.js';

/** What the session list shows: the CSRF token is handed out only to the session itself (sign-in, GET session). */
export type SessionSummary = Omit<Session, 'csrfToken'>;

// Writing last_seen_at on every request would turn each read into a write; a minute's precision is enough.
const touchIntervalMs = 60_000;

export function createSessions(ports: {
  sessions: SessionRepository;
  users: Pick<UserRepository, 'find' | 'findByUsername'>;
  /** Read at sign-in: a customer of a frozen organisation cannot sign in until the operator lifts the freeze. */
  orgs: Pick<OrganizationRepository, 'find'>;
  hasher: PasswordHasher;
  clock: Clock;
  crypto: Pick<Crypto, 'sha256Hex' | 'equalHex' | 'randomToken'>;
  audit: Pick<AuditLog, 'record'>;
  sessionTtlSeconds: number;
}) {
  const { sessions, users, orgs, hasher, clock, crypto, audit, sessionTtlSeconds } = ports;
  let dummyHash: Promise<string> | undefined;
  // Unknown usernames are checked against a real hash too, so that they take as long as a wrong password.
  const hashForUnknownUser = () => (dummyHash ??= hasher.hash(crypto.randomToken(16)));

  return {
    /**
     * Signs a user in. 'auth.invalid_credentials' for an unknown user, a wrong password or a disabled account alike;
     * 'org.frozen' for a customer whose organisation is frozen after a compromised-account report (checked only once
     * the password matched, so it tells nothing to someone without it; its sessions were revoked at the freeze and
     * none is opened until the operator reviews the report).
     */
    async login(
      username: string,
      password: string,
      client: { ip: string | null; userAgent: string | null },
    ): Promise<{ token: string; csrfToken: string; session: Session; user: User }> {
      const user = await users.findByUsername(normalizeUsername(username));
      const passwordMatches = await hasher.verify(user?.passwordHash ?? (await hashForUnknownUser()), password);
      if (!user || !passwordMatches || user.disabledAt !== null) throw new DomainError('auth.invalid_credentials');
      if (user.orgId !== null && (await orgs.find(user.orgId))?.frozenAt) {
        await audit.record({
          actor: actorOf(user),
          action: 'session.login_refused',
          subject: user.id,
          data: { reason: 'org.frozen', ip: client.ip },
        });
        throw new DomainError('org.frozen');
      }

      const token = crypto.randomToken(32);
      const now = clock.now();
      const session: Session = {
        id: crypto.sha256Hex(token),
        userId: user.id,
        csrfToken: crypto.randomToken(32),
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + sessionTtlSeconds * 1000).toISOString(),
        lastSeenAt: now.toISOString(),
        ip: client.ip,
        userAgent: client.userAgent,
        revokedAt: null,
      };
      await sessions.insert(session);
      await audit.record({ actor: actorOf(user), action: 'session.login', subject: user.id, data: { ip: client.ip } });
      return { token, csrfToken: session.csrfToken, session, user: withoutPassword(user) };
    },

    /** The signed-in user behind a session token; 'auth.required' when it is unknown, expired or revoked. */
    async authenticate(token: string): Promise<{ user: User; session: Session }> {
      const session = await sessions.find(crypto.sha256Hex(token));
      const now = clock.now();
      if (!session || session.revokedAt !== null || session.expiresAt <= now.toISOString()) {
        throw new DomainError('auth.required');
      }
      const user = await users.find(session.userId);
      if (!user || user.disabledAt !== null) throw new DomainError('auth.required');
      if (now.getTime() - Date.parse(session.lastSeenAt) >= touchIntervalMs) {
        const lastSeenAt = now.toISOString();
        await sessions.touch(session.id, lastSeenAt);
        return { user: withoutPassword(user), session: { ...session, lastSeenAt } };
      }
      return { user: withoutPassword(user), session };
    },

    checkCsrf(session: Session, token: string | undefined): void {
      // Hashing first gives equal-length inputs, so the comparison time does not depend on the guess.
      if (!token || !crypto.equalHex(crypto.sha256Hex(token), crypto.sha256Hex(session.csrfToken))) {
        throw new DomainError('auth.csrf');
      }
    },

    async logout(token: string): Promise<void> {
      const session = await sessions.find(crypto.sha256Hex(token));
      if (!session || !(await sessions.revoke(session.id, clock.now().toISOString()))) return;
      const user = await users.find(session.userId);
      await audit.record({
        actor: user ? actorOf(user) : `user:${session.userId}`,
        action: 'session.logout',
        subject: session.userId,
      });
    },

    /** Revokes every session of the user (after a password change, or when an operator locks them out). */
    async logoutAll(userId: string, actor: string): Promise<number> {
      const revoked = await sessions.revokeAllOfUser(userId, clock.now().toISOString());
      if (revoked > 0) {
        await audit.record({ actor, action: 'session.logout_all', subject: userId, data: { sessions: revoked } });
      }
      return revoked;
    },

    async list(userId: string): Promise<SessionSummary[]> {
      const active = await sessions.listActive(userId, clock.now().toISOString());
      return active.map(({ csrfToken: _csrfToken, ...summary }) => summary);
    },

    /** Deletes sessions that have expired; returns how many. */
    sweepExpired: (): Promise<number> => sessions.deleteExpired(clock.now().toISOString()),
  };
}

export type Sessions = ReturnType<typeof createSessions>;
