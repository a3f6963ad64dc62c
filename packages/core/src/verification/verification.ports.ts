/** What the verification context needs from the face engine, the database and the blob store. */
import type { CaptureFinishedEvent, CaptureSession } from '../capture/capture-sessions.ports.js';
import type { WebhookEvent } from '../webhooks/webhooks.ports.js';

export * from './face-analysis.ports.js';
import type { FaceComparison, FaceTemplateRef, AnalyzedFace, FrameAnalysis, Product } from './face-analysis.ports.js';

/** The engine behind a port: errors it throws carry the registry's image.*, face.* and service.* codes. */
export interface FaceEnginePort {
  readonly modelId: string;
  analyze(image: Uint8Array, options: { readonly allowMultipleFaces: boolean }): Promise<AnalyzedFace>;
  /** Per-frame liveness analysis of one camera frame (JPEG/PNG/WebP). Bad images still throw image.* codes. */
  analyzeFrame(image: Uint8Array): Promise<FrameAnalysis>;
  compare(a: FaceTemplateRef, b: FaceTemplateRef): FaceComparison;
}

export interface ConsentEvidence {
  readonly subjectRef: string;
  readonly textVersion: string;
  readonly obtainedAt: string;
  readonly method: string;
}

export interface ConsentRecord extends ConsentEvidence {
  readonly id: string;
  readonly orgId: string;
  readonly appId: string;
  readonly createdAt: string;
}

export interface ConsentRepository {
  insert(record: ConsentRecord): Promise<void>;
  /** Only within the organisation; undefined otherwise. */
  find(orgId: string, id: string): Promise<ConsentRecord | undefined>;
}

/** A call's metadata row. `result` is the sealed response body, kept until `resultExpiresAt`. */
export interface VerificationRecord {
  readonly id: string;
  readonly orgId: string;
  readonly appId: string;
  readonly keyId: string;
  readonly product: Product;
  readonly sandbox: boolean;
  readonly subjectRef: string | null;
  readonly consentId: string | null;
  readonly bizNo: string | null;
  readonly requestId: string;
  readonly resultCode: string;
  readonly billed: boolean;
  readonly amountFen: number;
  readonly createdAt: string;
  readonly timeUsedMs: number;
  readonly resultSealed: Uint8Array | null;
  readonly resultExpiresAt: string | null;
}

/** One call log row: metadata only, never images, results or the subject. */
export type CallSummary = Pick<
  VerificationRecord,
  | 'id'
  | 'appId'
  | 'keyId'
  | 'product'
  | 'sandbox'
  | 'bizNo'
  | 'requestId'
  | 'resultCode'
  | 'billed'
  | 'amountFen'
  | 'createdAt'
  | 'timeUsedMs'
>;

/** Calls with from <= createdAt < to (ISO instants), optionally of one app. */
export interface UsageRange {
  readonly from: string;
  readonly to: string;
  readonly appId?: string;
}

/** The calls of one UTC day, product and result code. */
export interface UsageCount {
  /** 'YYYY-MM-DD' (UTC). */
  readonly day: string;
  readonly product: Product;
  readonly resultCode: string;
  readonly calls: number;
  readonly billedCalls: number;
  readonly sandboxCalls: number;
  readonly amountFen: number;
}

/** The position after the last row of a page, in the call log's order (newest first). */
export interface CallPosition {
  readonly createdAt: string;
  readonly id: string;
}

export interface CallFilter {
  readonly appId?: string;
  readonly resultCode?: string;
  readonly bizNo?: string;
  /** ISO instants: from <= createdAt < to. */
  readonly from?: string;
  readonly to?: string;
  readonly after?: CallPosition;
  readonly limit: number;
}

export interface StoredBlob {
  readonly verificationId: string;
  /** 'selfie' | 'reference' | 'image1' | 'image2' | 'image', with a `:template` suffix for templates. */
  readonly role: string;
  readonly sealed: Uint8Array;
  readonly expiresAt: string;
}

export interface VerificationRepository {
  /** The row and its blobs in one transaction, with the webhook event when one is given (same transaction). */
  insert(
    record: VerificationRecord,
    blobs: readonly StoredBlob[],
    options?: { readonly event?: WebhookEvent | undefined },
  ): Promise<void>;
  find(orgId: string, id: string): Promise<VerificationRecord | undefined>;
  /**
   * Counts one read of a live result: succeeds (returns the record) only while reads < maxReads, the result is
   * present and not expired at `now`; one conditional update, so concurrent readers cannot exceed maxReads.
   */
  claimRead(
    orgId: string,
    id: string,
    now: string,
    maxReads: number,
    /** Only a row of this mode: sandbox keys never read live results, nor live keys sandbox ones. */
    mode?: { readonly sandbox: boolean },
  ): Promise<VerificationRecord | undefined>;
  /** After a failure between storing a call and charging it: the record must not claim a charge. */
  markUnbilled(orgId: string, id: string): Promise<void>;
  /** The same, found by request id: for a call whose process died between storing it and charging it (sweeper). */
  markUnbilledByRequest(orgId: string, requestId: string): Promise<void>;
  /** Verifications of a subject created at or after `since` (for per-subject limits). */
  countForSubject(orgId: string, subjectRef: string, since: string): Promise<number>;
  /** Calls of one key with one of these result codes created at or after `since` (the registry refusal cap). */
  countKeyResults(
    orgId: string,
    keyId: string,
    resultCodes: readonly string[],
    range: { readonly since: string },
  ): Promise<number>;
  /** Erases result, blobs and subject link of one verification; returns what was erased (false when nothing). */
  erase(orgId: string, id: string): Promise<{ result: boolean; blobs: number } | undefined>;
  /**
   * Erases every verification and consent of a subject, in one transaction with its capture sessions: open ones are
   * cancelled (frames and reference dropped, nothing charged; `cancelledEvent` gives each one's outbox event),
   * finished ones lose their result and reference; returns the counts.
   */
  eraseSubject(
    orgId: string,
    subjectRef: string,
    options?: { readonly cancelledEvent?: (session: CaptureSession, now: string) => CaptureFinishedEvent },
  ): Promise<{
    verifications: number;
    results: number;
    blobs: number;
    consents: number;
    capture_sessions_cancelled: number;
    capture_sessions_erased: number;
  }>;
  /** Deletes expired results and blobs; returns the counts. */
  sweepExpired(now: string): Promise<{ results: number; blobs: number }>;
  /** The organisation's calls in the range, counted per day, product and result code, in that order. */
  usage(orgId: string, range: UsageRange): Promise<UsageCount[]>;
  /** The organisation's calls matching `filter`, newest first (by createdAt, then id), at most `filter.limit`. */
  listCalls(orgId: string, filter: CallFilter): Promise<CallSummary[]>;
}

export interface DeletionReceipt {
  readonly id: string;
  readonly orgId: string;
  readonly scope: 'verification' | 'subject';
  /** The verification id, or the keyed hash of the subject ref (the ref itself is not kept). */
  readonly target: string;
  readonly erased: Readonly<Record<string, number | boolean>>;
  readonly createdAt: string;
  readonly actor: string;
}

export interface DeletionReceiptRepository {
  insert(receipt: DeletionReceipt): Promise<void>;
}
