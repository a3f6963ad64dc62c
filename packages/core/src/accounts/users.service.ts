import type { AuditLog } from '../audit/audit-log.service.js';
import { DomainError } from '../domain-error.js';
import { rejectIssues } from '../invalid-request.js';
import type { Clock, Crypto, PasswordHasher } from '../ports.js';
import { accountFieldIssues, isWeakPassword, normalizeUsername } from './account-rules.js';
import type { Organization, User, UserCredentials, UserRepository } from './accounts.ports.js';
import { isOperatorRole, type OperatorRole } from './operator-roles.js';

export interface OwnerRegistration {
  readonly orgName: string;
  readonly username: string;
  readonly email: string;
  readonly mobile: string;
  readonly password: string;
}

export interface OperatorRequest {
  readonly username: string;
  /** Generated (and returned once) when absent. */
  readonly password?: string;
  readonly email?: string;
  /** Default 'admin'. */
  readonly role?: OperatorRole;
  readonly actor: string;
}

/** The audit actor string for what a user does. */
export function actorOf(user: Pick<User, 'id' | 'orgId' | 'username'>): string {
  return user.orgId === null ? `operator:${user.username}` : `user:${user.id}`;
}

export function withoutPassword({ passwordHash: _passwordHash, ...user }: UserCredentials): User {
  return user;
}

export function createUsers(ports: {
  users: UserRepository;
  hasher: PasswordHasher;
  clock: Clock;
  crypto: Pick<Crypto, 'randomId' | 'randomToken'>;
  audit: Pick<AuditLog, 'record'>;
}) {
  const { users, hasher, clock, crypto, audit } = ports;

  async function credentials(
    fields: Pick<User, 'orgId' | 'username' | 'email' | 'mobile' | 'role'>,
    password: string,
  ): Promise<UserCredentials> {
    if (isWeakPassword(password, fields.username)) throw new DomainError('account.weak_password');
    return {
      ...fields,
      id: crypto.randomId('usr'),
      createdAt: clock.now().toISOString(),
      disabledAt: null,
      emailVerifiedAt: null,
      passwordHash: await hasher.hash(password),
    };
  }

  return {
    /** Creates the organisation (registered, not yet certified) and its owner together, or neither. */
    async registerOrganisationOwner(input: OwnerRegistration): Promise<{ org: Organization; owner: User }> {
      const username = normalizeUsername(input.username);
      const [orgName, email, mobile] = [input.orgName.trim(), input.email.trim(), input.mobile.trim()];
      rejectIssues(accountFieldIssues({ orgName, username, email, mobile, password: input.password }));
      const orgId = crypto.randomId('org');
      const owner = await credentials({ orgId, username, email, mobile, role: 'owner' }, input.password);
      const org: Organization = {
        id: orgId,
        name: orgName,
        certification: 'registered',
        status: 'active',
        createdAt: owner.createdAt,
        updatedAt: owner.createdAt,
      };
      if (!(await users.insertWithOrganization(org, owner))) throw new DomainError('account.username_taken');
      await audit.record({
        actor: actorOf(owner),
        action: 'org.register',
        subject: org.id,
        data: { name: org.name, owner_id: owner.id, username },
      });
      return { org, owner: withoutPassword(owner) };
    },

    async createOperator(input: OperatorRequest): Promise<{ user: User; generatedPassword?: string }> {
      const username = normalizeUsername(input.username);
      const email = input.email?.trim();
      rejectIssues(accountFieldIssues({ username, email, password: input.password }));
      const role = input.role ?? 'admin';
      if (!isOperatorRole(role)) rejectIssues([{ path: 'role', message: 'must be an operator role' }]);
      const password = input.password ?? crypto.randomToken(18);
      const user = await credentials({ orgId: null, username, email: email ?? null, mobile: null, role }, password);
      if (!(await users.insert(user))) throw new DomainError('account.username_taken');
      await audit.record({ actor: input.actor, action: 'operator.create', subject: user.id, data: { username, role } });
      return { user: withoutPassword(user), ...(input.password === undefined ? { generatedPassword: password } : {}) };
    },
  };
}

export type Users = ReturnType<typeof createUsers>;
