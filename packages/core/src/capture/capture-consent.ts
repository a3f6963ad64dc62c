/** The capture page's consent text, versioned; `{org}` is the customer, `{operator}` the platform's operator. */
export const captureConsentVersion = 'capture-2026-11-30';

export const captureLocales = ['zh-CN', 'en'] as const;
export type CaptureLocale = (typeof captureLocales)[number];
/** The product's default language, when neither the session nor the browser names a supported one. */
export const defaultCaptureLocale: CaptureLocale = 'zh-CN';

const texts: Readonly<Record<CaptureLocale, string>> = {
  en:
    '{org} asks you to take a short video selfie so that it can confirm you are a live person' +
    ' and, where it asked for it, that you are the person in the photo it holds. The frames are processed by' +
    ' {operator} on behalf of {org} for this check only; they are analysed in memory and not kept unless {org}’s' +
    ' retention settings require it. You can refuse: close this page and ask {org} for another way to verify.',
  'zh-CN':
    '{org} 请您拍摄一段简短的自拍视频，以确认您是真人，并在其要求时确认您与其持有的照片为同一人。' +
    '这些画面由 {operator} 代表 {org} 仅为本次核验处理；画面在内存中分析，除非 {org} 的保存设置要求，否则不予保存。' +
    '您可以拒绝：关闭本页面，并向 {org} 询问其他核验方式。',
};

export function captureConsentText(locale: CaptureLocale, names: { org: string; operator: string }): string {
  return texts[locale].replaceAll('{org}', names.org).replaceAll('{operator}', names.operator);
}

/** What a consent record stores as its text version: the version and the language of the text the person read. */
export const captureConsentTextVersion = (locale: CaptureLocale): string => `${captureConsentVersion}:${locale}`;

/**
 * The page's language: the session's locale, else the first language of the browser's Accept-Language (by q-value)
 * that the page has — any `zh…` tag reads the Chinese text, any `en…` tag the English one — else zh-CN.
 */
export function resolveCaptureLocale(
  sessionLocale: CaptureLocale | null,
  acceptLanguage: string | undefined,
): CaptureLocale {
  if (sessionLocale) return sessionLocale;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .slice(0, 20)
    .map((part, order) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { tag: tag.trim().toLowerCase(), weight: Number.isFinite(weight) ? weight : 0, order };
    })
    .filter((entry) => entry.tag !== '' && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.order - b.order);
  for (const { tag } of ranked) {
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return defaultCaptureLocale;
}
