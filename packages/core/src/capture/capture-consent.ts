/** The capture page's consent text, versioned; `{org}` is the customer, `{operator}` the platform's operator. */
export const captureConsentVersion = 'capture-2026-11-30';

const texts = {
  en:
    '{org} asks you to take a short video selfie so that it can confirm you are a live person' +
    ' and, where it asked for it, that you are the person in the photo it holds. The frames are processed by' +
    ' {operator} on behalf of {org} for this check only; they are analysed in memory and not kept unless {org}’s' +
    ' retention settings require it. You can refuse: close this page and ask {org} for another way to verify.',
  'zh-CN':
    '{org} 请您拍摄一段简短的自拍视频，以确认您是真人，并在其要求时确认您与其持有的照片为同一人。' +
    '这些画面由 {operator} 代表 {org} 仅为本次核验处理；画面在内存中分析，除非 {org} 的保存设置要求，否则不予保存。' +
    '您可以拒绝：关闭本页面，并向 {org} 询问其他核验方式。',
} as const;

export function captureConsentText(locale: 'zh-CN' | 'en' | null, names: { org: string; operator: string }): string {
  return texts[locale ?? 'en'].replaceAll('{org}', names.org).replaceAll('{operator}', names.operator);
}
