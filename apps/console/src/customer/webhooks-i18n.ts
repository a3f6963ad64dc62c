import i18next from 'i18next';
import en from '../i18n/en/webhooks.json';
import zh from '../i18n/zh-CN/webhooks.json';

/**
 * The webhook pages' strings ride in their lazily loaded chunk (like the operator console's): they are added to
 * i18next when the chunk loads (the 'webhooks' namespace).
 */
if (!i18next.hasResourceBundle('zh-CN', 'webhooks')) i18next.addResourceBundle('zh-CN', 'webhooks', zh, true, true);
if (!i18next.hasResourceBundle('en', 'webhooks')) i18next.addResourceBundle('en', 'webhooks', en, true, true);
