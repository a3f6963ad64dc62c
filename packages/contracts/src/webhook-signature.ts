/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): `webhook-signature` holds space-separated
 * `v1,<base64 HMAC-SHA256 of "${webhook-id}.${webhook-timestamp}.${body}">` entries, keyed by the bytes of the secret
 * (`whsec_` + base64). Several entries appear while a rotated secret is still in its grace period; a receiver accepts
 * the message when any entry matches one of its secrets. WebCrypto only (Node ≥ 20, browsers, Deno), no node:crypto,
 * so the SDK and receivers reuse it as is.
 */

// The package compiles without DOM or Node types: the few globals used here (present in Node ≥ 20, browsers, Deno).
interface SubtleKey {
  readonly type: string;
}
declare const crypto: {
  readonly subtle: {
    importKey(
      format: 'raw',
      key: Uint8Array,
      algorithm: { name: 'HMAC'; hash: 'SHA-256' },
      extractable: boolean,
      usages: readonly 'sign'[],
    ): Promise<SubtleKey>;
    sign(algorithm: 'HMAC', key: SubtleKey, data: Uint8Array): Promise<ArrayBuffer>;
  };
};
declare function atob(text: string): string;
declare function btoa(text: string): string;
declare class TextEncoder {
  encode(text: string): Uint8Array;
}

export const webhookSecretPrefix = 'whsec_';
export const defaultWebhookToleranceSeconds = 300;

export type WebhookHeaders =
  Record<string, string | readonly string[] | undefined> | { get(name: string): string | null };

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The key bytes of a `whsec_…` secret (a bare base64 secret is accepted too). */
export function webhookSecretBytes(secret: string): Uint8Array {
  const text = secret.startsWith(webhookSecretPrefix) ? secret.slice(webhookSecretPrefix.length) : secret;
  try {
    return base64ToBytes(text);
  } catch {
    throw new WebhookVerificationError('the webhook secret is not base64');
  }
}

/** `v1,<base64 signature>` of one message under one secret. */
export async function signWebhook(
  secret: string,
  message: { id: string; timestamp: number; body: string | Uint8Array },
): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    webhookSecretBytes(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const encoder = new TextEncoder();
  const body = typeof message.body === 'string' ? encoder.encode(message.body) : message.body;
  const prefix = encoder.encode(`${message.id}.${message.timestamp}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix, 0);
  signed.set(body, prefix.length);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, signed));
  return `v1,${bytesToBase64(mac)}`;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof headers.get === 'function')
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const record = headers as Record<string, string | readonly string[] | undefined>;
  const value = record[name] ?? Object.entries(record).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value.join(' ') : (value as string | undefined);
}

function equalConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/**
 * Checks a received webhook: `webhook-timestamp` within `toleranceSeconds` of `now` (replays are refused), and one
 * `v1,` entry of `webhook-signature` equal to the signature under `secret` (or one of several secrets) of the raw
 * body, byte for byte as received. Resolves to the `webhook-id` (deduplicate on it: retries carry the same id);
 * throws WebhookVerificationError otherwise.
 */
export async function verifyWebhookSignature(
  secret: string | readonly string[],
  headers: WebhookHeaders,
  body: string | Uint8Array,
  toleranceSeconds: number = defaultWebhookToleranceSeconds,
  now: Date = new Date(),
): Promise<{ id: string; timestamp: number }> {
  const id = header(headers, 'webhook-id');
  const timestampText = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestampText || !signatures) throw new WebhookVerificationError('missing webhook headers');
  if (!/^\d{1,12}$/.test(timestampText)) throw new WebhookVerificationError('invalid webhook-timestamp');
  const timestamp = Number(timestampText);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    throw new WebhookVerificationError('webhook-timestamp outside the tolerance');
  }
  const secrets = typeof secret === 'string' ? [secret] : secret;
  const received = signatures.split(' ').filter((entry) => entry.startsWith('v1,'));
  for (const candidate of secrets) {
    const expected = await signWebhook(candidate, { id, timestamp, body });
    if (received.some((entry) => equalConstantTime(entry, expected))) return { id, timestamp };
  }
  throw new WebhookVerificationError('no matching signature');
}
