import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, query } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import { Banner, Button, DateTime, Field, Loading, PageHeader, Section, Select, Table } from '../../ui';
import type { CertificationDecision, CertificationQueue, CertificationReview, ScreeningMatch } from '../types';
import { AdminError, Facts, ReasonDialog, Status } from '../ui';
import { stateTone } from './CustomersPage';

/** The admin API paths of the review (helper B2's routes). */
export const certificationPaths = {
  queue: (status: string) => `/admin/api/certifications${query({ status })}`,
  review: (orgId: string) => `/admin/api/certifications/${encodeURIComponent(orgId)}`,
  approve: (orgId: string) => `/admin/api/certifications/${encodeURIComponent(orgId)}/approval`,
  reject: (orgId: string) => `/admin/api/certifications/${encodeURIComponent(orgId)}/rejection`,
  document: (orgId: string, documentId: string) =>
    `/admin/api/certifications/${encodeURIComponent(orgId)}/documents/${encodeURIComponent(documentId)}`,
};

const queueStatuses = ['pending', 'rejected', 'certified', 'registered'] as const;

/** The review queue: pending applications, oldest first. */
export function CertificationsPage() {
  const { t } = useTranslation('admin');
  const [status, setStatus] = useState<string>('pending');
  const { data, error, loading } = useApi<CertificationQueue>(certificationPaths.queue(status));
  type Row = CertificationQueue['applications'][number];
  return (
    <>
      <PageHeader title={t('certifications.title')} intro={t('certifications.intro')} />
      <div className="admin-filters">
        <Field label={t('certifications.status')}>
          <Select value={status} onChange={(e) => setStatus(e.target.value)}>
            {queueStatuses.map((s) => (
              <option key={s} value={s}>
                {t(`orgState.${s}`)}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <AdminError error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <Table<Row>
          caption={t('certifications.title')}
          rows={data.applications}
          rowKey={(a) => a.org_id}
          empty={t('certifications.none')}
          columns={[
            {
              key: 'company',
              header: t('certifications.company'),
              render: (a) => (
                <Link to={`/certifications/${encodeURIComponent(a.org_id)}`}>{a.company_name ?? a.org_name}</Link>
              ),
            },
            { key: 'org', header: t('certifications.account'), render: (a) => a.org_name },
            { key: 'industry', header: t('certifications.industry'), render: (a) => a.industry_code ?? '—' },
            {
              key: 'submitted',
              header: t('certifications.submitted'),
              render: (a) => <DateTime value={a.submitted_at} />,
            },
            {
              key: 'matches',
              header: t('certifications.matches'),
              numeric: true,
              render: (a) =>
                a.match_count > 0 ? (
                  <Status tone="bad">{String(a.match_count)}</Status>
                ) : (
                  <Status tone="good">0</Status>
                ),
            },
            {
              key: 'state',
              header: t('certifications.status'),
              render: (a) => <Status tone={stateTone(a.certification)}>{t(`orgState.${a.certification}`)}</Status>,
            },
          ]}
        />
      ) : null}
    </>
  );
}

/** One application: its fields, documents, screening matches and licence check; approve or reject with a reason. */
export function CertificationDetailPage() {
  const { t, i18n } = useTranslation('admin');
  const { id = '' } = useParams();
  const { data, error, loading, reload } = useApi<CertificationReview>(certificationPaths.review(id));
  const [deciding, setDeciding] = useState<'approve' | 'reject' | null>(null);
  const [decided, setDecided] = useState<CertificationDecision | null>(null);
  const [run, state] = useAction();
  if (loading && !data) return <Loading />;
  if (!data) return <AdminError error={error} />;
  const zh = i18n.language.startsWith('zh');
  const name = (item: { name_zh: string; name_en: string }) => (zh ? item.name_zh : item.name_en);
  const kindName = (kind: string) => {
    if (kind === 'business_licence') return t('certifications.businessLicence');
    const found = data.licence_check.find((l) => l.kind === kind);
    return found ? name(found) : kind;
  };
  const app = data.application;
  const pending = data.org.certification === 'pending';
  const decide = async (reason: string) => {
    if (!deciding) return false;
    const path =
      deciding === 'approve' ? certificationPaths.approve(data.org.id) : certificationPaths.reject(data.org.id);
    const answer = await run(() => api<CertificationDecision>('POST', path, { reason }));
    if (!answer) return false;
    setDecided(answer);
    reload();
    return true;
  };
  const matches = data.screening?.matches ?? [];
  const missingLicences = data.licence_check.filter((l) => !l.present);
  return (
    <>
      <PageHeader
        title={t('certifications.reviewTitle', { name: app.company_name ?? data.org.name })}
        intro={<Link to="/certifications">{t('certifications.back')}</Link>}
        actions={
          pending ? (
            <div className="admin-actions">
              <Button
                variant="primary"
                onClick={() => {
                  state.clear();
                  setDeciding('approve');
                }}
              >
                {t('certifications.approve')}
              </Button>
              <Button
                variant="danger"
                onClick={() => {
                  state.clear();
                  setDeciding('reject');
                }}
              >
                {t('certifications.reject')}
              </Button>
            </div>
          ) : null
        }
      />
      {decided ? (
        <Banner kind="success">
          {t(decided.certification === 'certified' ? 'certifications.approved' : 'certifications.rejected')}
        </Banner>
      ) : null}
      <Section title={t('certifications.application')}>
        <Facts
          items={[
            [
              t('certifications.status'),
              <Status key="s" tone={stateTone(data.org.certification)}>
                {t(`orgState.${data.org.certification}`)}
              </Status>,
            ],
            [
              t('certifications.account'),
              <Link key="o" to={`/customers/${encodeURIComponent(data.org.id)}`}>
                {data.org.name}
              </Link>,
            ],
            [t('certifications.company'), app.company_name ?? '—'],
            [t('certifications.creditCode'), app.credit_code ? <code key="c">{app.credit_code}</code> : '—'],
            [t('certifications.legalRep'), app.legal_rep_name ?? '—'],
            [
              t('certifications.legalRepId'),
              app.legal_rep_id_masked ? <code key="i">{app.legal_rep_id_masked}</code> : '—',
            ],
            [t('certifications.contact'), app.contact_name ?? '—'],
            [t('certifications.phone'), app.contact_phone ?? '—'],
            [t('certifications.address'), app.address ?? '—'],
            [t('certifications.industry'), data.industry ? name(data.industry) : (app.industry_code ?? '—')],
            [t('certifications.submitted'), <DateTime key="d" value={app.submitted_at} />],
          ]}
        />
        {data.decision ? (
          <p className="muted">
            {t('certifications.lastDecision')}: <DateTime value={data.decision.decided_at} /> ·{' '}
            {data.decision.decided_by}
            {data.decision.reason ? ` · ${data.decision.reason}` : ''}
          </p>
        ) : null}
      </Section>
      <Section title={t('certifications.screening')}>
        {data.screening === null ? (
          <p className="muted">{t('certifications.notScreened')}</p>
        ) : (
          <>
            <p className="muted">
              {t('certifications.screenedAt', { count: data.screening.entries_screened })}{' '}
              <DateTime value={data.screening.screened_at} />
            </p>
            {matches.length === 0 ? (
              <Banner kind="success">{t('certifications.noMatches')}</Banner>
            ) : (
              <>
                <Banner kind="warning">{t('certifications.matchesFound', { count: matches.length })}</Banner>
                <Table<ScreeningMatch>
                  caption={t('certifications.screening')}
                  rows={matches}
                  rowKey={(m) => `${m.subject}-${m.list}-${m.entry_name}-${m.matched_name}`}
                  columns={[
                    {
                      key: 'subject',
                      header: t('certifications.screenedField'),
                      render: (m) => t(`certifications.subject.${m.subject}`),
                    },
                    { key: 'screened', header: t('certifications.screenedName'), render: (m) => m.screened_name },
                    { key: 'entry', header: t('certifications.entry'), render: (m) => m.entry_name },
                    { key: 'matched', header: t('certifications.matchedName'), render: (m) => m.matched_name },
                    { key: 'list', header: t('certifications.list'), render: (m) => `${m.list} / ${m.program}` },
                    {
                      key: 'score',
                      header: t('certifications.score'),
                      numeric: true,
                      render: (m) => <Status tone={m.score >= 0.97 ? 'bad' : 'warn'}>{m.score.toFixed(3)}</Status>,
                    },
                  ]}
                />
              </>
            )}
          </>
        )}
      </Section>
      <Section title={t('certifications.licenceCheck')}>
        {missingLicences.length > 0 ? (
          <Banner kind="warning">{t('certifications.licencesMissing', { count: missingLicences.length })}</Banner>
        ) : (
          <Banner kind="success">{t('certifications.licencesComplete')}</Banner>
        )}
        <ul>
          {data.licence_check.map((l) => (
            <li key={l.kind}>
              {name(l)}:{' '}
              {l.present ? (
                <Status tone="good">{t('certifications.present')}</Status>
              ) : (
                <Status tone="bad">{t('certifications.missing')}</Status>
              )}
            </li>
          ))}
        </ul>
      </Section>
      <Section title={t('certifications.documents')}>
        {data.documents.length === 0 ? <p className="empty">{t('certifications.noDocuments')}</p> : null}
        <div className="admin-docs">
          {data.documents.map((d) => {
            const url = certificationPaths.document(data.org.id, d.document_id);
            const label = kindName(d.kind);
            return (
              <figure key={d.document_id} className="admin-doc">
                {d.content_type === 'application/pdf' ? (
                  // The console's policy forbids <object>: a PDF opens in the browser's own viewer, in a new tab.
                  <a className="admin-pdf" href={url} target="_blank" rel="noreferrer">
                    {t('certifications.openPdf', { name: label })}
                  </a>
                ) : (
                  <a href={url} target="_blank" rel="noreferrer">
                    <img src={url} alt={label} loading="lazy" />
                  </a>
                )}
                <figcaption>
                  {label} · {Math.ceil(d.bytes / 1024)} KB · <DateTime value={d.created_at} /> ·{' '}
                  <a href={url} target="_blank" rel="noreferrer">
                    {t('certifications.openDocument', { name: label })}
                  </a>
                </figcaption>
              </figure>
            );
          })}
        </div>
      </Section>
      {deciding ? (
        <ReasonDialog
          title={t(deciding === 'approve' ? 'certifications.approveTitle' : 'certifications.rejectTitle', {
            name: app.company_name ?? data.org.name,
          })}
          description={
            deciding === 'approve' ? (
              matches.length > 0 || missingLicences.length > 0 ? (
                <Banner kind="warning">{t('certifications.approveWarning')}</Banner>
              ) : (
                t('certifications.approveBody')
              )
            ) : (
              t('certifications.rejectBody')
            )
          }
          confirmLabel={t(deciding === 'approve' ? 'certifications.approveSubmit' : 'certifications.rejectSubmit')}
          danger={deciding === 'reject'}
          pending={state.pending}
          error={state.error}
          onConfirm={decide}
          onClose={() => setDeciding(null)}
        />
      ) : null}
    </>
  );
}
