import { useTranslation } from 'react-i18next';

const tone: Record<string, string> = {
  certified: 'good',
  active: 'good',
  confirmed: 'good',
  approved: 'good',
  resolved: 'good',
  pending: 'warn',
  open: 'warn',
  in_progress: 'warn',
  submitted: 'warn',
  registered: '',
  draft: '',
  rejected: 'bad',
  suspended: 'bad',
  terminated: 'bad',
  revoked: 'bad',
  dismissed: '',
  frozen: 'bad',
};

/** A status word in a coloured pill, translated from customer:status.<value>. */
export function Status({ value }: { readonly value: string }) {
  const { t } = useTranslation('customer');
  const kind = tone[value];
  return (
    <span className={`status${kind ? ` status-${kind}` : ''}`}>{t(`status.${value}`, { defaultValue: value })}</span>
  );
}
