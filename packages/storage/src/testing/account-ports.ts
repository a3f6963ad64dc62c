import { randomBytes } from 'node:crypto';
import { testCrypto as nodeCrypto } from '@visage/core/testing';
import { createAuditLog, type Clock, type PasswordHasher } from '@visage/core';
import { createAuditLogRepository } from '../audit-log.repository.js';
import type { VisageDatabase } from '../database.js';

export { aesGcmSecretBox, testCrypto as nodeCrypto } from '@visage/core/testing';

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
