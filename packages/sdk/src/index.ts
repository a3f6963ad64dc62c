/**
 * @visage/sdk: the Visage API for customers' servers (README.md, docs/sdk.md). Runs on Node ≥ 20, browsers, Deno
 * and Bun: fetch and WebCrypto only.
 */
export {
  VisageClient,
  type CallOptions,
  type CaptureSession,
  type CaptureSessionCreated,
  type CaptureSessionRequest,
  type CompareRequest,
  type CompareResponse,
  type Consent,
  type ConsentRequest,
  type DeletionReceipt,
  type IdCardOcrRequest,
  type IdCardOcrResponse,
  type LivenessRequest,
  type LivenessResponse,
  type Verification,
  type VerificationRequest,
  type VisageClientOptions,
} from './client.js';
export {
  sdkErrorMessages,
  sdkErrorNotes,
  VisageApiError,
  VisageAuthenticationError,
  VisageConnectionError,
  VisageError,
  VisageInvalidRequestError,
  VisageRateLimitError,
  VisageServerError,
  type SdkErrorCode,
  type VisageErrorCode,
} from './errors.js';
export { signRequest, type RequestToSign, type SigningKey } from './signer.js';
export { defaultBackoff, parseRetryAfter, retryDelayMs, type BackoffPolicy } from './retry.js';
export { toBase64 } from './encoding.js';
export {
  defaultWebhookToleranceSeconds,
  signWebhook,
  verifyWebhook,
  WebhookVerificationError,
  type VerifiedWebhook,
  type VerifyWebhookInput,
  type WebhookEvent,
  type WebhookEventType,
  type WebhookHeaders,
} from './webhooks.js';
export type { ErrorCode } from '@visage/contracts';
