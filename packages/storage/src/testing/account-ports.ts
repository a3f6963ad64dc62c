import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createAuditLog, type Clock, type Crypto, type PasswordHasher, type SecretBox } from '@visage/core';
import { createAuditLogRepository } from '../audit-log.repository.js';
import type { VisageDatabase } from '../database.js';

export const nodeCrypto: Crypto = {
  sha256Hex: (data) => createHash('sha256').update(data).digest('hex'),
  hmacSha256Hex: () => {
    throw new Error('not needed by these tests');
  },
  equalHex: (a, b) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b)),
  randomId: (prefix) => `${prefix}_${randomBytes(12).toString('base64url')}`,
  randomToken: (bytes) => randomBytes(bytes).toString('base64url'),
};

/** Salted sha256: real enough to tell passwords apart, fast enough for tests (production uses argon2id). */
export const fastHasher: PasswordHasher = {
  async hash(password) {
    const salt = randomBytes(8).toString('hex');
    return `${salt}$${nodeCrypto.sha256Hex(salt + password)}`;
  },
  async verify(hash, password) {
    const [salt = '', digest = ''] = hash.split('$');
    return nodeCrypto.equalHex(digest, nodeCrypto.sha256Hex(salt + password));
  },
};

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

/** A clock the test moves by hand. */
export function manualClock(start = '2026-11-29T10:00:00Z'): Clock & { advanceSeconds(seconds: number): void } {
  let now = new Date(start);
  return {
    now: () => now,
    advanceSeconds(seconds) {
      now = new Date(now.getTime() + seconds * 1000);
    },
  };
}

export function auditOn(database: VisageDatabase, clock: Clock) {
  const repository = createAuditLogRepository(database);
  return {
    audit: createAuditLog({ repository, clock, crypto: nodeCrypto }),
    recordedActions: async () => (await repository.listAfter(0, 1000)).map((e) => e.action),
    recorded: () => repository.listAfter(0, 1000),
  };
}
