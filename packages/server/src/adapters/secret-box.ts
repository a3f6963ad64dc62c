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
 * The key id tells which master key sealed a value. The box holds a keyring: it seals under the current key and
 * opens under whichever key of the ring has the value's key id (a value under any other key fails closed), and
 * `rewrap` moves a value to the current key by re-wrapping its data key alone: bytes 0..64 change, the payload
 * (and so the context it is bound to) does not (docs/operations.md, "Rotating the master key").
 */
export interface MasterKeySecretBox extends SecretBox {
  /** Hex of the 4-byte key id written into every value this box seals (the current key's). Not secret. */
  readonly keyId: string;
  /** Hex key ids of every key this box opens under: the current key's first, then the decrypt-only keys'. */
  readonly keyIds: readonly string[];
  /**
   * The value re-wrapped under the current key, or undefined when it already is under it. Needs no context; throws
   * SecretBoxError when the value is malformed, under a key outside the ring, or its data key does not authenticate.
   */
  rewrap(sealed: Uint8Array): Uint8Array | undefined;
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

/** Hex of the key id a sealed value names (bytes 1..4), or undefined when it is too short to be one. */
export function sealedKeyId(sealed: Uint8Array): string | undefined {
  if (sealed.length < HEADER_BYTES) return undefined;
  return Buffer.from(sealed.buffer, sealed.byteOffset + 1, KEY_ID_BYTES).toString('hex');
}

interface RingKey {
  readonly key: Buffer;
  /** Version byte + key id: the associated data of the wrapped data key. */
  readonly header: Buffer;
}

/**
 * A secret box that seals under `masterKey` and opens under it or any of `decryptOnly` (a rotation's other keys;
 * see `loadMasterKeyring`). Two keys of the ring with one key id are refused.
 */
export function createSecretBox(masterKey: Uint8Array, decryptOnly: readonly Uint8Array[] = []): MasterKeySecretBox {
  const ring = new Map<string, RingKey>();
  for (const candidate of [masterKey, ...decryptOnly]) {
    if (candidate.length !== 32) throw new RangeError('a master key must be exactly 32 bytes');
    const key = Buffer.from(candidate);
    const id = masterKeyId(key);
    const known = ring.get(id.toString('hex'));
    if (known && !known.key.equals(key)) throw new RangeError('two master keys of the keyring share a key id');
    if (!known) ring.set(id.toString('hex'), { key, header: Buffer.concat([Buffer.of(VERSION), id]) });
  }
  const current = ring.get(masterKeyId(masterKey).toString('hex'))!;

  const wrap = (dataKey: Buffer): Buffer => {
    const wrapIv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', current.key, wrapIv).setAAD(current.header);
    const wrappedKey = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return Buffer.concat([current.header, wrapIv, wrappedKey, cipher.getAuthTag()]);
  };

  /** The value's bytes and its unwrapped data key (the caller zeroes it). */
  const unwrap = (sealed: Uint8Array): { bytes: Buffer; dataKey: Buffer; ringKey: RingKey } => {
    const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    if (bytes.length < PAYLOAD) throw new SecretBoxError('the sealed value is truncated');
    if (bytes[0] !== VERSION) throw new SecretBoxError(`unknown sealed-value version ${bytes[0]}`);
    const id = bytes.subarray(1, HEADER_BYTES).toString('hex');
    const ringKey = ring.get(id);
    if (!ringKey) throw new SecretBoxError(`the value was sealed under another master key (key id ${id})`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', ringKey.key, bytes.subarray(WRAP_IV, WRAPPED_KEY));
      decipher.setAAD(ringKey.header).setAuthTag(bytes.subarray(WRAP_TAG, PAYLOAD_IV));
      const dataKey = Buffer.concat([decipher.update(bytes.subarray(WRAPPED_KEY, WRAP_TAG)), decipher.final()]);
      return { bytes, dataKey, ringKey };
    } catch {
      throw new SecretBoxError('the sealed value was altered (its data key does not authenticate)');
    }
  };

  return {
    keyId: current.header.subarray(1).toString('hex'),
    keyIds: [...ring.keys()],

    seal(plain, context) {
      const dataKey = randomBytes(DATA_KEY_BYTES);
      try {
        const iv = randomBytes(IV_BYTES);
        const cipher = createCipheriv('aes-256-gcm', dataKey, iv).setAAD(Buffer.from(context, 'utf8'));
        const payload = Buffer.concat([cipher.update(plain), cipher.final()]);
        return Buffer.concat([wrap(dataKey), iv, cipher.getAuthTag(), payload]);
      } finally {
        dataKey.fill(0);
      }
    },

    open(sealed, context) {
      const { bytes, dataKey } = unwrap(sealed);
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

    rewrap(sealed) {
      const { bytes, dataKey, ringKey } = unwrap(sealed);
      try {
        if (ringKey === current) return undefined;
        return Buffer.concat([wrap(dataKey), bytes.subarray(PAYLOAD_IV)]);
      } finally {
        dataKey.fill(0);
      }
    },
  };
}
