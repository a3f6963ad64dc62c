import type { Certification } from '../accounts/accounts.ports.js';
import type { ScreeningEntry } from './name-screening.js';

/** The certification context's domain types and the storage it needs. Times are ISO-8601 UTC strings. */

export interface Licence {
  /** Stable: documents are uploaded as kind `licence:<code>`. */
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
}

export interface Industry {
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  /** Licences an applicant of this industry must upload. */
  readonly licences: readonly Licence[];
}

export interface IndustryRepository {
  /** In the operator's order. */
  list(): Promise<Industry[]>;
  /** Replaces the whole catalogue in one transaction. */
  replaceAll(industries: readonly Industry[], at: string): Promise<void>;
}

export const documentTypes = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type DocumentType = (typeof documentTypes)[number];

export interface DocumentSummary {
  readonly id: string;
  readonly orgId: string;
  /** 'business_licence' or 'licence:<code>'. */
  readonly kind: string;
  readonly contentType: DocumentType;
  readonly bytes: number;
  readonly uploadedBy: string;
  readonly createdAt: string;
}

export interface StoredDocument extends DocumentSummary {
  /** Sealed with the SecretBox under the context `certification-document:<orgId>:<id>`. */
  readonly sealed: Uint8Array;
}

/** A screening hit as stored with the application. */
export interface StoredScreeningMatch {
  /** Which name was screened. */
  readonly subject: 'company_name' | 'legal_rep_name';
  readonly screenedName: string;
  readonly list: string;
  readonly program: string;
  readonly entryName: string;
  readonly matchedName: string;
  readonly score: number;
}

export interface Screening {
  readonly screenedAt: string;
  /** How many list entries were screened against, so that "no matches against nothing" is visible. */
  readonly entriesScreened: number;
  readonly matches: readonly StoredScreeningMatch[];
}

export interface ApplicationFields {
  readonly companyName: string | null;
  readonly creditCode: string | null;
  readonly legalRepName: string | null;
  readonly contactName: string | null;
  readonly contactPhone: string | null;
  readonly address: string | null;
  readonly industryCode: string | null;
}

/** One per organisation: its latest version (earlier ones are in the audit log). */
export interface CertificationApplication extends ApplicationFields {
  readonly orgId: string;
  /** Sealed under `certification-legal-rep-id:<orgId>`; null until given. */
  readonly legalRepIdSealed: Uint8Array | null;
  readonly legalRepIdMasked: string | null;
  readonly screening: Screening | null;
  readonly submittedAt: string | null;
  readonly decidedAt: string | null;
  readonly decidedBy: string | null;
  /** The operator's reason for the last decision (always given on rejection). */
  readonly decisionReason: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ReviewQueueItem {
  readonly orgId: string;
  readonly orgName: string;
  readonly certification: Certification;
  readonly companyName: string | null;
  readonly industryCode: string | null;
  readonly submittedAt: string | null;
  readonly matchCount: number;
}

export interface CertificationRepository {
  findApplication(orgId: string): Promise<CertificationApplication | undefined>;
  /**
   * Inserts or replaces the organisation's application. With `expected`, only while the stored one is still the one
   * read (null: none; else the same updatedAt and submittedAt): false, and nothing written, when another write came
   * first.
   */
  saveApplication(
    application: CertificationApplication,
    expected?: Pick<CertificationApplication, 'updatedAt' | 'submittedAt'> | null,
  ): Promise<boolean>;
  insertDocument(document: StoredDocument): Promise<void>;
  findDocument(orgId: string, id: string): Promise<StoredDocument | undefined>;
  /** The newest document of each kind. */
  latestDocuments(orgId: string): Promise<DocumentSummary[]>;
  /** Applications of organisations in that certification state, oldest submission first. */
  queue(certification: Certification, limit: number): Promise<ReviewQueueItem[]>;
}

export interface SanctionsListSummary {
  readonly name: string;
  readonly entries: number;
  readonly importedAt: string;
  readonly importedBy: string;
}

export interface SanctionsRepository {
  /** Replaces each named list with its entries, all in one transaction. */
  replaceLists(
    lists: readonly { readonly name: string; readonly entries: readonly ScreeningEntry[] }[],
    at: string,
    by: string,
  ): Promise<void>;
  summaries(): Promise<SanctionsListSummary[]>;
  allEntries(): Promise<ScreeningEntry[]>;
}
