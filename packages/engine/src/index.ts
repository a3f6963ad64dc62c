export { EngineError, engineErrorMessages, type EngineErrorCode } from './errors.js';
export type { RgbImage, Point, Box, FivePoints } from './image/rgb-image.js';
export { decodeImage, sniffImageFormat, defaultImageLimits, type ImageLimits } from './image/decode-image.js';
export { estimateSimilarity, arcface112Template, type Affine } from './align/similarity-transform.js';
export { compareTemplates, type FaceTemplate } from './pipeline/face-template.js';
export {
  createFaceAnalyzer,
  type AnalyzeOptions,
  type FaceAnalysis,
  type FaceAnalyzer,
  type DetectedFace,
} from './pipeline/face-analyzer.js';
export { createFaceEngine, type FaceEngine, type FaceEngineOptions } from './pool/face-engine.js';
export type { WorkerSpan } from './pool/worker-protocol.js';
export { templateModelId, fusionWeights } from './embed/fused-template.js';
export { defaultLivenessThreshold } from './liveness/minifasnet-liveness.js';
export { frameGeometry, qualityScore, type FrameAnalysis, type FrameFace } from './liveness/frame-analysis.js';
export {
  eyeAspectRatio,
  eyesAspectRatio,
  headModel,
  headPose,
  mouthAspectRatio,
  type HeadPose,
} from './landmarks/face-geometry.js';
export { modelFileNames } from './models/model-files.js';
export type { FaceQuality } from './quality/face-quality.js';
export * from './calibration/calibration.js';
export * from './evaluation/verification-metrics.js';
export * from './evaluation/pad-metrics.js';
export { verifyTemplates, type Verification } from './pipeline/verify.js';
export { defaultModelDir, defaultCalibrationPath, loadCalibration } from './defaults.js';
