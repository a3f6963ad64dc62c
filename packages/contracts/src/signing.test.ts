import { describe, expect, it } from 'vitest';
import { canonicalRequest, sortedQueryString } from './signing.js';

describe('canonical request', () => {
  it('sorts query pairs by name then value, keeping their bytes as sent', () => {
    expect(sortedQueryString('b=2&a=1&a=0&c')).toBe('a=0&a=1&b=2&c=');
    expect(sortedQueryString('q=%E4%BA%BA&Z=1')).toBe('Z=1&q=%E4%BA%BA');
    expect(sortedQueryString('')).toBe('');
  });

  it('joins method, path, query, timestamp, nonce and body hash with newlines', () => {
    expect(
      canonicalRequest({
        method: 'post',
        path: '/v1/compare',
        query: 'b=2&a=1',
        timestamp: '1796029200',
        nonce: 'abcdefghijklmnop',
        bodySha256Hex: 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855',
      }),
    ).toBe(
      'POST\n/v1/compare\na=1&b=2\n1796029200\nabcdefghijklmnop\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
});

describe('docs/api/signing.md', () => {
  it('has a worked example this code reproduces', async () => {
    const { createHash, createHmac } = await import('node:crypto');
    const body = '{"image1":"<base64>","image2":"<base64>"}';
    const canonical = canonicalRequest({
      method: 'POST',
      path: '/v1/compare',
      query: 'lang=en&a=1',
      timestamp: '1796029200',
      nonce: '4f1c2a9e8b7d6c5e',
      bodySha256Hex: createHash('sha256').update(body).digest('hex'),
    });
    const signature = createHmac('sha256', 'sk_test_example_secret').update(canonical).digest('hex');
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../../docs/api/signing.md', import.meta.url), 'utf8');
    expect(doc).toContain(canonical);
    expect(doc).toContain(signature);
  });
});
