import sharp from 'sharp';
import { fixture } from './test-platform.js';

/** Camera-like JPEG frames from a fixture: re-encoded, each a little different (as consecutive frames are). */
export async function framesOf(name: string, count: number): Promise<Buffer[]> {
  const source = fixture(name);
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      sharp(source)
        .modulate({ brightness: 1 + i * 0.01 })
        .jpeg({ quality: 80 + (i % 5) })
        .toBuffer(),
    ),
  );
}

/** Irregular client timestamps, as a real camera's are. */
export const cameraTimestamps = [0, 212, 397, 618, 806, 1019, 1233, 1410, 1627, 1812, 2049, 2230];

const boundary = 'capture-frame-boundary';
export const frameContentType = `multipart/form-data; boundary=${boundary}`;

/** The multipart body the capture page posts for one frame: `fields`, then the JPEG as `frame`. */
export function frameBody(fields: Record<string, string>, frame: Buffer): Buffer {
  const part = (name: string, value: Buffer | string, file = false) =>
    Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file ? `; filename="frame.jpg"\r\nContent-Type: image/jpeg` : ''}\r\n\r\n`,
      ),
      Buffer.isBuffer(value) ? value : Buffer.from(value),
      Buffer.from('\r\n'),
    ]);
  return Buffer.concat([
    ...Object.entries(fields).map(([k, v]) => part(k, v)),
    part('frame', frame, true),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
}
