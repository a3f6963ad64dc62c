import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Crypto, SecretBox } from '../ports.js';

/** Real crypto for core's tests (core itself never imports node:crypto). */
export const testCrypto: Crypto = {
  sha256Hex: (data) => createHash('sha256').update(data).digest('hex'),
  hmacSha256Hex: (secret, text) => createHmac('sha256', secret).update(text).digest('hex'),
  equalHex: (a, b) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b)),
  randomId: (prefix) => `${prefix}_${randomBytes(12).toString('base64url')}`,
  randomToken: (bytes) => randomBytes(bytes).toString('base64url'),
};

/** AES-256-GCM bound to its context, for tests (production: the server's envelope SecretBox under the master key). */
export function aesGcmSecretBox(key: Uint8Array = randomBytes(32)): SecretBox {
  return {
    seal(plain, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), body]));
    },
    open(sealed, context) {
      const bytes = Buffer.from(sealed);
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12)).setAAD(Buffer.from(context));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return new Uint8Array(Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]));
    },
  };
}
