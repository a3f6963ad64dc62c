export type { Clock, Crypto } from './ports.js';
export {
  canonicalJson,
  genesisHash,
  hashAuditEntry,
  type AuditEntry,
  type AuditEntryInput,
} from './audit/audit-entry.js';
export {
  createAuditLog,
  type AuditChainHead,
  type AuditLog,
  type AuditLogRepository,
  type AuditVerification,
} from './audit/audit-log.service.js';
export { DomainError } from './domain-error.js';
export {
  createSignatureVerifier,
  type NonceStore,
  type SignedRequest,
  type SigningSecrets,
} from './signing/signature-verifier.js';
