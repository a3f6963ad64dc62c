import { describe, expect, it } from 'vitest';
import { initialBundle } from './support/bundle.js';

// The budget for the customer console's first load; docs/benchmarks.md records the measured size.
const initialJsBudgetGzipBytes = 250_000;

describe('the console bundle', () => {
  it('loads at most 250 kB of gzipped JS before the first click', () => {
    const bundle = initialBundle();
    expect(bundle.files.length).toBeGreaterThan(0);
    expect(bundle.files.every((file) => file.name.endsWith('.js'))).toBe(true);
    expect(bundle.gzipBytes).toBeLessThanOrEqual(initialJsBudgetGzipBytes);
  });
});
