import { useTranslation } from 'react-i18next';
import { useApi } from '../api/hooks';
import type { MailMode } from '../api/types';
import { Banner } from '../ui';

/** When the server sends no mail, say so plainly: the link waits in the operator's outbox. */
export function MailModeNote() {
  const { t } = useTranslation('customer');
  const { data } = useApi<MailMode>('/console/api/mail-mode');
  if (!data || data.smtp) return null;
  return (
    <Banner kind="warning" title={t('mail.outboxTitle')}>
      {t('mail.outboxText')}
    </Banner>
  );
}
