import i18next from 'i18next';
import en from '../i18n/en/admin.json';
import zh from '../i18n/zh-CN/admin.json';

/**
 * The operator console's strings ride in its lazily loaded chunk, not in the customer console's initial JS: they are
 * added to i18next when this chunk loads (the 'admin' namespace).
 */
if (!i18next.hasResourceBundle('zh-CN', 'admin')) i18next.addResourceBundle('zh-CN', 'admin', zh, true, true);
if (!i18next.hasResourceBundle('en', 'admin')) i18next.addResourceBundle('en', 'admin', en, true, true);
