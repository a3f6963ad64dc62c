import type { CropRect } from '../image/crop-resize.js';
import type { Box, RgbImage } from '../image/rgb-image.js';
import { landmarkCrop } from '../landmarks/landmark68.js';

/**
 * Hand-made texture, frequency and colour cues of a recaptured face (a face shown on paper or a screen and filmed
 * again), computed on the face square of the detector's box. Pure and deterministic: the same pixels give the same
 * numbers on every machine (integer arithmetic where it matters, a fixed order of float operations elsewhere).
 *
 * Blocks (names are the feature spec recorded in the trained artefact):
 * - `lbp_y`, `lbp_cb`, `lbp_cr`: uniform LBP(8,1) histograms (59 bins) of the face square resampled by area to
 *   64x64, on the luma and the two chroma planes (YCbCr, BT.601 full range), square-rooted (Hellinger) — colour
 *   texture after Boulkenafet, Komulainen & Hadid (ICIP 2015): printing and screens distort chroma texture.
 * - `colour`: mean and standard deviation of Y, Cb, Cr, S and V, and the Cb–Cr correlation, on the same 64x64.
 * - `freq`: power spectrum of the central 64x64 native pixels of the face (luma, Hann-windowed FFT, DC removed):
 *   log energy share of 8 radial bands, and the high band's peak-to-median ratio (moiré shows as spikes).
 */
export const textureSpec = {
  version: 1,
  size: 64,
  patch: 64,
  bands: 8,
  blocks: [
    { name: 'lbp_y', length: 59 },
    { name: 'lbp_cb', length: 59 },
    { name: 'lbp_cr', length: 59 },
    { name: 'colour', length: 11 },
    { name: 'freq', length: 9 },
  ],
} as const;

export type TextureBlock = (typeof textureSpec.blocks)[number]['name'];
export const textureLength = textureSpec.blocks.reduce((s, b) => s + b.length, 0);

/** Area (box-filter) resample of `rect` to `size`x`size`, interleaved RGB as float; no aliasing on downscaling. */
export function areaResize(img: RgbImage, rect: CropRect, size: number): Float64Array {
  const out = new Float64Array(size * size * 3);
  const sx = rect.width / size;
  const sy = rect.height / size;
  for (let oy = 0; oy < size; oy++) {
    const y0 = rect.y + oy * sy;
    const y1 = y0 + sy;
    for (let ox = 0; ox < size; ox++) {
      const x0 = rect.x + ox * sx;
      const x1 = x0 + sx;
      let r = 0;
      let g = 0;
      let b = 0;
      let wsum = 0;
      for (let py = Math.floor(y0); py < y1; py++) {
        const wy = Math.min(py + 1, y1) - Math.max(py, y0);
        if (wy <= 0) continue;
        const yy = py < 0 ? 0 : py >= img.height ? img.height - 1 : py;
        for (let px = Math.floor(x0); px < x1; px++) {
          const wx = Math.min(px + 1, x1) - Math.max(px, x0);
          if (wx <= 0) continue;
          const xx = px < 0 ? 0 : px >= img.width ? img.width - 1 : px;
          const w = wx * wy;
          const i = (yy * img.width + xx) * 3;
          r += w * img.data[i]!;
          g += w * img.data[i + 1]!;
          b += w * img.data[i + 2]!;
          wsum += w;
        }
      }
      const o = (oy * size + ox) * 3;
      out[o] = r / wsum;
      out[o + 1] = g / wsum;
      out[o + 2] = b / wsum;
    }
  }
  return out;
}

/** 256 LBP codes → 59 bins: the 58 patterns with at most two 0/1 transitions around the circle, and the rest. */
const uniformBin: Uint8Array = (() => {
  const bins = new Uint8Array(256);
  let next = 0;
  for (let code = 0; code < 256; code++) {
    let transitions = 0;
    for (let k = 0; k < 8; k++) transitions += ((code >> k) & 1) !== ((code >> ((k + 1) % 8)) & 1) ? 1 : 0;
    bins[code] = transitions <= 2 ? next++ : 58;
  }
  return bins;
})();

// Neighbours in circular order, starting east.
const ring = [
  [0, 1],
  [-1, 1],
  [-1, 0],
  [-1, -1],
  [0, -1],
  [1, -1],
  [1, 0],
  [1, 1],
] as const;

/** Square-rooted normalised uniform LBP(8,1) histogram of a plane (values compared after rounding to integers). */
export function lbpHistogram(plane: Float64Array, size: number): Float64Array {
  const q = new Int32Array(plane.length);
  for (let i = 0; i < plane.length; i++) q[i] = Math.round(plane[i]!);
  const hist = new Float64Array(59);
  for (let y = 1; y < size - 1; y++) {
    for (let x = 1; x < size - 1; x++) {
      const c = q[y * size + x]!;
      let code = 0;
      for (let k = 0; k < 8; k++) {
        const [dy, dx] = ring[k]!;
        if (q[(y + dy) * size + x + dx]! >= c) code |= 1 << k;
      }
      hist[uniformBin[code]!]!++;
    }
  }
  const n = (size - 2) * (size - 2);
  for (let i = 0; i < 59; i++) hist[i] = Math.sqrt(hist[i]! / n);
  return hist;
}

/** In-place radix-2 FFT of length n (a power of two). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b]! * wr - im[b]! * wi;
        const ti = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

/** Power spectrum of a square luma patch (n a power of two): Hann window, mean removed, 2D FFT, |F|². */
export function powerSpectrum(patch: Float64Array, n: number): Float64Array {
  let mean = 0;
  for (let i = 0; i < patch.length; i++) mean += patch[i]!;
  mean /= patch.length;
  const hann = Float64Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) re[y * n + x] = (patch[y * n + x]! - mean) * hann[y]! * hann[x]!;
  const rowRe = new Float64Array(n);
  const rowIm = new Float64Array(n);
  for (let pass = 0; pass < 2; pass++) {
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        const i = pass === 0 ? a * n + b : b * n + a;
        rowRe[b] = re[i]!;
        rowIm[b] = im[i]!;
      }
      fft(rowRe, rowIm);
      for (let b = 0; b < n; b++) {
        const i = pass === 0 ? a * n + b : b * n + a;
        re[i] = rowRe[b]!;
        im[i] = rowIm[b]!;
      }
    }
  }
  const power = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) power[i] = re[i]! * re[i]! + im[i]! * im[i]!;
  return power;
}

/** Log energy share of `bands` equal-width radial bands up to Nyquist, and the top band's log peak-to-median. */
export function spectrumFeatures(power: Float64Array, n: number, bands: number): Float64Array {
  const energy = new Float64Array(bands);
  const top: number[] = [];
  const half = n / 2;
  let total = 0;
  for (let y = 0; y < n; y++) {
    const fy = y < half ? y : y - n;
    for (let x = 0; x < n; x++) {
      const fx = x < half ? x : x - n;
      const r = Math.sqrt(fx * fx + fy * fy) / half;
      if (r === 0 || r >= 1) continue;
      const band = Math.floor(r * bands);
      const p = power[y * n + x]!;
      energy[band] = energy[band]! + p;
      total += p;
      if (band === bands - 1) top.push(p);
    }
  }
  const out = new Float64Array(bands + 1);
  const eps = 1e-12;
  for (let b = 0; b < bands; b++) out[b] = Math.log((energy[b]! + eps * total + eps) / (total + eps));
  top.sort((a, b) => a - b);
  const median = top[Math.floor(top.length / 2)] ?? 0;
  out[bands] = Math.log((top[top.length - 1] ?? 0) + eps) - Math.log(median + eps);
  return out;
}

/** The face square used by every block (the same square the landmark model sees). */
export function textureCrop(img: RgbImage, box: Box): CropRect {
  return landmarkCrop(img, box);
}

function colourPlanes(rgb: Float64Array): {
  y: Float64Array;
  cb: Float64Array;
  cr: Float64Array;
  s: Float64Array;
  v: Float64Array;
} {
  const n = rgb.length / 3;
  const y = new Float64Array(n);
  const cb = new Float64Array(n);
  const cr = new Float64Array(n);
  const s = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rgb[i * 3]!;
    const g = rgb[i * 3 + 1]!;
    const b = rgb[i * 3 + 2]!;
    y[i] = 0.299 * r + 0.587 * g + 0.114 * b;
    cb[i] = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
    cr[i] = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    v[i] = max / 255;
    s[i] = max > 0 ? (max - min) / max : 0;
  }
  return { y, cb, cr, s, v };
}

function meanStd(a: Float64Array): [number, number] {
  let m = 0;
  for (let i = 0; i < a.length; i++) m += a[i]!;
  m /= a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i]! - m) ** 2;
  return [m, Math.sqrt(v / a.length)];
}

/**
 * The texture feature vector (`textureSpec` order) of the face in `box`. With `frequency` false the `freq` block
 * (an FFT, about a third of the cost) is skipped and left at 0, for models that do not use it.
 */
export function textureFeatures(img: RgbImage, box: Box, frequency = true): Float64Array {
  const { size, patch, bands } = textureSpec;
  const crop = textureCrop(img, box);
  const planes = colourPlanes(areaResize(img, crop, size));
  const out = new Float64Array(textureLength);
  let o = 0;
  for (const plane of [planes.y, planes.cb, planes.cr]) {
    out.set(lbpHistogram(plane, size), o);
    o += 59;
  }
  const stats: number[] = [];
  for (const plane of [planes.y, planes.cb, planes.cr]) stats.push(...meanStd(plane).map((x) => x / 255));
  for (const plane of [planes.s, planes.v]) stats.push(...meanStd(plane));
  const [mb, sb] = meanStd(planes.cb);
  const [mr, sr] = meanStd(planes.cr);
  let cov = 0;
  for (let i = 0; i < planes.cb.length; i++) cov += (planes.cb[i]! - mb) * (planes.cr[i]! - mr);
  stats.push(sb > 0 && sr > 0 ? cov / planes.cb.length / (sb * sr) : 0);
  out.set(stats, o);
  o += stats.length;
  if (!frequency) return out;
  // Native pixels: the recapture artefacts (moiré, print dots, screen pixel grid) live at the camera's own scale.
  const side = Math.min(patch, Math.floor(crop.width), Math.floor(crop.height), img.width, img.height);
  const x0 = Math.max(0, Math.min(img.width - side, Math.round(crop.x + crop.width / 2 - side / 2)));
  const y0 = Math.max(0, Math.min(img.height - side, Math.round(crop.y + crop.height / 2 - side / 2)));
  const luma = new Float64Array(patch * patch);
  const native = areaResize(img, { x: x0, y: y0, width: side, height: side }, patch);
  for (let i = 0; i < luma.length; i++) {
    luma[i] = 0.299 * native[i * 3]! + 0.587 * native[i * 3 + 1]! + 0.114 * native[i * 3 + 2]!;
  }
  out.set(spectrumFeatures(powerSpectrum(luma, patch), patch, bands), o);
  return out;
}
