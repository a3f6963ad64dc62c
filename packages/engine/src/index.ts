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
  type LivenessResult,
} from './pipeline/face-analyzer.js';
export { createFaceEngine, type FaceEngine, type FaceEngineOptions } from './pool/face-engine.js';
export type { WorkerSpan } from './pool/worker-protocol.js';
export { templateModelId, fusionWeights } from './embed/fused-template.js';
export { defaultLivenessThreshold } from './liveness/minifasnet-liveness.js';
export { faceRegionMeanRgb } from './liveness/face-color.js';
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
export {
  defaultModelDir,
  defaultCalibrationPath,
  loadCalibration,
  defaultPadModelPath,
  loadPadModel,
  padModelFile,
} from './defaults.js';
export {
  cnnKey,
  logit,
  padFeatureVector,
  padModelScore,
  parsePadModel,
  type PadModel,
  type PadRawFeatures,
} from './liveness/pad-model.js';
export {
  balancedLogLoss,
  chooseLambda,
  clientFolds,
  crossValidate,
  fitLogistic,
  predictLogistic,
  type TrainingSample,
} from './liveness/pad-training.js';
export { textureFeatures, textureSpec, textureLength, type TextureBlock } from './liveness/texture-features.js';
export { livenessSpec } from './liveness/minifasnet-liveness.js';
export { createOcrEngine, ocrModelId, ocrModelFiles, type OcrEngine, type OcrEngineOptions } from './ocr/ocr-engine.js';
export type { OcrResult, OcrLineResult } from './ocr/ocr-protocol.js';
