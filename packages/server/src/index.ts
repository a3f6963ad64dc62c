export { nodeCrypto, systemClock } from './adapters/node-crypto.js';
export {
  createSecretBox,
  masterKeyId,
  sealedKeyId,
  SecretBoxError,
  type MasterKeySecretBox,
} from './adapters/secret-box.js';
export {
  argon2PasswordHasher,
  createArgon2PasswordHasher,
  defaultArgon2Params,
  type Argon2Params,
} from './adapters/argon2-password-hasher.js';
export { ipAllowlist, isValidAllowlistEntry } from './adapters/ip-allowlist.js';
export {
  configSchema,
  configVariables,
  logLevels,
  type ConfigVariable,
  type LogLevel,
  type TrustProxy,
} from './config/config.schema.js';
export {
  ConfigError,
  loadConfig,
  redactedConfig,
  type Config,
  type ConfigOverrides,
  type ConfigProblem,
} from './config/load-config.js';
export {
  loadMasterKey,
  loadMasterKeyring,
  masterKeyFileName,
  type MasterKeyOptions,
  type MasterKeyring,
} from './config/master-key.js';
export { masterKeyStatus, rewrapSealedValues, type MasterKeyStatus, type RewrapResult } from './master-key-rotation.js';
export { errorCodeOfEngineError } from './errors/engine-error-code.js';
export { renderConfigDoc } from './docs/render-config.js';
export {
  engineCodeSection,
  renderErrorsDoc,
  type InternalCode,
  type InternalCodeSection,
} from './docs/render-errors.js';
export { buildApp, redactedLogPaths, type AppDependencies, type AppOptions } from './app.js';
export { renderOpenApi } from './openapi.js';
export { openServices, type Services } from './services.js';
export { createPlatform, serverVersion, type Platform } from './platform.js';
export { serve } from './serve.js';
export { signedHeaders, type SigningKey } from './http/request-signer.js';
export { createIdentityServices, openIdentityRegistry } from './identity-sources.js';
export { parseIdentityCsv, type IdentityCsvRow } from './adapters/identity-csv.js';
export { createHttpIdentitySource } from './adapters/http-identity-source.js';
