import { describe, expect, it } from 'vitest';
import { loggedUrl } from './app.js';

describe('loggedUrl', () => {
  it('masks a secret parameter whatever the spelling of its name the query parser accepts', () => {
    // Fastify's query parser decodes names, so `api%5Fsecret` authenticates exactly as `api_secret` does.
    expect(loggedUrl('/faceid/lite/get_result?api_key=key_1&api%5Fsecret=s3cr3t&biz_id=cap_1')).toBe(
      '/faceid/lite/get_result?api_key=key_1&api%5Fsecret=[redacted]&biz_id=cap_1',
    );
    expect(loggedUrl('/faceid/lite/get_result?%73ign=abc&api_key=k')).toBe(
      '/faceid/lite/get_result?%73ign=[redacted]&api_key=k',
    );
    expect(loggedUrl('/console/verify-email?x=1&%54oken=t0k')).toBe('/console/verify-email?x=1&%54oken=[redacted]');
  });

  it('keeps other parameters and the masking it did before', () => {
    expect(loggedUrl('/faceid/lite/get_result?api_key=key_1&api_secret=s3cr3t&biz_id=cap_1&sign=abc%2B')).toBe(
      '/faceid/lite/get_result?api_key=key_1&api_secret=[redacted]&biz_id=cap_1&sign=[redacted]',
    );
    expect(loggedUrl('/console/reset-password?token=abc')).toBe('/console/reset-password?token=[redacted]');
    expect(loggedUrl('/console/verify-email?x=1&TOKEN=abc')).toBe('/console/verify-email?x=1&TOKEN=[redacted]');
    expect(loggedUrl('/capture/abcDEF?x=1')).toBe('/capture/[redacted]?x=1');
    expect(loggedUrl('/capture/assets/app.js')).toBe('/capture/assets/app.js');
    expect(loggedUrl('/v1/x?signature_kind=a&tokens=b&%E0%A4%A=c')).toBe('/v1/x?signature_kind=a&tokens=b&%E0%A4%A=c');
  });
});
