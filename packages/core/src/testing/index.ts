/** Test support for other packages' tests (`@visage/core/testing`); never part of the built package. */
export { aesGcmSecretBox, testCrypto } from './node-ports.js';
export { memoryAudit } from './memory-audit.js';
