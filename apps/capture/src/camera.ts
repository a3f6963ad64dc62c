/**
 * The camera: open the front camera at 640x480, take JPEG frames of the whole (unmirrored) picture, and sample the
 * visible part for the live guidance. Every failure to open it is named, so the page can say plainly what went wrong.
 */

import { sampleHeight, sampleWidth } from './feedback';

export type CameraProblem = 'no_media_devices' | 'permission_denied' | 'no_camera' | 'camera_busy';

export class CameraError extends Error {
  constructor(readonly problem: CameraProblem) {
    super(problem);
    this.name = 'CameraError';
  }
}

/** Why this browser cannot capture at all, before anything is asked of the person. */
export function supportProblem(): CameraProblem | undefined {
  const devices = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  if (!window.isSecureContext || !devices || typeof devices.getUserMedia !== 'function') return 'no_media_devices';
  if (typeof HTMLCanvasElement === 'undefined' || typeof HTMLCanvasElement.prototype.toBlob !== 'function') {
    return 'no_media_devices';
  }
  return undefined;
}

function problemOf(error: unknown): CameraProblem {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') {
    return 'permission_denied';
  }
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') return 'camera_busy';
  return 'no_camera';
}

export async function openCamera(): Promise<MediaStream> {
  const preferred: MediaStreamConstraints = {
    audio: false,
    video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } },
  };
  try {
    return await navigator.mediaDevices.getUserMedia(preferred);
  } catch (error) {
    const name = error instanceof Error || error instanceof DOMException ? error.name : '';
    if (name !== 'OverconstrainedError' && name !== 'ConstraintNotSatisfiedError')
      throw new CameraError(problemOf(error));
  }
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: false, video: true });
  } catch (error) {
    throw new CameraError(problemOf(error));
  }
}

export function stopCamera(stream: MediaStream | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** The server's limits on a frame (docs/capture.md): at most 1280 pixels a side and 200 kB. */
const maxSide = 1280;
const maxBytes = 200_000;
const qualities = [0.8, 0.65, 0.5, 0.35];

const encode = (canvas: HTMLCanvasElement, quality: number) =>
  new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));

const frameCanvas = document.createElement('canvas');

/** The current picture as a JPEG (quality 0.8, lowered until it fits the server's byte limit). */
export async function grabJpeg(video: HTMLVideoElement): Promise<Blob> {
  const width = video.videoWidth;
  const height = video.videoHeight;
  if (!width || !height) throw new Error('the camera gives no picture yet');
  const scale = Math.min(1, maxSide / Math.max(width, height));
  frameCanvas.width = Math.round(width * scale);
  frameCanvas.height = Math.round(height * scale);
  const context = frameCanvas.getContext('2d');
  if (!context) throw new Error('no 2d canvas');
  context.drawImage(video, 0, 0, frameCanvas.width, frameCanvas.height);
  for (const quality of qualities) {
    const blob = await encode(frameCanvas, quality);
    if (blob && blob.size <= maxBytes) return blob;
  }
  throw new Error('the frame does not fit the size limit');
}

interface FrameMetadata {
  readonly captureTime?: number;
  readonly expectedDisplayTime?: number;
}
type FrameCallbackVideo = HTMLVideoElement & {
  requestVideoFrameCallback?: (callback: (now: number, metadata: FrameMetadata) => void) => number;
};

/**
 * Wait for the camera's next picture and tell its time (performance.now() clock): the capture time where the browser
 * gives it, so the frames' timestamps follow the camera's own rhythm. Falls back to now after 100 ms.
 */
export function nextFrameTime(video: HTMLVideoElement): Promise<number> {
  const withCallback = video as FrameCallbackVideo;
  if (typeof withCallback.requestVideoFrameCallback !== 'function') return Promise.resolve(performance.now());
  return new Promise((resolve) => {
    const fallback = window.setTimeout(() => resolve(performance.now()), 100);
    withCallback.requestVideoFrameCallback?.((now, metadata) => {
      window.clearTimeout(fallback);
      const captured = metadata.captureTime;
      // A capture time on another clock (some platforms) is worth less than the callback's own time.
      resolve(captured !== undefined && Math.abs(captured - now) < 1000 ? captured : now);
    });
  });
}

const sampleCanvas = document.createElement('canvas');
sampleCanvas.width = sampleWidth;
sampleCanvas.height = sampleHeight;

/** The part of the picture the 3:4 viewfinder shows (object-fit: cover), shrunk to the guidance sample's size. */
export function sampleVisible(video: HTMLVideoElement): Uint8ClampedArray | undefined {
  const width = video.videoWidth;
  const height = video.videoHeight;
  if (!width || !height) return undefined;
  const aspect = sampleWidth / sampleHeight;
  const cropWidth = Math.min(width, height * aspect);
  const cropHeight = Math.min(height, width / aspect);
  const context = sampleCanvas.getContext('2d', { willReadFrequently: true });
  if (!context) return undefined;
  context.drawImage(
    video,
    (width - cropWidth) / 2,
    (height - cropHeight) / 2,
    cropWidth,
    cropHeight,
    0,
    0,
    sampleWidth,
    sampleHeight,
  );
  return context.getImageData(0, 0, sampleWidth, sampleHeight).data;
}
