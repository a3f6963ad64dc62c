/**
 * The error registry: every code the platform answers with, its message, HTTP status and whether the call is
 * billed. Core throws codes from here; only the server maps them to HTTP. Codes join as their features land
 * (the engine's and the CLI's are documented in docs/errors.md and join when the server maps them).
 */
export const errorRegistry = Object.freeze({
  'signature.missing': {
    message:
      'The request is not signed: X-Visage-Key, X-Visage-Timestamp, X-Visage-Nonce and X-Visage-Signature are required.',
    status: 401,
    billed: false,
  },
  'signature.invalid': { message: 'The request signature does not match.', status: 401, billed: false },
  'signature.expired': {
    message: 'The request timestamp is more than 300 seconds from the server clock.',
    status: 401,
    billed: false,
  },
  'signature.replayed': { message: 'This nonce was already used with this key.', status: 401, billed: false },
} as const satisfies Record<string, { message: string; status: number; billed: boolean }>);

export type ErrorCode = keyof typeof errorRegistry;
