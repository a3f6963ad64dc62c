export {
  canonicalRequest,
  noncePattern,
  signatureWindowSeconds,
  signingHeaders,
  sortedQueryString,
  type SignedParts,
} from './signing.js';
export {
  codeGroups,
  errorRegistry,
  isErrorCode,
  resultRegistry,
  type Code,
  type CodeGroup,
  type ErrorCode,
  type ResultCode,
} from './errors.js';
export * from './webhook-signature.js';
export * from './api/verification.schema.js';
export * from './api/id-cards.schema.js';
export * from './api/capture.schema.js';
export * from './api/console.schema.js';
export * from './api/certification.schema.js';
export * from './api/notices.schema.js';
export * from './api/finance.schema.js';
export * from './api/admin.schema.js';
export * from './api/account-mail.schema.js';
export * from './api/webhooks.schema.js';
export * from './api/registry.schema.js';
