/** What the engine reports about faces and frames, with no dependency on any context (verification and capture share it). */
export const farLevels = ['1e-3', '1e-4', '1e-5', '1e-6'] as const;
export type FarLevel = (typeof farLevels)[number];

export type Product = 'compare' | 'liveness' | 'verification' | 'id_card_ocr';

export interface FaceTemplateRef {
  readonly model: string;
  readonly vector: readonly number[];
}

/** One analysed image: the chosen face's template, quality and passive liveness. */
export interface AnalyzedFace {
  readonly template: FaceTemplateRef;
  readonly faceCount: number;
  readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  readonly quality: { readonly pass: boolean; readonly reasons: readonly string[] } & Record<string, unknown>;
  readonly liveness: { readonly score: number; readonly threshold: number; readonly live: boolean };
}

export interface FaceComparison {
  readonly similarity: number;
  readonly confidence: number;
  readonly thresholds: Readonly<Record<FarLevel, number>>;
  readonly match: Readonly<Record<FarLevel, boolean>>;
}

export interface Point2 {
  readonly x: number;
  readonly y: number;
}

/** Head pose in degrees, as the engine's quality check reports it: yaw > 0 = the person turned to their own left
 * (nose toward the image's right edge in an unmirrored camera frame), pitch > 0 = looking up, roll > 0 = head tilted
 * clockwise on screen. See docs/liveness.md. */
export interface HeadPose {
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
}

/** One camera frame analysed for liveness (a face was found; see {@link FrameAnalysis}). */
export interface FaceFrameAnalysis {
  /** Faces the detector found (>= 1); the fields below describe the largest one. */
  readonly faceCount: number;
  readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  /** The 68 iBUG points in image pixels. */
  readonly landmarks68: readonly Point2[];
  readonly pose: HeadPose;
  /** Mean of both eyes' (|p2-p6| + |p3-p5|) / (2 |p1-p4|); ~0.25-0.35 open, < ~0.15 closed. */
  readonly eyeAspectRatio: number;
  /** Inner-lip opening / mouth width; ~0 closed, > ~0.4 wide open. */
  readonly mouthAspectRatio: number;
  readonly template: FaceTemplateRef;
  /** `score` in [0, 1] ranks frames (size, sharpness, lighting, frontal pose); `pass` = every check passed. */
  readonly quality: { readonly pass: boolean; readonly reasons: readonly string[]; readonly score: number };
  readonly liveness: {
    readonly score: number;
    readonly threshold: number;
    readonly live: boolean;
    /** The fused passive model (network at several crops + texture cues), when the engine has one. */
    readonly fused?: { readonly model: string; readonly score: number; readonly threshold: number };
  };
  /** Mean RGB (0-255) of the face box's central region, for the reflected-light challenge; absent from older engines. */
  readonly faceRgb?: readonly [number, number, number];
}

/** A frame where no face was found: only the count. */
export interface NoFaceFrameAnalysis {
  readonly faceCount: 0;
}

/** What `FaceEnginePort.analyzeFrame` answers: never throws face.none / face.multiple, reports them instead. */
export type FrameAnalysis = FaceFrameAnalysis | NoFaceFrameAnalysis;

export const frameHasFace = (frame: FrameAnalysis): frame is FaceFrameAnalysis => frame.faceCount > 0;
