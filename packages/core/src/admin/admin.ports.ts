import type {
  AgreementAcceptance,
  AgreementVersion,
  Organization,
  OrganizationState,
  User,
} from '../accounts/accounts.ports.js';
import type { AuditEntry } from '../audit/audit-entry.js';

/** Where a page of organisations ended: they are listed newest first. */
export interface OrganizationPosition {
  readonly createdAt: string;
  readonly id: string;
}

export interface OrganizationSearch {
  /** Part of the name, the exact organisation id, or part of a member's username or email; case-insensitive. */
  readonly text?: string | undefined;
  readonly state?: OrganizationState | undefined;
  readonly after?: OrganizationPosition | undefined;
  readonly limit: number;
}

export interface OrganizationListing {
  readonly org: Organization;
  /** The owner's username. */
  readonly owner: string | null;
}

export interface AuditSearch {
  readonly actor?: string | undefined;
  /** Exact, or a prefix when it ends in '.'. */
  readonly action?: string | undefined;
  readonly subject?: string | undefined;
  /** occurredAt >= from, < to (ISO instants). */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** Entries with seq < before (newest first). */
  readonly before?: number | undefined;
  readonly limit: number;
}

export interface AcceptanceListing extends AgreementAcceptance {
  readonly orgName: string;
  readonly username: string | null;
}

/** One UTC day of activity across every organisation. */
export interface PlatformDay {
  readonly day: string;
  readonly calls: number;
  readonly liveCalls: number;
  readonly billedCalls: number;
  /** Calls that ran to a result.* code, and those among them that passed. */
  readonly results: number;
  readonly passes: number;
}

/** Instants: from <= t < to. */
export interface InstantRange {
  readonly from: string;
  readonly to: string;
}

/**
 * The operator's read-side queries across organisations: what the admin console lists and counts. Read-only; writes
 * go through each context's own service.
 */
export interface AdminQueryRepository {
  searchOrganizations(search: OrganizationSearch): Promise<OrganizationListing[]>;
  /** Oldest first. */
  usersOfOrganization(orgId: string): Promise<User[]>;
  /** Users without an organisation, oldest first. */
  operators(): Promise<User[]>;
  /** Newest first, each with how many organisations accepted it. */
  agreementVersions(): Promise<(AgreementVersion & { readonly acceptances: number })[]>;
  findAgreementVersion(version: number): Promise<AgreementVersion | undefined>;
  /** Oldest first. */
  acceptancesOfVersion(version: number): Promise<AcceptanceListing[]>;
  /** Newest version first. */
  acceptancesOfOrganization(orgId: string): Promise<AgreementAcceptance[]>;
  /** Newest first. */
  auditEntries(search: AuditSearch): Promise<AuditEntry[]>;
  activityByDay(range: InstantRange): Promise<PlatformDay[]>;
  /** Charges posted (platform revenue), per UTC day. */
  revenueByDay(range: InstantRange): Promise<{ readonly day: string; readonly amountFen: number }[]>;
  /** Organisations with at least one call in the range. */
  activeOrganizations(range: InstantRange): Promise<number>;
  /** The server time of calls at each quantile (0..1), nearest rank; undefined without calls. */
  callTimeQuantiles(range: InstantRange, quantiles: readonly number[]): Promise<(number | undefined)[]>;
  /** How many organisations are in each state. */
  organizationStates(): Promise<Partial<Record<OrganizationState, number>>>;
}
