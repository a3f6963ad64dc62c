import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import type { AgreementState, AgreementVersion } from '../../api/types';
import { Banner, Button, DateTime, ErrorBanner, Loading, PageHeader, Section } from '../../ui';

export function AgreementPage() {
  const { t } = useTranslation('customer');
  const { data, error, loading, reload } = useApi<AgreementState>('/console/api/agreement');
  const accepted = () => {
    reload();
    // The banner across the app reads the agreement too.
    window.dispatchEvent(new Event('visage:agreement'));
  };
  return (
    <>
      <PageHeader title={t('agreement.title')} intro={t('agreement.intro')} />
      <ErrorBanner error={error} />
      {loading && !data ? <Loading /> : null}
      {data && data.current === null && data.upcoming.length === 0 ? <Banner>{t('agreement.none')}</Banner> : null}
      {data?.current ? (
        <VersionCard version={data.current} kind="current" accepted={data.accepted_current} onAccepted={accepted} />
      ) : null}
      {data?.upcoming.map((v) => (
        <VersionCard key={v.version} version={v} kind="upcoming" accepted={v.accepted} onAccepted={accepted} />
      ))}
    </>
  );
}

function VersionCard({
  version,
  kind,
  accepted,
  onAccepted,
}: {
  readonly version: AgreementVersion;
  readonly kind: 'current' | 'upcoming';
  readonly accepted: boolean;
  readonly onAccepted: () => void;
}) {
  const { t } = useTranslation('customer');
  const [read, setRead] = useState(false);
  const [run, { pending, error }] = useAction();
  const [done, setDone] = useState<string | undefined>();
  const id = `agree-${version.version}`;
  return (
    <Section
      title={
        kind === 'current'
          ? t('agreement.currentVersion', { version: version.version })
          : t('agreement.upcomingVersion', { version: version.version })
      }
    >
      <p className="muted">
        {t('agreement.effectiveOn')} <DateTime value={version.effective_at} />
      </p>
      <h3>{t('agreement.terms')}</h3>
      <div className="doc-text" tabIndex={0} role="region" aria-label={t('agreement.terms')}>
        {version.terms_text}
      </div>
      <h3>{t('agreement.dpa')}</h3>
      <div className="doc-text" tabIndex={0} role="region" aria-label={t('agreement.dpa')}>
        {version.dpa_text}
      </div>
      <p className="muted">
        <small>
          SHA-256: <code>{version.terms_sha256.slice(0, 16)}…</code> / <code>{version.dpa_sha256.slice(0, 16)}…</code>
        </small>
      </p>
      {accepted || done ? (
        <Banner kind="success">
          {kind === 'upcoming' ? t('agreement.acceptedUpcomingText') : t('agreement.acceptedText')}
          {done ? (
            <>
              {' '}
              {t('agreement.acceptedAt')} <DateTime value={done} />
            </>
          ) : null}
        </Banner>
      ) : (
        <>
          <Banner kind={kind === 'upcoming' ? 'info' : 'warning'}>
            {kind === 'upcoming' ? t('agreement.upcomingNote') : t('agreement.currentNote')}
          </Banner>
          <ErrorBanner error={error} />
          <div className="check">
            <input id={id} type="checkbox" checked={read} onChange={(e) => setRead(e.target.checked)} />
            <label htmlFor={id}>{t('agreement.readCheckbox', { version: version.version })}</label>
          </div>
          <p />
          <Button
            variant="primary"
            disabled={!read}
            busy={pending}
            onClick={() =>
              void run(() =>
                api<{ accepted_at: string }>('POST', '/console/api/agreement/acceptance', { version: version.version }),
              ).then((r) => {
                if (r) {
                  setDone(r.accepted_at);
                  onAccepted();
                }
              })
            }
          >
            {t('agreement.accept', { version: version.version })}
          </Button>
        </>
      )}
    </Section>
  );
}
