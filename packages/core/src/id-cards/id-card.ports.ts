/** What the ID-card context needs from the OCR engine. */

export interface OcrPoint {
  readonly x: number;
  readonly y: number;
}

/** One line of text the engine read. */
export interface OcrLine {
  readonly text: string;
  /** One confidence in [0, 1] per character of `text`. */
  readonly charConfidences: readonly number[];
  /** Corners in the input image, in the text's reading order: top-left, top-right, bottom-right, bottom-left. */
  readonly quad: readonly [OcrPoint, OcrPoint, OcrPoint, OcrPoint];
  /** Centre and size of the line in the image turned upright (text level, reading left to right). */
  readonly upright: { readonly cx: number; readonly cy: number; readonly width: number; readonly height: number };
}

/** Image measurements behind the photocopy / screen-capture hints (see docs/id-cards.md). */
export interface OcrImageSignals {
  /** Mean colour saturation of the card area, 0-255: a photocopy or grayscale scan is near 0. */
  readonly meanChroma: number;
  /** Share of horizontally adjacent pixel pairs that are exactly equal: camera noise makes it small. */
  readonly flatPixelShare: number;
}

export interface OcrReading {
  readonly image: { readonly width: number; readonly height: number; readonly format: string };
  /** Clockwise direction of the text in the image, degrees: 0 upright, 90 a card turned a quarter clockwise. */
  readonly rotation: number;
  readonly lines: readonly OcrLine[];
  /** The card's outline in the input image (corners clockwise from its top-left), when it stands out from the
   * background. */
  readonly cardQuad?: readonly [OcrPoint, OcrPoint, OcrPoint, OcrPoint];
  readonly signals: OcrImageSignals;
  readonly modelId: string;
  /** The card's portrait cropped as a JPEG, when asked for and a face was found. */
  readonly portrait?: Uint8Array;
}

/** The OCR engine behind a port: errors it throws carry the registry's image.* and service.* codes. */
export interface OcrEnginePort {
  readText(image: Uint8Array, options?: { readonly portrait?: boolean }): Promise<OcrReading>;
}
