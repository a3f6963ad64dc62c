/** One recognised character and the probability the model gave it. */
export interface DecodedChar {
  readonly char: string;
  readonly confidence: number;
}

/**
 * The PP-OCR recogniser's classes: index 0 is the CTC blank, then the dictionary file's lines in order, then a
 * space (the models are trained with `use_space_char`).
 */
export function ctcAlphabet(dictionary: string): string[] {
  const lines = dictionary.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return ['', ...lines, ' '];
}

/**
 * Greedy (best-path) CTC decoding of `steps × classes` softmax scores: take the best class at each step, merge
 * repeats, drop blanks. Each character's confidence is the best-class probability of the step it came from (the
 * largest over a run of repeats).
 */
export function ctcGreedyDecode(
  scores: Float32Array,
  steps: number,
  classes: number,
  alphabet: readonly string[],
): DecodedChar[] {
  if (alphabet.length !== classes) {
    throw new RangeError(`the recogniser has ${classes} classes, the dictionary gives ${alphabet.length}`);
  }
  const out: { char: string; confidence: number }[] = [];
  let previous = 0;
  for (let t = 0; t < steps; t++) {
    const row = t * classes;
    let best = 0;
    let bestScore = scores[row] ?? 0;
    for (let c = 1; c < classes; c++) {
      const s = scores[row + c] ?? 0;
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    if (best !== 0 && best === previous) {
      const last = out[out.length - 1]!;
      last.confidence = Math.max(last.confidence, bestScore);
    } else if (best !== 0) {
      out.push({ char: alphabet[best]!, confidence: bestScore });
    }
    previous = best;
  }
  return out;
}
