import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import {
  Banner,
  Button,
  ConfirmDialog,
  DateTime,
  Field,
  Input,
  Loading,
  PageHeader,
  Section,
  Table,
  TextArea,
} from '../../ui';
import type { AgreementAcceptances, AgreementList, AgreementVersion } from '../types';
import { AdminError } from '../ui';

/** Publish a new agreement version (every customer is notified) and see who accepted each version. */
export function AgreementsPage() {
  const { t } = useTranslation('admin');
  const { data, error, loading, reload } = useApi<AgreementList>('/admin/api/agreements');
  const [shown, setShown] = useState<number | null>(null);
  const [published, setPublished] = useState<AgreementVersion | null>(null);
  return (
    <>
      <PageHeader title={t('agreements.title')} />
      {published ? <Banner kind="success">{t('agreements.published', { version: published.version })}</Banner> : null}
      <AdminError error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <Section title={t('agreements.versions')}>
          <Table
            caption={t('agreements.versions')}
            rows={data.versions}
            rowKey={(v) => String(v.version)}
            empty={t('agreements.none')}
            columns={[
              { key: 'version', header: t('agreements.version'), render: (v) => String(v.version) },
              {
                key: 'effective',
                header: t('agreements.effective'),
                render: (v) => <DateTime value={v.effective_at} />,
              },
              {
                key: 'published',
                header: t('agreements.publishedAt'),
                render: (v) => (
                  <>
                    <DateTime value={v.published_at} /> · {v.published_by}
                  </>
                ),
              },
              {
                key: 'count',
                header: t('agreements.acceptances'),
                numeric: true,
                render: (v) => String(v.acceptances),
              },
              {
                key: 'who',
                header: t('agreements.details'),
                render: (v) => (
                  <Button
                    className="btn-small"
                    aria-expanded={shown === v.version}
                    onClick={() => setShown(shown === v.version ? null : v.version)}
                  >
                    {t('agreements.whoAccepted', { version: v.version })}
                  </Button>
                ),
              },
            ]}
          />
        </Section>
      ) : null}
      {shown !== null && data ? (
        <VersionDetail version={data.versions.find((v) => v.version === shown)} onClose={() => setShown(null)} />
      ) : null}
      <PublishForm
        onPublished={(version) => {
          setPublished(version);
          reload();
        }}
      />
    </>
  );
}

function VersionDetail({
  version,
  onClose,
}: {
  readonly version: AgreementVersion | undefined;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation('admin');
  const { data, error, loading } = useApi<AgreementAcceptances>(
    version ? `/admin/api/agreements/${version.version}/acceptances` : null,
  );
  if (!version) return null;
  return (
    <Section
      title={t('agreements.versionTitle', { version: version.version })}
      actions={<Button onClick={onClose}>{t('action.close', { ns: 'common' })}</Button>}
    >
      <p className="muted">
        {t('agreements.hashes', { terms: version.terms_sha256.slice(0, 16), dpa: version.dpa_sha256.slice(0, 16) })}
      </p>
      <details>
        <summary>{t('agreements.terms')}</summary>
        <div className="doc-text">{version.terms_text}</div>
      </details>
      <details>
        <summary>{t('agreements.dpa')}</summary>
        <div className="doc-text">{version.dpa_text}</div>
      </details>
      <h3>{t('agreements.acceptedBy')}</h3>
      <AdminError error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <Table
          caption={t('agreements.acceptedBy')}
          rows={data.acceptances}
          rowKey={(a) => `${a.org_id}-${a.user_id}-${a.accepted_at}`}
          empty={t('agreements.noAcceptances')}
          columns={[
            {
              key: 'org',
              header: t('agreements.customer'),
              render: (a) => <Link to={`/customers/${encodeURIComponent(a.org_id)}`}>{a.org_name}</Link>,
            },
            { key: 'user', header: t('agreements.user'), render: (a) => a.username ?? a.user_id },
            { key: 'at', header: t('agreements.acceptedAt'), render: (a) => <DateTime value={a.accepted_at} /> },
            { key: 'ip', header: t('agreements.ip'), render: (a) => a.ip ?? '—' },
          ]}
        />
      ) : null}
    </Section>
  );
}

function PublishForm({ onPublished }: { readonly onPublished: (version: AgreementVersion) => void }) {
  const { t } = useTranslation('admin');
  const [terms, setTerms] = useState('');
  const [dpa, setDpa] = useState('');
  const [effective, setEffective] = useState('');
  const [invalid, setInvalid] = useState<Record<string, boolean>>({});
  const [asking, setAsking] = useState(false);
  const [run, state] = useAction();
  const start = (event: FormEvent) => {
    event.preventDefault();
    const problems = { terms: terms.trim() === '', dpa: dpa.trim() === '', effective: effective === '' };
    setInvalid(problems);
    if (Object.values(problems).some(Boolean)) return;
    state.clear();
    setAsking(true);
  };
  const publish = async () => {
    const version = await run(() =>
      api<AgreementVersion>('POST', '/admin/api/agreements', {
        terms_text: terms,
        dpa_text: dpa,
        effective_at: new Date(effective).toISOString(),
      }),
    );
    if (!version) return;
    setAsking(false);
    setTerms('');
    setDpa('');
    setEffective('');
    onPublished(version);
  };
  return (
    <Section title={t('agreements.publish')}>
      <form className="form" onSubmit={start} noValidate>
        <Field label={t('agreements.terms')} required error={invalid.terms ? t('form.missing') : undefined}>
          <TextArea rows={8} value={terms} onChange={(e) => setTerms(e.target.value)} />
        </Field>
        <Field label={t('agreements.dpa')} required error={invalid.dpa ? t('form.missing') : undefined}>
          <TextArea rows={8} value={dpa} onChange={(e) => setDpa(e.target.value)} />
        </Field>
        <Field
          label={t('agreements.effective')}
          hint={t('agreements.effectiveHint')}
          required
          error={invalid.effective ? t('form.missing') : undefined}
        >
          <Input type="datetime-local" value={effective} onChange={(e) => setEffective(e.target.value)} />
        </Field>
        <div className="form-actions">
          <Button type="submit" variant="primary">
            {t('agreements.publishSubmit')}
          </Button>
        </div>
      </form>
      {asking ? (
        <ConfirmDialog
          title={t('agreements.confirmTitle')}
          confirmLabel={t('agreements.confirmSubmit')}
          variant="primary"
          busy={state.pending}
          onCancel={() => setAsking(false)}
          onConfirm={() => void publish()}
        >
          <p>{t('agreements.confirmBody', { when: new Date(effective).toLocaleString() })}</p>
          <AdminError error={state.error} />
        </ConfirmDialog>
      ) : null}
    </Section>
  );
}
