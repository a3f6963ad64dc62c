export {
  canonicalRequest,
  noncePattern,
  signatureWindowSeconds,
  signingHeaders,
  sortedQueryString,
  type SignedParts,
} from './signing.js';
export { errorRegistry, type ErrorCode } from './errors.js';
