import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FaceIdHashes } from '@visage/core';

/** The FaceID schemes' SHA-1 primitives on node:crypto (core/compat/faceid.ports.ts). */
export const nodeFaceIdHashes: FaceIdHashes = {
  hmacSha1: (secret, text) => new Uint8Array(createHmac('sha1', secret).update(text, 'utf8').digest()),
  sha1Hex: (text) => createHash('sha1').update(text, 'utf8').digest('hex'),
  equalBytes: (a, b) => a.length === b.length && timingSafeEqual(a, b),
};
