import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import type { SessionList } from '../../api/types';
import { Banner, Button, ConfirmDialog, DateTime, ErrorBanner, Loading, PageHeader, Section, Table } from '../../ui';
import { useSession } from '../session';

export function AccountPage() {
  const { t } = useTranslation('customer');
  const { session, forget } = useSession();
  const sessions = useApi<SessionList>('/console/api/sessions');
  const [confirming, setConfirming] = useState(false);
  const [run, { pending, error }] = useAction();
  const [sent, setSent] = useState<string | undefined>();
  const user = session?.user;
  const everywhere = async () => {
    const done = await run(() => api<{ revoked: number }>('DELETE', '/console/api/sessions'));
    setConfirming(false);
    if (done) {
      forget('signedOutEverywhere');
    }
  };
  return (
    <>
      <PageHeader title={t('account.title')} />
      <ErrorBanner error={error ?? sessions.error} />
      {user ? (
        <Section title={t('account.profile')}>
          <dl className="dl">
            <dt>{t('fields.username')}</dt>
            <dd>
              {user.username} <span className="muted">({t('account.usernameFixed')})</span>
            </dd>
            <dt>{t('fields.email')}</dt>
            <dd>
              {user.email ?? '—'}{' '}
              {user.email_verified ? (
                <span className="status status-good">{t('account.verified')}</span>
              ) : (
                <span className="status status-warn">{t('account.unverified')}</span>
              )}
            </dd>
            <dt>{t('account.role')}</dt>
            <dd>{t(`account.roles.${user.role}`, { defaultValue: user.role })}</dd>
          </dl>
          {!user.email_verified ? (
            <p>
              <Button
                busy={pending}
                onClick={() =>
                  void run(() => api<{ sent_to: string }>('POST', '/console/api/email-verification')).then((r) => {
                    if (r) setSent(r.sent_to);
                  })
                }
              >
                {t('overview.resend')}
              </Button>
            </p>
          ) : null}
          {sent ? <Banner kind="success">{t('overview.sent', { email: sent })}</Banner> : null}
        </Section>
      ) : null}
      <Section
        title={t('account.sessions')}
        actions={
          <Button variant="danger" onClick={() => setConfirming(true)}>
            {t('account.signOutEverywhere')}
          </Button>
        }
      >
        {sessions.data ? (
          <Table
            caption={t('account.sessions')}
            rows={sessions.data.sessions}
            rowKey={(s) => s.id}
            columns={[
              {
                key: 'device',
                header: t('account.device'),
                render: (s) => (
                  <>
                    <span className="wrap">{s.user_agent ?? '—'}</span>
                    {s.current ? <span className="status status-good"> {t('account.thisSession')}</span> : null}
                  </>
                ),
              },
              { key: 'ip', header: t('account.ip'), render: (s) => s.ip ?? '—' },
              { key: 'created', header: t('account.signedInAt'), render: (s) => <DateTime value={s.created_at} /> },
              { key: 'seen', header: t('account.lastSeen'), render: (s) => <DateTime value={s.last_seen_at} /> },
              { key: 'expires', header: t('account.expires'), render: (s) => <DateTime value={s.expires_at} /> },
            ]}
          />
        ) : (
          <Loading />
        )}
      </Section>
      {confirming ? (
        <ConfirmDialog
          title={t('account.signOutEverywhere')}
          confirmLabel={t('account.signOutEverywhereConfirm')}
          busy={pending}
          onCancel={() => setConfirming(false)}
          onConfirm={() => void everywhere()}
        >
          <p>{t('account.signOutEverywhereText')}</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
