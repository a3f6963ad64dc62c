import type { OcrEnginePort } from '@visage/core';
import type { OcrEngine } from '@visage/engine';

/** The OCR pool behind core's port. Engine errors (image.*, engine.*) pass through; the error handler maps them. */
export function createOcrEnginePort(engine: OcrEngine): OcrEnginePort {
  return {
    async readText(image, options = {}) {
      const result = await engine.read(image, { portrait: options.portrait === true });
      return {
        image: result.image,
        rotation: result.rotation,
        lines: result.lines,
        ...(result.cardQuad ? { cardQuad: result.cardQuad } : {}),
        signals: result.signals,
        modelId: engine.modelId,
        ...(result.portrait ? { portrait: result.portrait } : {}),
      };
    },
  };
}
