import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { SecretBox } from '@visage/core';

/**
 * AES-256-GCM envelope encryption under the master key (core's SecretBox port).
 *
 * Each seal draws a fresh random 256-bit data key and a fresh IV. The payload is encrypted under the data key with
 * the caller's `context` (UTF-8) as associated data, so a sealed value moved to another row or purpose does not
 * open. The data key is encrypted ("wrapped") under the master key with its own IV and tag, and the header
 * (version + key id) as associated data. Nothing about the plaintext except its length is visible.
 *
 * Byte format, version 1 (93 bytes + the plaintext's length):
 *
 *   offset  size  field
 *        0     1  version = 0x01
 *        1     4  key id: the first 4 bytes of HMAC-SHA256(master key, "visage secret-box key id")
 *        5    12  IV of the wrapped data key
 *       17    32  data key, AES-256-GCM-encrypted under the master key (AAD = bytes 0..4)
 *       49    16  GCM tag of the wrapped data key
 *       65    12  IV of the payload
 *       77    16  GCM tag of the payload
 *       93     n  payload, AES-256-GCM-encrypted under the data key (AAD = UTF-8 of `context`)
 *
 * The key id tells which master key sealed a value, so that a later rotation can keep the old key to open old
 * values while sealing new ones under the new key (and re-wrap data keys without touching payloads).
 */
export interface MasterKeySecretBox extends SecretBox {
  /** Hex of the 4-byte key id written into every sealed value. Not secret. */
  readonly keyId: string;
}

export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
}

const VERSION = 1;
const KEY_ID_BYTES = 4;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;
const HEADER_BYTES = 1 + KEY_ID_BYTES;
const WRAP_IV = HEADER_BYTES;
const WRAPPED_KEY = WRAP_IV + IV_BYTES;
const WRAP_TAG = WRAPPED_KEY + DATA_KEY_BYTES;
const PAYLOAD_IV = WRAP_TAG + TAG_BYTES;
const PAYLOAD_TAG = PAYLOAD_IV + IV_BYTES;
const PAYLOAD = PAYLOAD_TAG + TAG_BYTES;

/** The key id of a master key: stable, and reveals nothing usable about the key. */
export function masterKeyId(masterKey: Uint8Array): Buffer {
  return createHmac('sha256', masterKey).update('visage secret-box key id').digest().subarray(0, KEY_ID_BYTES);
}

export function createSecretBox(masterKey: Uint8Array): MasterKeySecretBox {
  if (masterKey.length !== 32) throw new RangeError('the master key must be exactly 32 bytes');
  const key = Buffer.from(masterKey);
  const header = Buffer.concat([Buffer.of(VERSION), masterKeyId(key)]);

  return {
    keyId: header.subarray(1).toString('hex'),

    seal(plain, context) {
      const dataKey = randomBytes(DATA_KEY_BYTES);
      try {
        const wrapIv = randomBytes(IV_BYTES);
        const wrap = createCipheriv('aes-256-gcm', key, wrapIv).setAAD(header);
        const wrappedKey = Buffer.concat([wrap.update(dataKey), wrap.final()]);
        const wrapTag = wrap.getAuthTag();

        const iv = randomBytes(IV_BYTES);
        const cipher = createCipheriv('aes-256-gcm', dataKey, iv).setAAD(Buffer.from(context, 'utf8'));
        const payload = Buffer.concat([cipher.update(plain), cipher.final()]);
        return Buffer.concat([header, wrapIv, wrappedKey, wrapTag, iv, cipher.getAuthTag(), payload]);
      } finally {
        dataKey.fill(0);
      }
    },

    open(sealed, context) {
      const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
      if (bytes.length < PAYLOAD) throw new SecretBoxError('the sealed value is truncated');
      if (bytes[0] !== VERSION) throw new SecretBoxError(`unknown sealed-value version ${bytes[0]}`);
      if (!bytes.subarray(1, HEADER_BYTES).equals(header.subarray(1))) {
        throw new SecretBoxError(
          `the value was sealed under another master key (key id ${bytes.subarray(1, HEADER_BYTES).toString('hex')})`,
        );
      }
      let dataKey: Buffer;
      try {
        const unwrap = createDecipheriv('aes-256-gcm', key, bytes.subarray(WRAP_IV, WRAPPED_KEY)).setAAD(header);
        unwrap.setAuthTag(bytes.subarray(WRAP_TAG, PAYLOAD_IV));
        dataKey = Buffer.concat([unwrap.update(bytes.subarray(WRAPPED_KEY, WRAP_TAG)), unwrap.final()]);
      } catch {
        throw new SecretBoxError('the sealed value was altered (its data key does not authenticate)');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', dataKey, bytes.subarray(PAYLOAD_IV, PAYLOAD_TAG));
        decipher.setAAD(Buffer.from(context, 'utf8')).setAuthTag(bytes.subarray(PAYLOAD_TAG, PAYLOAD));
        return Buffer.concat([decipher.update(bytes.subarray(PAYLOAD)), decipher.final()]);
      } catch {
        throw new SecretBoxError('the sealed value was altered or belongs to another context');
      } finally {
        dataKey.fill(0);
      }
    },
  };
}
