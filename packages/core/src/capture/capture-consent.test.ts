import { describe, expect, it } from 'vitest';
import {
  captureConsentText,
  captureConsentTextVersion,
  captureConsentVersion,
  resolveCaptureLocale,
} from './capture-consent.js';

describe('the capture page’s consent language', () => {
  it('takes the session’s locale over the browser’s', () => {
    expect(resolveCaptureLocale('en', 'zh-CN,zh;q=0.9')).toBe('en');
    expect(resolveCaptureLocale('zh-CN', 'en-US,en;q=0.9')).toBe('zh-CN');
  });

  it('else the first supported Accept-Language by q-value, any zh or en variant', () => {
    expect(resolveCaptureLocale(null, 'en-GB,en;q=0.9')).toBe('en');
    expect(resolveCaptureLocale(null, 'zh-TW')).toBe('zh-CN');
    expect(resolveCaptureLocale(null, 'zh')).toBe('zh-CN');
    expect(resolveCaptureLocale(null, 'fr-FR, en;q=0.4, zh-CN;q=0.6')).toBe('zh-CN');
    expect(resolveCaptureLocale(null, 'zh-CN;q=0.2, EN;q=0.8')).toBe('en');
    // Equal weights keep the header's order; q=0 means "not this one".
    expect(resolveCaptureLocale(null, 'en, zh')).toBe('en');
    expect(resolveCaptureLocale(null, 'en;q=0, zh;q=0.1')).toBe('zh-CN');
    // "eng" or "zhx" are other languages, not variants.
    expect(resolveCaptureLocale(null, 'eng')).toBe('zh-CN');
  });

  it('defaults to zh-CN, the product’s language', () => {
    expect(resolveCaptureLocale(null, undefined)).toBe('zh-CN');
    expect(resolveCaptureLocale(null, '')).toBe('zh-CN');
    expect(resolveCaptureLocale(null, 'de-DE,fr;q=0.8')).toBe('zh-CN');
    expect(resolveCaptureLocale(null, ';;,q=1')).toBe('zh-CN');
  });

  it('names the customer and the operator in both texts, and versions them with their language', () => {
    const names = { org: 'Acme', operator: 'Visage Ops' };
    expect(captureConsentText('en', names)).toMatch(/^Acme asks you .* processed by Visage Ops on behalf of Acme/);
    expect(captureConsentText('zh-CN', names)).toContain('由 Visage Ops 代表 Acme');
    expect(captureConsentTextVersion('zh-CN')).toBe(`${captureConsentVersion}:zh-CN`);
    expect(captureConsentTextVersion('en')).toBe(`${captureConsentVersion}:en`);
  });
});
