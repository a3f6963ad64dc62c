import type { AnalyzedFace, FaceEnginePort, FrameAnalysis } from '@visage/core';
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
    async analyzeFrame(image): Promise<FrameAnalysis> {
      const frame = await engine.analyzeFrame(image);
      const face = frame.face;
      if (frame.faceCount === 0 || !face) return { faceCount: 0 };
      return {
        faceCount: frame.faceCount,
        box: {
          x: Math.round(face.box.x1),
          y: Math.round(face.box.y1),
          width: Math.round(face.box.x2 - face.box.x1),
          height: Math.round(face.box.y2 - face.box.y1),
        },
        landmarks68: face.landmarks68.map((p) => ({ x: round2(p.x), y: round2(p.y) })),
        pose: face.pose,
        eyeAspectRatio: face.eyeAspectRatio,
        mouthAspectRatio: face.mouthAspectRatio,
        template: { model: face.template.model, vector: Array.from(face.template.vector) },
        quality: { pass: face.quality.pass, reasons: face.quality.reasons, score: face.quality.score },
        liveness: face.liveness,
        ...(face.faceRgb ? { faceRgb: face.faceRgb } : {}),
      };
    },
    compare(a, b) {
      const toTemplate = (t: typeof a) => ({ model: t.model, vector: Float32Array.from(t.vector) });
      return verifyTemplates(calibration, toTemplate(a), toTemplate(b));
    },
  };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
