import type { OperatorRole } from './operator-roles.js';

/** The accounts context's domain types and the storage it needs. Times are ISO-8601 UTC strings. */

export const certifications = ['registered', 'pending', 'certified', 'rejected'] as const;
export type Certification = (typeof certifications)[number];

export const organizationStatuses = ['active', 'suspended', 'terminated'] as const;
export type OrganizationStatus = (typeof organizationStatuses)[number];

/** What the API shows: the certification while active, otherwise the status. */
export type OrganizationState = Certification | Exclude<OrganizationStatus, 'active'>;

export interface Organization {
  readonly id: string;
  readonly name: string;
  readonly certification: Certification;
  readonly status: OrganizationStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Set while a compromised-account report freezes the organisation (live keys refused); absent or null otherwise. */
  readonly frozenAt?: string | null;
}

export type OrganizationStanding = Pick<Organization, 'certification' | 'status'>;

export interface OrganizationRepository {
  insert(org: Organization): Promise<void>;
  find(id: string): Promise<Organization | undefined>;
  /** Oldest first. */
  list(): Promise<Organization[]>;
  /** Applies `next` only while the stored standing still equals `expected`; false when it changed meanwhile. */
  updateStanding(
    id: string,
    expected: OrganizationStanding,
    next: OrganizationStanding & { readonly updatedAt: string },
  ): Promise<boolean>;
}

/** 'owner' | 'member' belong to an organisation; the operator roles (operator-roles.ts) to no organisation. */
export type UserRole = 'owner' | 'member' | OperatorRole;

export interface User {
  readonly id: string;
  readonly orgId: string | null;
  /** Lower case, unique, never changed. */
  readonly username: string;
  readonly email: string | null;
  /** When the user proved they read mail at `email` (a verification or password-reset link); null until then. */
  readonly emailVerifiedAt: string | null;
  readonly mobile: string | null;
  readonly role: UserRole;
  readonly createdAt: string;
  readonly disabledAt: string | null;
}

export interface UserCredentials extends User {
  readonly passwordHash: string;
}

export interface UserRepository {
  /** False when the username is taken. */
  insert(user: UserCredentials): Promise<boolean>;
  /** Both or neither, in one transaction; false (and nothing stored) when the username is taken. */
  insertWithOrganization(org: Organization, owner: UserCredentials): Promise<boolean>;
  find(id: string): Promise<UserCredentials | undefined>;
  findByUsername(username: string): Promise<UserCredentials | undefined>;
  /** Users whose email equals `email` ignoring case, oldest first, at most `limit`. */
  findByEmail(email: string, limit: number): Promise<UserCredentials[]>;
  /** Sets email_verified_at while the user's email is still `email`; false when it is not (or the user is gone). */
  markEmailVerified(id: string, email: string, at: string): Promise<boolean>;
  setPasswordHash(id: string, passwordHash: string): Promise<void>;
}

export interface Session {
  /** sha256 of the session token; the token itself lives only in the browser's cookie. */
  readonly id: string;
  readonly userId: string;
  readonly csrfToken: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly lastSeenAt: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly revokedAt: string | null;
}

export interface SessionRepository {
  insert(session: Session): Promise<void>;
  find(id: string): Promise<Session | undefined>;
  touch(id: string, lastSeenAt: string): Promise<void>;
  /** False when there was no such session or it was already revoked. */
  revoke(id: string, at: string): Promise<boolean>;
  /** Returns how many sessions it revoked. */
  revokeAllOfUser(userId: string, at: string): Promise<number>;
  /** Unrevoked sessions expiring after `now`, newest first. */
  listActive(userId: string, now: string): Promise<Session[]>;
  /** Deletes sessions that expired before `before`; returns how many. */
  deleteExpired(before: string): Promise<number>;
}

export interface AgreementVersion {
  readonly id: string;
  readonly version: number;
  readonly termsText: string;
  readonly termsSha256: string;
  readonly dpaText: string;
  readonly dpaSha256: string;
  readonly effectiveAt: string;
  readonly publishedAt: string;
  readonly publishedBy: string;
}

export interface AgreementAcceptance {
  readonly id: string;
  readonly orgId: string;
  readonly agreementId: string;
  readonly version: number;
  readonly userId: string;
  readonly acceptedAt: string;
  readonly ip: string | null;
  readonly termsSha256: string;
  readonly dpaSha256: string;
}

export interface AgreementRepository {
  /** False when a version with this number exists already (a concurrent publish won it). */
  insert(version: AgreementVersion): Promise<boolean>;
  /** The highest version number, effective or not. */
  latest(): Promise<AgreementVersion | undefined>;
  /** The highest version with effectiveAt <= now. */
  effectiveAt(now: string): Promise<AgreementVersion | undefined>;
  /** Versions with effectiveAt > now, in version order. */
  upcoming(now: string): Promise<AgreementVersion[]>;
  /** Stores the acceptance unless the organisation accepted that agreement already; returns the stored one. */
  accept(acceptance: AgreementAcceptance): Promise<AgreementAcceptance>;
  findAcceptance(orgId: string, agreementId: string): Promise<AgreementAcceptance | undefined>;
}
