import { describe, expect, it } from 'vitest';
import { captureDist, initialBundle } from './support/bundle.js';

// The hosted capture page must load fast on a phone: its whole JS, gzipped, within 60 kB (docs/capture-page.md).
const captureJsBudgetGzipBytes = 60_000;

describe('the capture page bundle', () => {
  it('loads at most 60 kB of gzipped JS', () => {
    const bundle = initialBundle(captureDist, '/capture/');
    expect(bundle.files.length).toBeGreaterThan(0);
    expect(bundle.files.every((file) => file.name.startsWith('assets/') && file.name.endsWith('.js'))).toBe(true);
    expect(bundle.gzipBytes).toBeLessThanOrEqual(captureJsBudgetGzipBytes);
  });
});
