import { createHash, randomBytes } from 'node:crypto';
import type { Clock, Crypto } from '@visage/core';

export const systemClock: Clock = { now: () => new Date() };

export const nodeCrypto: Crypto = {
  sha256Hex: (text) => createHash('sha256').update(text).digest('hex'),
  // 16 random bytes: ids are unguessable, not just unique.
  randomId: (prefix) => `${prefix}_${randomBytes(16).toString('base64url')}`,
};
