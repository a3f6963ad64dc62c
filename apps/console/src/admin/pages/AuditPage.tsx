import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import { Banner, Button, DateTime, Field, Input, Loading, PageHeader, Table } from '../../ui';
import type { AuditEntry, AuditPage as AuditPageData, AuditVerification } from '../types';
import { AdminError, Pager, usePager } from '../ui';

const empty = { actor: '', action: '', subject: '', from: '', to: '' };

function iso(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Browse and filter the hash-chained audit log; check the chain from here. */
export function AuditPage() {
  const { t } = useTranslation('admin');
  const [draft, setDraft] = useState(empty);
  const [filters, setFilters] = useState(empty);
  const pager = usePager();
  const { data, error, loading } = useApi<AuditPageData>(
    `/admin/api/audit${query({
      actor: filters.actor.trim(),
      action: filters.action.trim(),
      subject: filters.subject.trim(),
      from: iso(filters.from),
      to: iso(filters.to),
      cursor: pager.cursor,
    })}`,
  );
  const [check, setCheck] = useState<AuditVerification | null>(null);
  const [run, state] = useAction();
  const apply = (event: FormEvent) => {
    event.preventDefault();
    pager.reset();
    setFilters(draft);
  };
  const verify = async () => {
    const answer = await run(() => api<AuditVerification>('POST', '/admin/api/audit/verification'));
    if (answer) setCheck(answer);
  };
  const field = (name: keyof typeof empty) => ({
    value: draft[name],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }),
  });
  return (
    <>
      <PageHeader
        title={t('audit.title')}
        actions={
          <Button variant="primary" busy={state.pending} onClick={() => void verify()}>
            {t('audit.verify')}
          </Button>
        }
      />
      <AdminError error={state.error} />
      {check ? (
        check.ok ? (
          <Banner kind="success" title={t('audit.chainOk')}>
            {t('audit.chainOkBody', { count: check.entries })} <DateTime value={check.checked_at} />
          </Banner>
        ) : (
          <Banner kind="error" title={t('audit.chainBroken')}>
            {t('audit.chainBrokenBody', { seq: check.broken_seq ?? '?', count: check.entries })}
            {check.reason ? ` (${check.reason})` : ''}
          </Banner>
        )
      ) : null}
      <form className="admin-filters" onSubmit={apply} aria-label={t('audit.filters')}>
        <Field label={t('audit.actor')} hint={t('audit.actorHint')}>
          <Input maxLength={200} {...field('actor')} />
        </Field>
        <Field label={t('audit.action')} hint={t('audit.actionHint')}>
          <Input maxLength={200} {...field('action')} />
        </Field>
        <Field label={t('audit.subject')}>
          <Input maxLength={200} {...field('subject')} />
        </Field>
        <Field label={t('audit.from')}>
          <Input type="datetime-local" {...field('from')} />
        </Field>
        <Field label={t('audit.to')}>
          <Input type="datetime-local" {...field('to')} />
        </Field>
        <div className="admin-actions">
          <Button type="submit" variant="primary">
            {t('action.filter', { ns: 'common' })}
          </Button>
          <Button
            onClick={() => {
              setDraft(empty);
              setFilters(empty);
              pager.reset();
            }}
          >
            {t('action.reset', { ns: 'common' })}
          </Button>
        </div>
      </form>
      <AdminError error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <>
          <Table<AuditEntry>
            caption={t('audit.title')}
            rows={data.entries}
            rowKey={(e) => e.id}
            empty={t('audit.none')}
            columns={[
              { key: 'seq', header: t('audit.seq'), numeric: true, render: (e) => String(e.seq) },
              { key: 'at', header: t('audit.at'), render: (e) => <DateTime value={e.occurred_at} /> },
              { key: 'actor', header: t('audit.actor'), render: (e) => <code>{e.actor}</code> },
              { key: 'action', header: t('audit.action'), render: (e) => <code>{e.action}</code> },
              {
                key: 'subject',
                header: t('audit.subject'),
                render: (e) => (e.subject ? <code>{e.subject}</code> : '—'),
              },
              { key: 'reason', header: t('audit.reason'), render: (e) => e.reason ?? '—' },
              {
                key: 'data',
                header: t('audit.data'),
                render: (e) =>
                  e.data ? (
                    <details>
                      <summary>{t('audit.showData')}</summary>
                      <pre className="admin-pre">{JSON.stringify(e.data, null, 2)}</pre>
                    </details>
                  ) : (
                    '—'
                  ),
              },
            ]}
          />
          <Pager pager={pager} nextCursor={data.next_cursor} />
        </>
      ) : null}
    </>
  );
}
