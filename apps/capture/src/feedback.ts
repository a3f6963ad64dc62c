/**
 * Live guidance while the person frames their face: computed in the browser from a small copy of the camera image.
 * It only guides — the server decides whether a live person was there. Cheap on purpose (a 48x64 sample a few times a
 * second): mean brightness inside the oval, a crude skin-colour share inside the oval and in a ring around it (face
 * too far / too close), and the change since the previous sample (movement). No face detector runs here: the
 * Shape Detection API is missing from most browsers, and a model would outweigh the page.
 */

export type Feedback = 'ready' | 'dark' | 'bright' | 'closer' | 'farther' | 'still' | 'waiting';

/** The oval of the overlay, as fractions of the visible (3:4) picture: centre and radii. */
export const oval = { cx: 0.5, cy: 0.46, rx: 0.32, ry: 0.31 } as const;

export const sampleWidth = 48;
export const sampleHeight = 64;

/** Mean luma (0–255) under which the face is too dark, over which it is washed out. */
const darkLuma = 55;
const brightLuma = 215;
/** Share of skin-coloured pixels inside the oval under which the face is missing or too small. */
const minSkinInside = 0.3;
/** Share of skin-coloured pixels in the ring just outside the oval over which the face overflows it. */
const maxSkinRing = 0.55;
/** Mean absolute luma change between samples over which the person is moving. */
const maxMotion = 12;

function isSkin(r: number, g: number, b: number): boolean {
  // YCbCr ranges that hold most skin tones under ordinary light (Chai & Ngan 1999), plus a floor on brightness.
  const y = 0.299 * r + 0.587 * g + 0.114 * b;
  const cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
  const cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
  return y > 40 && cb >= 77 && cb <= 127 && cr >= 133 && cr <= 173;
}

export interface Sample {
  /** The luma of every sampled pixel (sampleWidth x sampleHeight), for the movement of the next sample. */
  readonly luma: Float32Array;
}

/** Judge one sample: `rgba` is sampleWidth x sampleHeight pixels of the visible picture (mirroring does not matter). */
export function judge(rgba: Uint8ClampedArray, previous: Sample | undefined): { feedback: Feedback; sample: Sample } {
  const luma = new Float32Array(sampleWidth * sampleHeight);
  let insideCount = 0;
  let insideLuma = 0;
  let insideSkin = 0;
  let ringCount = 0;
  let ringSkin = 0;
  let motion = 0;
  for (let y = 0; y < sampleHeight; y++) {
    for (let x = 0; x < sampleWidth; x++) {
      const i = y * sampleWidth + x;
      const r = rgba[i * 4] ?? 0;
      const g = rgba[i * 4 + 1] ?? 0;
      const b = rgba[i * 4 + 2] ?? 0;
      const l = 0.299 * r + 0.587 * g + 0.114 * b;
      luma[i] = l;
      const dx = ((x + 0.5) / sampleWidth - oval.cx) / oval.rx;
      const dy = ((y + 0.5) / sampleHeight - oval.cy) / oval.ry;
      const d = dx * dx + dy * dy;
      if (d <= 1) {
        insideCount++;
        insideLuma += l;
        if (isSkin(r, g, b)) insideSkin++;
        if (previous) motion += Math.abs(l - (previous.luma[i] ?? l));
      } else if (d <= 1.6) {
        ringCount++;
        if (isSkin(r, g, b)) ringSkin++;
      }
    }
  }
  const sample = { luma };
  const meanLuma = insideLuma / Math.max(1, insideCount);
  if (meanLuma < darkLuma) return { feedback: 'dark', sample };
  if (meanLuma > brightLuma) return { feedback: 'bright', sample };
  if (insideSkin / Math.max(1, insideCount) < minSkinInside) return { feedback: 'closer', sample };
  if (ringSkin / Math.max(1, ringCount) > maxSkinRing) return { feedback: 'farther', sample };
  if (previous && motion / Math.max(1, insideCount) > maxMotion) return { feedback: 'still', sample };
  return { feedback: 'ready', sample };
}
