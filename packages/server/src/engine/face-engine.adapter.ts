import type { AnalyzedFace, FaceEnginePort } from '@visage/core';
import { templateModelId, verifyTemplates, type Calibration, type FaceEngine } from '@visage/engine';

/** The engine's pool and calibration behind core's port. Engine errors pass through; the error handler maps them. */
export function createFaceEnginePort(engine: FaceEngine, calibration: Calibration): FaceEnginePort {
  return {
    modelId: templateModelId,
    async analyze(image, { allowMultipleFaces }): Promise<AnalyzedFace> {
      const analysis = await engine.analyze(image, { allowMultipleFaces, liveness: true });
      const face = analysis.faces[analysis.chosen];
      if (!face || !analysis.liveness) throw new Error('engine returned an analysis without a chosen face or liveness');
      return {
        template: { model: analysis.template.model, vector: Array.from(analysis.template.vector) },
        faceCount: analysis.faces.length,
        box: {
          x: Math.round(face.box.x1),
          y: Math.round(face.box.y1),
          width: Math.round(face.box.x2 - face.box.x1),
          height: Math.round(face.box.y2 - face.box.y1),
        },
        quality: analysis.quality as unknown as AnalyzedFace['quality'],
        liveness: analysis.liveness,
      };
    },
    compare(a, b) {
      const toTemplate = (t: typeof a) => ({ model: t.model, vector: Float32Array.from(t.vector) });
      return verifyTemplates(calibration, toTemplate(a), toTemplate(b));
    },
  };
}
