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
  /** base64url of `bytes` random bytes: secrets and session tokens. */
  randomToken(bytes: number): string;
}

/** AES-256-GCM envelope encryption under the master key; `context` is bound as associated data. */
export interface SecretBox {
  seal(plain: Uint8Array, context: string): Uint8Array;
  /** Throws when the sealed bytes were altered or belong to another context. */
  open(sealed: Uint8Array, context: string): Uint8Array;
}

/** argon2id in production. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

/** True when `ip` lies in one of the CIDRs (IPv4, IPv6, IPv4-mapped IPv6). */
export type IpAllowlist = (ip: string, cidrs: readonly string[]) => boolean;

export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** What the mail is for ('email_verification', 'password_reset', 'notice', …): the operator's outbox filters on it. */
  readonly purpose: string;
}

/** Every message lands in the mail outbox; with SMTP configured it is also sent, and the outbox records the outcome. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}
