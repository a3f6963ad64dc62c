/**
 * Every failure the engine reports carries one of these codes. The platform's error registry
 * (HTTP status, billing) builds on the same strings; docs/errors.md documents each one.
 */
export const engineErrorMessages = Object.freeze({
  'image.unsupported_format': 'The file is not a JPEG, PNG or WebP image.',
  'image.corrupt': 'The image could not be decoded; it is truncated or damaged.',
  'image.too_large': 'The image exceeds the byte or pixel limit.',
  'image.too_small': 'The image is too small to contain a usable face.',
  'face.none': 'No face was found in the image.',
  'face.multiple': 'More than one face was found and the caller allows only one.',
  'template.model_mismatch': 'The two templates come from different embedding models and cannot be compared.',
  'template.invalid': 'The template is malformed.',
  'model.missing': 'A model file is missing.',
  'model.integrity': 'A model file does not match its recorded sha256.',
  'calibration.invalid': 'The calibration file is malformed or belongs to another model.',
  'engine.overloaded': 'The engine queue is full; retry later.',
  'engine.timeout': 'The engine did not finish the job within its time limit.',
  'engine.closed': 'The engine has been shut down.',
} as const);

export type EngineErrorCode = keyof typeof engineErrorMessages;

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly code: EngineErrorCode,
    readonly details?: Record<string, unknown>,
    message: string = engineErrorMessages[code],
  ) {
    super(message);
  }
}
