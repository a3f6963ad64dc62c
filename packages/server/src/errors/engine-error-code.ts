import { isErrorCode, type ErrorCode } from '@visage/contracts';
import type { EngineErrorCode } from '@visage/engine';

/**
 * The platform code an engine failure is answered with over HTTP. Image and face codes are the registry's own;
 * the engine's queue, timeout and shutdown become the service codes; anything else (a missing or corrupt model,
 * a bad template or calibration) is the operator's problem and answers `internal.error` without details.
 */
export function errorCodeOfEngineError(code: EngineErrorCode): ErrorCode {
  switch (code) {
    case 'engine.overloaded':
      return 'service.overloaded';
    case 'engine.timeout':
      return 'service.timeout';
    case 'engine.closed':
      return 'service.unavailable';
    default:
      return isErrorCode(code) ? code : 'internal.error';
  }
}
