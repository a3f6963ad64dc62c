/**
 * The FaceID-compatible API (docs/compat-faceid.md): what it keeps beside the capture session it maps onto, and the
 * hashes its two signature schemes need. ISO-8601 UTC times.
 */

/** Which FaceID flow opened the session: `lite` (H5 get_token) or `sdk` (v3 get_biz_token). */
export type FaceIdFlow = 'lite' | 'sdk';

/** A FaceID business (biz_id = our capture session id) and what FaceID clients expect back about it. */
export interface FaceIdBusiness {
  /** The capture session's id; FaceID clients see it as `biz_id` (and `biz_token` in the SDK flow). */
  readonly sessionId: string;
  readonly orgId: string;
  readonly appId: string;
  /** The key that opened it: its secret signs the notify_url callback (`sign = sha1(api_secret + data)`). */
  readonly keyId: string;
  readonly sandbox: boolean;
  readonly flow: FaceIdFlow;
  readonly bizNo: string | null;
  readonly bizExtraData: string | null;
  /** Where the finished session is POSTed as a FaceID form (`data` + `sign`); null: nowhere. */
  readonly notifyUrl: string | null;
  /** 0: the live face against the uploaded image_ref1 (the only comparison this server maps). */
  readonly comparisonType: number;
  /** How many times `get_result` has handed out the finished result (at most `faceIdMaxResultReads`). */
  readonly reads: number;
  readonly createdAt: string;
  /** `get_result` answers until then (one day after the session could last finish). */
  readonly readableUntil: string;
}

export interface FaceIdBusinessRepository {
  insert(business: FaceIdBusiness): Promise<void>;
  find(sessionId: string): Promise<FaceIdBusiness | undefined>;
  /** The newest business of the organisation (and mode) with this biz_no. */
  findByBizNo(orgId: string, sandbox: boolean, bizNo: string): Promise<FaceIdBusiness | undefined>;
  /** Counts one read while fewer than `max` were made and `now` is before `readableUntil`; false otherwise. */
  claimRead(sessionId: string, now: string, max: number): Promise<boolean>;
}

/** SHA-1 primitives of the FaceID schemes (node:crypto in the server). */
export interface FaceIdHashes {
  hmacSha1(secret: string, text: string): Uint8Array;
  /** Lower-case hex SHA-1 of the UTF-8 text. */
  sha1Hex(text: string): string;
  /** Constant-time equality (false when the lengths differ). */
  equalBytes(a: Uint8Array, b: Uint8Array): boolean;
}
