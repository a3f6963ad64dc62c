import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';

/**
 * A video file for chromium's fake camera (`--use-fake-device-for-media-stream
 * --use-file-for-fake-video-capture=<file>.y4m`), made from still images: each image is cropped to fill the frame
 * (4:3), converted to YUV 4:2:0 (full range, BT.601) and repeated `framesPerImage` times. Chromium loops the file.
 */
export async function writeY4m(
  images: readonly string[],
  path: string,
  options: { width?: number; height?: number; fps?: number; framesPerImage?: number } = {},
): Promise<void> {
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  const fps = options.fps ?? 30;
  const repeat = options.framesPerImage ?? 1;
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`)];
  for (const image of images) {
    const rgb = await sharp(image).resize(width, height, { fit: 'cover' }).removeAlpha().raw().toBuffer();
    const frame = toYuv420(rgb, width, height);
    for (let i = 0; i < repeat; i++) parts.push(Buffer.from('FRAME\n'), frame);
  }
  await writeFile(path, Buffer.concat(parts));
}

function toYuv420(rgb: Buffer, width: number, height: number): Buffer {
  const chromaWidth = width / 2;
  const chromaHeight = height / 2;
  const y = Buffer.alloc(width * height);
  const u = Buffer.alloc(chromaWidth * chromaHeight);
  const v = Buffer.alloc(chromaWidth * chromaHeight);
  const clamp = (value: number) => Math.max(0, Math.min(255, Math.round(value)));
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const i = (row * width + col) * 3;
      y[row * width + col] = clamp(0.299 * rgb[i]! + 0.587 * rgb[i + 1]! + 0.114 * rgb[i + 2]!);
    }
  }
  for (let row = 0; row < chromaHeight; row++) {
    for (let col = 0; col < chromaWidth; col++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dy, dx] of [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ] as const) {
        const i = ((row * 2 + dy) * width + col * 2 + dx) * 3;
        r += rgb[i]!;
        g += rgb[i + 1]!;
        b += rgb[i + 2]!;
      }
      r /= 4;
      g /= 4;
      b /= 4;
      u[row * chromaWidth + col] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      v[row * chromaWidth + col] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  }
  return Buffer.concat([y, u, v]);
}
