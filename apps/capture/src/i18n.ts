/**
 * The page's two languages. The session's locale wins, then the browser's; the person can switch at any time (kept for
 * the tab in sessionStorage). Plain objects: the English table must have every key of the Chinese one (the type says
 * so), and a missing key is a compile error, not an empty label.
 */

export const languages = ['zh-CN', 'en'] as const;
export type Language = (typeof languages)[number];

const zh = {
  title: '人脸核验',
  switchLanguage: 'English',
  switchLanguageLabel: 'Switch to English',
  loading: '正在打开…',
  poweredBy: '由 Visage 提供',
  requestedBy: '{app}（{org}）请您完成人脸核验',
  consentHeading: '开始之前',
  consentIntro: '为核验您的身份，{org} 将通过本页面采集您的面部图像，由 {operator} 处理。请阅读以下说明：',
  consentVersion: '说明版本 {version}',
  consentCheckbox: '我已阅读并同意上述说明，同意采集和处理我的面部图像',
  consentAccept: '同意并开启摄像头',
  consentDecline: '不同意',
  cameraOpening: '正在开启摄像头…',
  cameraPrompt: '浏览器将询问是否允许使用摄像头，请选择“允许”。',
  guideHeading: '请将面部置于椭圆框内',
  guideHint: '保持光线充足、正对摄像头，摘下口罩和墨镜。',
  start: '开始',
  cancel: '取消',
  feedbackReady: '很好，请保持',
  feedbackDark: '光线太暗，请到明亮处',
  feedbackBright: '光线太强，请避开强光',
  feedbackCloser: '请靠近一些，让面部填满椭圆框',
  feedbackFarther: '请稍微远离一些',
  feedbackStill: '请保持不动',
  feedbackWaiting: '正在检测…',
  stepOf: '第 {n} 步，共 {total} 步',
  step_still: '请正对摄像头，保持不动',
  step_blink: '请眨眨眼',
  step_open_mouth: '请张张嘴',
  step_turn_left: '请向左转头，再转回来',
  step_turn_right: '请向右转头，再转回来',
  step_nod: '请点点头',
  step_flash: '请保持不动，屏幕颜色将变化',
  flashWarning:
    '注意：接下来屏幕会以全屏彩色闪烁约 2–4 秒（每秒不超过 2.5 次变化）。如果您对闪光敏感（如光敏性癫痫），请不要继续，点击“取消”。',
  checking: '正在核验，请稍候…',
  uploadFailed: '上传失败，请检查网络后重试。',
  passedHeading: '核验完成',
  passedBody: '感谢您的配合。',
  failedHeading: '未能通过核验',
  failedRetry: '您还可以再试 {n} 次。',
  failedFinal: '已没有剩余的尝试次数。',
  retry: '再试一次',
  returning: '正在返回 {app}…',
  returnNow: '返回 {app}',
  closePage: '您现在可以关闭此页面。',
  reason_spoof: '未能确认是真人在镜头前。请直接面对摄像头，不要使用照片或屏幕。',
  reason_face_replaced: '核验过程中出现了不同的面孔。请只让本人出现在镜头前。',
  reason_challenge_failed: '未能看到所要求的动作。请按提示做出动作，动作幅度稍大一些。',
  reason_no_face: '未能清楚地看到您的面部。请到光线充足处，正对摄像头。',
  reason_too_few_frames: '收到的画面不足。请保持网络通畅，然后重试。',
  reason_timing: '画面的时间信息异常，请重试。',
  reason_other: '本次核验未通过。',
  cancelledHeading: '已取消',
  cancelledBody: '您已取消本次核验，未采集任何面部图像。',
  cancelConfirm: '确定要取消本次核验吗？',
  unsupportedHeading: '无法使用摄像头',
  unsupported_no_media_devices:
    '此浏览器不支持在网页中使用摄像头（或页面不是通过 HTTPS 打开的）。请使用最新版的 Safari、Chrome 或微信内置浏览器打开链接。',
  unsupported_no_camera: '没有找到可用的摄像头。请换一台带前置摄像头的设备。',
  unsupported_camera_busy: '摄像头正被其他应用占用，无法开启。',
  unsupported_permission_denied: '您拒绝了摄像头权限。',
  unsupportedReported: '已将“无法使用摄像头”告知 {app}。',
  permissionDeniedHeading: '没有摄像头权限',
  permissionDeniedBody: '浏览器拒绝了摄像头权限。请在浏览器的网站设置中允许本网站使用摄像头，然后重试。',
  tryAgain: '重试',
  noCamera: '我无法使用摄像头',
  errorHeading: '无法继续',
  error_link_used: '此链接已被使用过。如需重新核验，请向 {app} 索取新的链接。',
  error_link_used_generic: '此链接已被使用过。如需重新核验，请索取新的链接。',
  error_expired: '此核验链接已过期。请重新发起核验。',
  error_not_found: '此核验链接无效。请检查链接是否完整。',
  error_finished: '此核验已经结束。',
  error_rate_limited: '操作过于频繁，请稍后再试。',
  error_network: '网络连接失败，请检查网络后重试。',
  error_generic: '出现了问题，请稍后重试。',
  errorCode: '错误代码：{code}',
};

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  title: 'Face verification',
  switchLanguage: '中文',
  switchLanguageLabel: '切换到中文',
  loading: 'Opening…',
  poweredBy: 'Powered by Visage',
  requestedBy: '{app} ({org}) asks you to verify your face',
  consentHeading: 'Before you start',
  consentIntro:
    'To verify your identity, {org} will capture images of your face on this page, processed by {operator}. Please read:',
  consentVersion: 'Notice version {version}',
  consentCheckbox: 'I have read and agree to the notice above, and consent to the capture and processing of my face',
  consentAccept: 'Agree and open the camera',
  consentDecline: 'I do not agree',
  cameraOpening: 'Opening the camera…',
  cameraPrompt: 'Your browser will ask to use the camera: choose “Allow”.',
  guideHeading: 'Place your face inside the oval',
  guideHint: 'Use good light, face the camera, and take off a mask or sunglasses.',
  start: 'Start',
  cancel: 'Cancel',
  feedbackReady: 'Good — hold it there',
  feedbackDark: 'Too dark — find more light',
  feedbackBright: 'Too bright — avoid direct light',
  feedbackCloser: 'Move closer so your face fills the oval',
  feedbackFarther: 'Move back a little',
  feedbackStill: 'Hold still',
  feedbackWaiting: 'Checking…',
  stepOf: 'Step {n} of {total}',
  step_still: 'Look at the camera and hold still',
  step_blink: 'Blink your eyes',
  step_open_mouth: 'Open your mouth',
  step_turn_left: 'Turn your head to the left, then back',
  step_turn_right: 'Turn your head to the right, then back',
  step_nod: 'Nod your head',
  step_flash: 'Hold still — the screen will change colour',
  flashWarning:
    'Warning: the screen will flash full-screen colours for about 2–4 seconds (at most 2.5 changes a second). If you are sensitive to flashing light (e.g. photosensitive epilepsy), do not continue; choose Cancel.',
  checking: 'Checking, please wait…',
  uploadFailed: 'The upload failed. Check your connection and try again.',
  passedHeading: 'Verification complete',
  passedBody: 'Thank you.',
  failedHeading: 'Verification did not pass',
  failedRetry: 'You can try {n} more time(s).',
  failedFinal: 'No attempts are left.',
  retry: 'Try again',
  returning: 'Returning to {app}…',
  returnNow: 'Return to {app}',
  closePage: 'You can close this page now.',
  reason_spoof: 'We could not confirm a live person. Face the camera directly; do not use a photo or a screen.',
  reason_face_replaced: 'A different face appeared during the check. Only the person being verified should be in view.',
  reason_challenge_failed: 'We could not see the requested movement. Follow each prompt with a clear movement.',
  reason_no_face: 'We could not see your face clearly. Find good light and face the camera.',
  reason_too_few_frames: 'Too few images arrived. Keep a steady connection and try again.',
  reason_timing: 'The images’ timing looked wrong. Please try again.',
  reason_other: 'This verification did not pass.',
  cancelledHeading: 'Cancelled',
  cancelledBody: 'You cancelled this verification. No images of your face were captured.',
  cancelConfirm: 'Cancel this verification?',
  unsupportedHeading: 'The camera cannot be used',
  unsupported_no_media_devices:
    'This browser cannot use the camera from a web page (or the page was not opened over HTTPS). Open the link in an up-to-date Safari or Chrome.',
  unsupported_no_camera: 'No camera was found. Use a device with a front camera.',
  unsupported_camera_busy: 'The camera is in use by another app and could not be opened.',
  unsupported_permission_denied: 'You refused access to the camera.',
  unsupportedReported: '{app} has been told that the camera could not be used.',
  permissionDeniedHeading: 'No access to the camera',
  permissionDeniedBody:
    'The browser refused access to the camera. Allow this site to use the camera in the browser’s site settings, then try again.',
  tryAgain: 'Try again',
  noCamera: 'I cannot use a camera',
  errorHeading: 'Cannot continue',
  error_link_used: 'This link has already been used. To verify again, ask {app} for a new link.',
  error_link_used_generic: 'This link has already been used. To verify again, ask for a new link.',
  error_expired: 'This verification link has expired. Please start the verification again.',
  error_not_found: 'This verification link is not valid. Check that the whole link was copied.',
  error_finished: 'This verification has already ended.',
  error_rate_limited: 'Too many requests. Please wait a moment and try again.',
  error_network: 'Could not reach the server. Check your connection and try again.',
  error_generic: 'Something went wrong. Please try again later.',
  errorCode: 'Error code: {code}',
};

const tables: Record<Language, Record<MessageKey, string>> = { 'zh-CN': zh, en };
const storageKey = 'visage.capture.lang';

let current: Language = 'zh-CN';

/** A locale tag to one of ours: zh, zh-CN, zh-Hans-… → zh-CN; anything else English. */
export function languageOf(tag: string | null | undefined): Language | undefined {
  if (!tag) return undefined;
  const lower = tag.toLowerCase();
  if (lower.startsWith('zh')) return 'zh-CN';
  if (lower.startsWith('en')) return 'en';
  return undefined;
}

/** The person's earlier choice in this tab, else the session's locale, else the browser's languages, else Chinese. */
export function pickLanguage(sessionLocale?: string | null): Language {
  let stored: string | null = null;
  try {
    stored = sessionStorage.getItem(storageKey);
  } catch {
    // storage blocked: not remembered
  }
  const fromBrowser = (navigator.languages ?? [navigator.language]).map(languageOf).find((found) => found);
  return languageOf(stored) ?? languageOf(sessionLocale) ?? fromBrowser ?? 'zh-CN';
}

export function setLanguage(language: Language, remember = false): void {
  current = language;
  document.documentElement.lang = language;
  if (!remember) return;
  try {
    sessionStorage.setItem(storageKey, language);
  } catch {
    // not remembered; still switched
  }
}

export function language(): Language {
  return current;
}

export function hasMessage(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(zh, key);
}

/** A message with its {placeholders} filled. */
export function t(key: MessageKey, values: Record<string, string | number> = {}): string {
  return tables[current][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}
