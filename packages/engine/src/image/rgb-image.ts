/** A decoded image: interleaved 8-bit RGB, row-major, `width * height * 3` bytes, EXIF orientation applied. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Box {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/** Eye centres (the subject's right eye is on the image's left), nose tip, mouth corners — in image pixels. */
export type FivePoints = readonly [Point, Point, Point, Point, Point];
