import type { NoticeData, NoticeKind } from './notices.ports.js';

/**
 * The words of system notices, in zh-CN and English. The inbox shows them in the reader's language; mail carries
 * both (Chinese first). Announcements are the operator's own title and body, shown as written. Templates read only
 * the data fields they know and leave out any that are missing, so a sender may pass more or fewer fields.
 */
export const noticeLanguages = ['zh-CN', 'en'] as const;
export type NoticeLanguage = (typeof noticeLanguages)[number];

export interface NoticeText {
  readonly title: string;
  readonly body: string;
}

/** Per language: the title, and the lead line that opens the body. */
type Template = Record<NoticeLanguage, readonly [title: string, lead: string]>;

const templates: Record<Exclude<NoticeKind, 'announcement'>, Template> = {
  'certification.approved': {
    'zh-CN': ['企业认证已通过', '您的企业认证已通过审核。接受现行服务协议后即可使用正式（live）密钥。'],
    en: [
      'Certification approved',
      'Your organisation is certified. Live keys work once the current service agreement is accepted.',
    ],
  },
  'certification.rejected': {
    'zh-CN': ['企业认证未通过', '您的企业认证申请未通过审核。请按原因修改后重新提交。'],
    en: [
      'Certification rejected',
      'Your certification application was rejected. Correct it as the reason says and submit it again.',
    ],
  },
  'org.suspended': {
    'zh-CN': ['组织已被暂停', '您的组织已被运营方暂停，正式与测试密钥均已停止工作。'],
    en: ['Organisation suspended', 'The operator suspended your organisation; its API keys stopped working.'],
  },
  'org.resumed': {
    'zh-CN': ['组织已恢复', '您的组织已恢复正常，密钥重新可用。'],
    en: ['Organisation resumed', 'Your organisation is active again; its keys work again.'],
  },
  'org.terminated': {
    'zh-CN': ['组织已终止', '运营方已终止您的组织的服务。'],
    en: ['Organisation terminated', 'The operator terminated the service for your organisation.'],
  },
  'org.frozen': {
    'zh-CN': [
      '组织已冻结',
      '因收到账号被盗用的报告，您的组织已被冻结：正式（live）密钥停止工作，所有用户的登录会话均已注销。测试（sandbox）密钥仍可使用。运营方处理该报告后将解除冻结。建议立即修改密码并轮换密钥。',
    ],
    en: [
      'Organisation frozen',
      'A compromised-account report froze your organisation: live keys stopped working and every user was signed out. Sandbox keys keep working. The freeze ends when the operator resolves the report. Change your passwords and rotate your keys now.',
    ],
  },
  'price.scheduled': {
    'zh-CN': ['价格调整通知', '以下产品的价格将调整。'],
    en: ['Price change scheduled', 'The price of a product will change.'],
  },
  'agreement.published': {
    'zh-CN': [
      '服务协议新版本',
      '运营方发布了新版本的服务协议与数据处理协议。生效日期之后，未接受新版本的组织的正式密钥将停止工作。',
    ],
    en: [
      'New agreement version',
      'The operator published a new version of the service agreement and data-processing terms. After its effective date, live keys stop until it is accepted.',
    ],
  },
  'topup.confirmed': {
    'zh-CN': ['充值已到账', '您的充值已确认并计入余额。'],
    en: ['Top-up confirmed', 'Your top-up was confirmed and credited to your balance.'],
  },
  'topup.rejected': {
    'zh-CN': ['充值申请被拒绝', '您的充值申请未被确认。'],
    en: ['Top-up rejected', 'Your top-up request was not confirmed.'],
  },
  'bonus.granted': {
    'zh-CN': ['赠送额度已到账', '运营方向您的账户赠送了额度。'],
    en: ['Bonus credit granted', 'The operator granted your wallet bonus credit.'],
  },
  'balance.low': {
    'zh-CN': ['余额不足提醒', '您的可用余额已低于设置的提醒阈值，请及时充值以免正式调用被拒绝。'],
    en: [
      'Low balance',
      'Your available balance fell below your alert threshold. Top up so that live calls are not refused.',
    ],
  },
  'complaint.updated': {
    'zh-CN': ['投诉处理进展', '您提交的投诉/举报有了新的处理进展。'],
    en: ['Complaint updated', 'There is news on a complaint or report you filed.'],
  },
};

/** The data fields templates show, with their labels; amounts in fen are shown in yuan. */
const fields: readonly { key: string; label: Record<NoticeLanguage, string>; fen?: boolean }[] = [
  { key: 'reason', label: { 'zh-CN': '原因', en: 'Reason' } },
  { key: 'product', label: { 'zh-CN': '产品', en: 'Product' } },
  { key: 'amount_fen', label: { 'zh-CN': '金额', en: 'Amount' }, fen: true },
  { key: 'price_fen', label: { 'zh-CN': '新价格', en: 'New price' }, fen: true },
  { key: 'balance_fen', label: { 'zh-CN': '可用余额', en: 'Available balance' }, fen: true },
  { key: 'threshold_fen', label: { 'zh-CN': '提醒阈值', en: 'Alert threshold' }, fen: true },
  { key: 'version', label: { 'zh-CN': '版本', en: 'Version' } },
  { key: 'effective_at', label: { 'zh-CN': '生效时间', en: 'Effective from' } },
  { key: 'complaint_id', label: { 'zh-CN': '投诉编号', en: 'Complaint' } },
  { key: 'subject', label: { 'zh-CN': '主题', en: 'Subject' } },
  { key: 'status', label: { 'zh-CN': '状态', en: 'Status' } },
  { key: 'note', label: { 'zh-CN': '处理说明', en: 'Note' } },
  { key: 'reference', label: { 'zh-CN': '参考号', en: 'Reference' } },
];

export interface RenderableNotice {
  readonly kind: NoticeKind;
  readonly title: string | null;
  readonly body: string | null;
  readonly data: NoticeData;
}

/** The notice's title and body in one language. */
export function noticeText(notice: RenderableNotice, language: NoticeLanguage): NoticeText {
  if (notice.kind === 'announcement') return { title: notice.title ?? '', body: notice.body ?? '' };
  const [title, lead] = templates[notice.kind][language];
  const lines = [lead];
  for (const field of fields) {
    const value = notice.data[field.key];
    if (value === undefined || value === null || value === '') continue;
    const shown = field.fen && typeof value === 'number' ? yuan(value) : String(value);
    lines.push(`${field.label[language]}${language === 'zh-CN' ? '：' : ': '}${shown}`);
  }
  return {
    title: notice.title ?? title,
    body: [...lines, ...(notice.body ? [notice.body] : [])].join('\n'),
  };
}

/** A mail carrying the notice in both languages, Chinese first. */
export function noticeMail(notice: RenderableNotice): { subject: string; text: string } {
  const zh = noticeText(notice, 'zh-CN');
  const en = noticeText(notice, 'en');
  const subject = notice.kind === 'announcement' ? zh.title : `${zh.title} / ${en.title}`;
  const text =
    notice.kind === 'announcement'
      ? `${zh.body}\n\n—\nVisage`
      : `${zh.body}\n\n———\n\n${en.body}\n\n—\nVisage（请登录控制台查看站内消息 / sign in to the console to read your notices）`;
  return { subject: `[Visage] ${subject}`, text };
}

function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
