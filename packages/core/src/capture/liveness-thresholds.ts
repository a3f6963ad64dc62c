/**
 * The liveness decision's thresholds, each with the measurement that justifies it in docs/liveness.md
 * ("Thresholds"). Change one only together with its measurement there.
 */

/** Frames a 'still' attempt needs (the page sends 4-8 per step). */
export const minFramesStill = 3;
/** Frames each challenge step needs: a blink needs open, closed, open at least. */
export const minFramesPerChallenge = 3;
/** Frames with a face each challenge step needs. */
export const minFaceFramesPerStep = 3;

/** Client timestamps closer than this (ms) are not a camera: 50 fps is more than a phone page captures. */
export const minFrameIntervalMs = 20;
/** At least this many intervals all identical to the millisecond → scripted, not captured. */
export const minIntervalsForRegularity = 4;
/** One step's frames may span at most this long (the page's per-step timeout is shorter). */
export const maxStepDurationMs = 15_000;
/** A challenge step's frames must span at least this long: nobody turns and turns back in less. */
export const minActionStepSpanMs = 300;
/** The whole attempt, first frame to last. */
export const maxAttemptDurationMs = 120_000;

/** The best-quality frames whose anti-spoofing scores are combined (median). */
export const passiveBestFrames = 3;
/** Every frame's face must match the best frame's at this false-accept level. */
export const sameFaceLevel = '1e-4' as const;

/**
 * A blink's closed frame must sit this far (EAR) below the most open frame before it and the one after it. There is
 * no absolute "closed" EAR: with this landmark model, closed eyes measured 0.20-0.26 on webcam frames where the same
 * person's open eyes measured 0.32-0.38.
 */
export const blinkMinDrop = 0.06;
/** …and at most this fraction of that open level (closures measured 0.63-0.73 of it). */
export const blinkMaxClosedRatio = 0.85;

/** Mouth aspect ratio at or above which the mouth counts as open. */
export const mouthOpenMinMar = 0.35;
/** Open-mouth frames the step needs. */
export const mouthOpenMinFrames = 2;
/** The open mouth's MAR above the attempt's smallest (closed) MAR. */
export const mouthMinChange = 0.2;

/** Yaw (degrees) a turn must reach in the asked direction. */
export const turnMinYaw = 15;
/** After the turn's peak, a later frame must have come back toward the camera by this many degrees. */
export const turnMinReturn = 10;

/** Pitch change (degrees) down and back up that a nod needs. */
export const nodMinPitch = 12;

/*
 * The reflected-light challenge (`liveness: "flash"`, core/capture/flash-response.ts). Set on SYNTHETIC sequences only
 * (fixture faces tinted by a few per cent of the shown colour, with noise: docs/liveness.md "Flash"); they still need
 * measuring on real phones and laptops at real distances and room light.
 */
/** Frames with a face each colour step needs. */
export const flashMinFramesPerStep = 2;
/** One colour step's frames may span at most its duration plus this (ms): capture and clock jitter. */
export const flashStepSlackMs = 250;
/** Each step's chroma shift must point toward the shown colour at least this much (cosine). */
export const flashMinStepCosine = 0.5;
/** The per-step shifts over the whole sequence must correlate with the shown colours at least this much (Pearson). */
export const flashMinCorrelation = 0.7;
/** Mean per-step chroma shift (chromaticity units) below which nothing reflected: camera noise, not a face. */
export const flashMinShift = 0.004;
