/** Time, randomness and hashing come in through these ports, so that core stays deterministic under test. */
export interface Clock {
  now(): Date;
}

export interface Crypto {
  sha256Hex(text: string): string;
  /** A prefixed, unguessable id such as `aud_…`. */
  randomId(prefix: string): string;
}
