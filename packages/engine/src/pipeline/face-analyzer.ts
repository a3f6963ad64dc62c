import { faceRegionMeanRgb } from '../liveness/face-color.js';
import { performance } from 'node:perf_hooks';
import type ort from 'onnxruntime-node';
import {
  area,
  defaultDetectorOptions,
  detectFaces,
  ultrafaceSpec,
  type DetectorOptions,
} from '../detect/ultraface-detector.js';
import sharp from 'sharp';
import { dlibChip, dlibResnetSpec, embedDlibChip } from '../embed/dlib-resnet-embedder.js';
import { fuseEmbeddings, templateModelId } from '../embed/fused-template.js';
import { alignFace, embedAligned, embedderSpec } from '../embed/mobilefacenet-embedder.js';
import { EngineError } from '../errors.js';
import { decodeImage, defaultImageLimits, type ImageLimits } from '../image/decode-image.js';
import type { Box, FivePoints, Point } from '../image/rgb-image.js';
import { detectLandmarks68, fivePointsFrom68, landmark68Spec } from '../landmarks/landmark68.js';
import { defaultLivenessThreshold, livenessScore, livenessSpec } from '../liveness/minifasnet-liveness.js';
import { cnnKey, padModelScore, parsePadModel, type PadModel, type PadRawFeatures } from '../liveness/pad-model.js';
import { textureFeatures } from '../liveness/texture-features.js';
import type { LivenessResult } from '../liveness/liveness-result.js';
import { frameGeometry, qualityScore, type FrameAnalysis } from '../liveness/frame-analysis.js';
import { openVerifiedSession } from '../models/model-files.js';
import { assessQuality, defaultQualityThresholds, type FaceQuality } from '../quality/face-quality.js';
import type { FaceTemplate } from './face-template.js';

export type { LivenessResult } from '../liveness/liveness-result.js';

export interface AnalyzeOptions {
  /** When false (the default), an image with more than one face is refused with `face.multiple`. */
  readonly allowMultipleFaces?: boolean;
  /**
   * Which face to embed when there are several: the largest (default), or the one nearest the image centre — the
   * right rule for crops made around a subject, such as LFW's.
   */
  readonly primaryFace?: 'largest' | 'central';
  /** Run the single-image presentation-attack model on the chosen face (default true). */
  readonly liveness?: boolean;
  /**
   * Also return the raw inputs of a fused PAD model (`FaceAnalysis.pad`): the network's live probability at these
   * crop scales and the texture features. For training and measurement (`visage train pad`, `visage bench pad`).
   */
  readonly padFeatures?: { readonly cnnScales: readonly number[] };
  /**
   * Also give the fused passive-liveness score (`liveness.fused`) when the analyzer has a PAD model. Default false
   * for `analyze` (a compare does not pay for it), always on for `analyzeFrame`.
   */
  readonly fusedLiveness?: boolean;
}

export interface DetectedFace {
  readonly box: Box;
  readonly score: number;
  readonly landmarks: FivePoints;
}

export interface FaceAnalysis {
  readonly image: { readonly width: number; readonly height: number; readonly format: string };
  readonly faces: DetectedFace[];
  /** Index into `faces` of the face that was embedded (see `AnalyzeOptions.primaryFace`). */
  readonly chosen: number;
  readonly template: FaceTemplate;
  readonly quality: FaceQuality;
  readonly liveness?: LivenessResult;
  /** Present when `AnalyzeOptions.padFeatures` asked for it. */
  readonly pad?: PadRawFeatures;
  readonly timings_ms: Record<'decode' | 'detect' | 'landmarks' | 'embed' | 'liveness' | 'total', number>;
}

export interface AnalyzerConfig {
  readonly modelDir: string;
  readonly intraOpThreads?: number;
  readonly imageLimits?: ImageLimits;
  readonly detector?: DetectorOptions;
  readonly livenessThreshold?: number;
  /** The fused passive-liveness model (a parsed artefact); without it only the network's score is given. */
  readonly padModel?: PadModel;
}

/** One thread's worth of the face pipeline: owns one session per model. Create once, reuse for every image. */
export interface FaceAnalyzer {
  analyze(bytes: Uint8Array, options?: AnalyzeOptions): Promise<FaceAnalysis>;
  /**
   * One camera frame for liveness: the largest face's 68 points, head pose, eye and mouth aspect ratios, template,
   * quality and anti-spoofing score. No face or several faces are reported in `faceCount`, not thrown.
   */
  analyzeFrame(bytes: Uint8Array): Promise<FrameAnalysis>;
  release(): Promise<void>;
}

export async function createFaceAnalyzer(config: AnalyzerConfig): Promise<FaceAnalyzer> {
  const sessionOptions = { intraOpThreads: config.intraOpThreads ?? 1 };
  // Face pixels must not outlive the request in libvips's operation cache (process-wide setting, idempotent).
  sharp.cache(false);
  const files = [ultrafaceSpec, landmark68Spec, embedderSpec, dlibResnetSpec, livenessSpec].map((spec) => spec.file);
  const opened = await Promise.allSettled(
    files.map((file) => openVerifiedSession(config.modelDir, file, sessionOptions)),
  );
  const sessions = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  const failure = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) {
    await Promise.all(sessions.map((s) => s.release()));
    throw failure.reason;
  }
  const [detector, landmarker, embedder, dlibEmbedder, antiSpoof] = sessions as [
    ort.InferenceSession,
    ort.InferenceSession,
    ort.InferenceSession,
    ort.InferenceSession,
    ort.InferenceSession,
  ];
  const imageLimits = config.imageLimits ?? defaultImageLimits;
  const detectorOptions = config.detector ?? defaultDetectorOptions;
  const livenessThreshold = config.livenessThreshold ?? defaultLivenessThreshold;
  const padModel = config.padModel === undefined ? undefined : parsePadModel(config.padModel);

  const run = async (
    bytes: Uint8Array,
    options: AnalyzeOptions,
    frame = false,
  ): Promise<{ analysis: FaceAnalysis; landmarks68: Point[]; faceRgb: [number, number, number] } | FrameAnalysis> => {
    const t0 = performance.now();
    const img = await decodeImage(bytes, imageLimits);
    const t1 = performance.now();
    const detections = await detectFaces(detector, img, detectorOptions);
    const t2 = performance.now();
    if (detections.length === 0 && frame) {
      return {
        image: { width: img.width, height: img.height, format: img.format },
        faceCount: 0,
        timings_ms: { decode: round(t1 - t0), detect: round(t2 - t1), total: round(t2 - t0) },
      };
    }
    if (detections.length === 0) throw new EngineError('face.none');
    if (detections.length > 1 && !options.allowMultipleFaces) {
      throw new EngineError('face.multiple', { count: detections.length });
    }
    const landmarks68: Point[][] = [];
    for (const d of detections) landmarks68.push(await detectLandmarks68(landmarker, img, d.box));
    const faces: DetectedFace[] = detections.map((d, i) => ({ ...d, landmarks: fivePointsFrom68(landmarks68[i]!) }));
    const chosen = choosePrimaryFace(faces, img, options.primaryFace ?? 'largest');
    const face = faces[chosen]!;
    const t3 = performance.now();
    const vector = fuseEmbeddings(
      await embedAligned(embedder, alignFace(img, face.landmarks)),
      await embedDlibChip(dlibEmbedder, dlibChip(img, landmarks68[chosen]!)),
    );
    const t4 = performance.now();
    const model = options.liveness !== false && options.fusedLiveness === true ? padModel : undefined;
    const wantPad = options.padFeatures !== undefined || model !== undefined;
    const scales = [
      ...new Set([
        livenessSpec.cropScale,
        ...(options.padFeatures?.cnnScales ?? []),
        ...(model?.features.cnnScales ?? []),
      ]),
    ];
    const cnn: Record<string, number> = {};
    if (options.liveness !== false || wantPad) {
      for (const s of scales) cnn[cnnKey(s)] = await livenessScore(antiSpoof, img, face.box, s);
    }
    const needTexture = options.padFeatures !== undefined || (model?.features.textureBlocks.length ?? 0) > 0;
    const pad: PadRawFeatures | undefined = wantPad
      ? {
          cnn,
          texture: needTexture
            ? Array.from(
                textureFeatures(
                  img,
                  face.box,
                  options.padFeatures !== undefined || model?.features.textureBlocks.includes('freq') === true,
                ),
              )
            : [],
        }
      : undefined;
    const score = cnn[cnnKey(livenessSpec.cropScale)]!;
    const fusedScore = model && pad ? padModelScore(model, pad) : undefined;
    const liveness: LivenessResult | undefined =
      options.liveness === false
        ? undefined
        : {
            score,
            threshold: livenessThreshold,
            live: score >= livenessThreshold,
            ...(model && fusedScore !== undefined
              ? {
                  fused: {
                    model: model.id,
                    score: fusedScore,
                    threshold: model.threshold,
                    live: fusedScore >= model.threshold,
                  },
                }
              : {}),
          };
    const t5 = performance.now();
    const quality = assessQuality(img, face.box, face.landmarks, defaultQualityThresholds);
    const t6 = performance.now();
    const analysis: FaceAnalysis = {
      image: { width: img.width, height: img.height, format: img.format },
      faces,
      chosen,
      template: { model: templateModelId, vector },
      quality,
      ...(liveness ? { liveness } : {}),
      ...(options.padFeatures && pad ? { pad } : {}),
      timings_ms: {
        decode: round(t1 - t0),
        detect: round(t2 - t1),
        landmarks: round(t3 - t2),
        embed: round(t4 - t3),
        liveness: round(t5 - t4),
        total: round(t6 - t0),
      },
    };
    return { analysis, landmarks68: landmarks68[chosen]!, faceRgb: faceRegionMeanRgb(img, face.box) };
  };

  return {
    async analyze(bytes, options = {}) {
      const out = await run(bytes, options);
      if (!('analysis' in out)) throw new EngineError('face.none');
      return out.analysis;
    },
    async analyzeFrame(bytes) {
      const out = await run(
        bytes,
        { allowMultipleFaces: true, primaryFace: 'largest', liveness: true, fusedLiveness: true },
        true,
      );
      if (!('analysis' in out)) return out;
      const t0 = performance.now();
      const { analysis, landmarks68, faceRgb } = out;
      const face = analysis.faces[analysis.chosen]!;
      const geometry = frameGeometry(landmarks68);
      const t1 = performance.now();
      return {
        image: analysis.image,
        faceCount: analysis.faces.length,
        face: {
          box: face.box,
          landmarks68,
          ...geometry,
          template: analysis.template,
          quality: { ...analysis.quality, score: qualityScore(analysis.quality) },
          liveness: analysis.liveness!,
          faceRgb,
        },
        timings_ms: {
          ...analysis.timings_ms,
          geometry: round(t1 - t0),
          total: round(analysis.timings_ms.total + t1 - t0),
        },
      };
    },
    async release() {
      await Promise.all(sessions.map((s) => s.release()));
    },
  };
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

export function choosePrimaryFace(
  faces: readonly { box: Box }[],
  img: { width: number; height: number },
  rule: 'largest' | 'central',
): number {
  const cost =
    rule === 'largest'
      ? (b: Box) => -area(b)
      : (b: Box) => Math.hypot((b.x1 + b.x2 - img.width) / 2, (b.y1 + b.y2 - img.height) / 2);
  let chosen = 0;
  faces.forEach((f, i) => {
    if (cost(f.box) < cost(faces[chosen]!.box)) chosen = i;
  });
  return chosen;
}
