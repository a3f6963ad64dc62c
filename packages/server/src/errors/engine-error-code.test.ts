import { errorRegistry } from '@visage/contracts';
import { engineErrorMessages, type EngineErrorCode } from '@visage/engine';
import { describe, expect, it } from 'vitest';
import { errorCodeOfEngineError } from './engine-error-code.js';

describe('errorCodeOfEngineError', () => {
  it('keeps image and face codes, which the registry shares with the engine', () => {
    for (const code of ['image.unsupported_format', 'image.corrupt', 'image.too_large', 'image.too_small'] as const) {
      expect(errorCodeOfEngineError(code)).toBe(code);
    }
    expect(errorCodeOfEngineError('face.none')).toBe('face.none');
    expect(errorCodeOfEngineError('face.multiple')).toBe('face.multiple');
  });

  it('answers the engine’s capacity and lifecycle failures with service codes', () => {
    expect(errorCodeOfEngineError('engine.overloaded')).toBe('service.overloaded');
    expect(errorCodeOfEngineError('engine.timeout')).toBe('service.timeout');
    expect(errorCodeOfEngineError('engine.closed')).toBe('service.unavailable');
  });

  it('hides model, template and calibration failures behind internal.error', () => {
    for (const code of ['model.missing', 'model.integrity', 'template.invalid', 'calibration.invalid'] as const) {
      expect(errorCodeOfEngineError(code)).toBe('internal.error');
    }
  });

  it('maps every engine code to a registered code', () => {
    for (const code of Object.keys(engineErrorMessages) as EngineErrorCode[]) {
      expect(Object.hasOwn(errorRegistry, errorCodeOfEngineError(code)), code).toBe(true);
    }
  });
});
