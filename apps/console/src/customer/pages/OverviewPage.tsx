import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import type { AgreementState, Organization, WalletBalances } from '../../api/types';
import { Banner, Button, ErrorBanner, formatDateTime, Loading, Money, PageHeader, Section } from '../../ui';
import { MailModeNote } from '../MailModeNote';
import { useSession } from '../session';
import { Status } from '../status';

export function OverviewPage() {
  const { t, i18n } = useTranslation('customer');
  const { session } = useSession();
  const [params] = useSearchParams();
  const org = useApi<Organization>('/console/api/organization');
  const wallet = useApi<WalletBalances>('/console/api/wallet');
  const agreement = useApi<AgreementState>('/console/api/agreement');
  const pendingVersion = agreement.data?.upcoming.find((v) => !v.accepted);
  const [run, resend] = useAction();
  const [sentTo, setSentTo] = useState<string | undefined>(undefined);
  const user = session?.user;
  return (
    <>
      <PageHeader title={t('overview.title')} intro={org.data ? org.data.name : undefined} />
      {params.get('welcome') ? <Banner kind="success">{t('overview.welcome')}</Banner> : null}
      {user && !user.email_verified ? (
        <Banner
          kind="info"
          title={t('overview.verifyEmail', { email: user.email ?? '' })}
          actions={
            <Button
              busy={resend.pending}
              onClick={() =>
                void run(() => api<{ sent_to: string }>('POST', '/console/api/email-verification')).then((r) => {
                  if (r) setSentTo(r.sent_to);
                })
              }
            >
              {t('overview.resend')}
            </Button>
          }
        >
          {sentTo ? t('overview.sent', { email: sentTo }) : t('overview.verifyEmailText')}
        </Banner>
      ) : null}
      {user && !user.email_verified ? <MailModeNote /> : null}
      <ErrorBanner error={resend.error ?? org.error} />
      {org.loading ? <Loading /> : null}
      <div className="grid">
        <div className="stat">
          <p className="stat-label">{t('overview.certification')}</p>
          <p className="stat-value">{org.data ? <Status value={org.data.state} /> : '—'}</p>
          <p>
            <Link to="/certification">
              {org.data?.certification === 'certified' ? t('overview.viewCertification') : t('overview.certify')}
            </Link>
          </p>
        </div>
        <div className="stat">
          <p className="stat-label">{t('overview.balance')}</p>
          <p className="stat-value">
            <Money fen={wallet.data ? wallet.data.cash + wallet.data.bonus : undefined} />
          </p>
          <p className="muted">
            {wallet.data ? (
              <>
                {t('wallet.cash')} <Money fen={wallet.data.cash} /> · {t('wallet.bonus')}{' '}
                <Money fen={wallet.data.bonus} />
              </>
            ) : null}
          </p>
        </div>
        <div className="stat">
          <p className="stat-label">{t('overview.agreement')}</p>
          <p className="stat-value">
            {agreement.data ? (
              agreement.data.current === null ? (
                <span className="status">
                  {agreement.data.upcoming.length === 0 ? t('agreement.none') : t('agreement.notInForce')}
                </span>
              ) : agreement.data.accepted_current ? (
                <span className="status status-good">{t('agreement.accepted')}</span>
              ) : (
                <span className="status status-warn">{t('agreement.notAccepted')}</span>
              )
            ) : (
              '—'
            )}
          </p>
          {pendingVersion ? (
            <p className="muted">
              {t('agreement.upcomingNotAccepted', {
                version: pendingVersion.version,
                date: formatDateTime(pendingVersion.effective_at, i18n.language),
              })}
            </p>
          ) : null}
          <p>
            <Link to="/agreement">{t('overview.viewAgreement')}</Link>
          </p>
        </div>
      </div>
      {org.data && org.data.certification !== 'certified' ? (
        <Banner kind="info" title={t('overview.nextSteps')}>
          {t('overview.nextStepsText')}
        </Banner>
      ) : null}
      <Section title={t('overview.quickLinks')}>
        <div className="quick-links">
          <Link className="btn btn-secondary" to="/apps">
            {t('nav.apps')}
          </Link>
          <Link className="btn btn-secondary" to="/wallet">
            {t('wallet.topupTitle')}
          </Link>
          <Link className="btn btn-secondary" to="/usage">
            {t('nav.usage')}
          </Link>
          <Link className="btn btn-secondary" to="/notices">
            {t('nav.notices')}
          </Link>
        </div>
      </Section>
    </>
  );
}
