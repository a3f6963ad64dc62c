import { describe, expect, it } from 'vitest';
import { ctcAlphabet, ctcGreedyDecode } from './ctc-decode.js';

/** Softmax-like rows with `p` on the given class and the rest spread evenly. */
function rows(classes: number, path: readonly number[], p = 0.9): Float32Array {
  const out = new Float32Array(path.length * classes).fill((1 - p) / (classes - 1));
  path.forEach((c, t) => (out[t * classes + c] = p));
  return out;
}

describe('ctcAlphabet', () => {
  it('puts the blank first and the space last, without a trailing empty line', () => {
    expect(ctcAlphabet('a\nb\n')).toEqual(['', 'a', 'b', ' ']);
    expect(ctcAlphabet('a\r\nb')).toEqual(['', 'a', 'b', ' ']);
  });
});

describe('ctcGreedyDecode', () => {
  const alphabet = ctcAlphabet('1\n2\nX\n');
  it('merges repeats and drops blanks, but keeps a repeat separated by a blank', () => {
    // 1 1 _ 1 2 2 _ X  ->  "112X"
    const path = [1, 1, 0, 1, 2, 2, 0, 3];
    const chars = ctcGreedyDecode(rows(5, path), path.length, 5, alphabet);
    expect(chars.map((c) => c.char).join('')).toBe('112X');
    expect(chars.every((c) => Math.abs(c.confidence - 0.9) < 1e-6)).toBe(true);
  });

  it('decodes the space class', () => {
    const path = [1, 4, 2];
    expect(ctcGreedyDecode(rows(5, path), 3, 5, alphabet).map((c) => c.char)).toEqual(['1', ' ', '2']);
  });

  it('refuses a dictionary that does not fit the model', () => {
    expect(() => ctcGreedyDecode(rows(6, [1]), 1, 6, alphabet)).toThrow(RangeError);
  });
});
