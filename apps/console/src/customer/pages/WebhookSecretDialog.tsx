import { useTranslation } from 'react-i18next';
import type { WebhookSecretIssued } from '../../api/types';
import { Banner, Button, CopyButton, DateTime, Dialog } from '../../ui';

/**
 * A webhook signing secret just issued — by "rotate secret" on the webhooks page, or by saving an app's first webhook
 * URL — shown this once with a copy button, and until when the previous secret keeps signing beside it.
 */
export function WebhookSecretDialog({
  issued,
  onClose,
}: {
  readonly issued: WebhookSecretIssued;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation('customer');
  return (
    <Dialog
      title={t('webhookSecret.title')}
      onClose={onClose}
      actions={
        <Button variant="primary" onClick={onClose}>
          {t('webhookSecret.stored')}
        </Button>
      }
    >
      <Banner kind="warning">{t('webhookSecret.once')}</Banner>
      <dl className="dl">
        <dt>{t('webhookSecret.id')}</dt>
        <dd>
          <code>{issued.id}</code>
        </dd>
        <dt>{t('webhookSecret.secret')}</dt>
        <dd>
          <code className="secret" data-testid="new-webhook-secret">
            {issued.secret}
          </code>
        </dd>
      </dl>
      <CopyButton text={issued.secret} label={t('webhookSecret.copy')} />
      <p className="muted">{t('webhookSecret.use')}</p>
      {issued.previous_expires_at ? (
        <p className="muted" data-testid="webhook-secret-grace">
          {t('webhookSecret.graceNote')} <DateTime value={issued.previous_expires_at} />
        </p>
      ) : null}
    </Dialog>
  );
}
