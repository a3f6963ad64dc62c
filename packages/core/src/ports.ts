/** Time, randomness and hashing come in through these ports, so that core stays deterministic under test. */
export interface Clock {
  now(): Date;
}

export interface Crypto {
  sha256Hex(data: string | Uint8Array): string;
  hmacSha256Hex(secret: string, text: string): string;
  /** Constant-time equality of two hex strings (false when their lengths differ). */
  equalHex(a: string, b: string): boolean;
  /** A prefixed, unguessable id such as `aud_…`. */
  randomId(prefix: string): string;
}
