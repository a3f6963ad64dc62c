import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import enCommon from './en/common.json';
import enCustomer from './en/customer.json';
import zhCommon from './zh-CN/common.json';
import zhCustomer from './zh-CN/customer.json';

export const languages = ['zh-CN', 'en'] as const;
export type Language = (typeof languages)[number];
const storageKey = 'visage.lang';

function initialLanguage(): Language {
  try {
    const stored = localStorage.getItem(storageKey);
    if (stored === 'en' || stored === 'zh-CN') return stored;
  } catch {
    // storage blocked: fall back to the default
  }
  return 'zh-CN';
}

/** Change the language, remember it, and keep <html lang> in step. */
export function setLanguage(language: Language): void {
  try {
    localStorage.setItem(storageKey, language);
  } catch {
    // not remembered; still switched
  }
  void i18next.changeLanguage(language);
}

i18next.on('languageChanged', (language) => {
  document.documentElement.lang = language;
});

void i18next.use(initReactI18next).init({
  resources: {
    // 'admin' is added by the operator console's lazy chunk (src/admin/i18n.ts), keeping it out of the initial JS.
    'zh-CN': { common: zhCommon, customer: zhCustomer },
    en: { common: enCommon, customer: enCustomer },
  },
  lng: initialLanguage(),
  fallbackLng: 'zh-CN',
  ns: ['common', 'customer'],
  defaultNS: 'common',
  fallbackNS: 'common',
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = i18next.language;

export default i18next;
