import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { query } from '../../api/client';
import { useApi } from '../../api/hooks';
import { Button, DateTime, Field, Input, Loading, PageHeader, Table } from '../../ui';
import type { MailOutbox } from '../types';
import { AdminError, Pager, Status, usePager } from '../ui';

type Mail = MailOutbox['mails'][number];

/** Outgoing mail: everything the platform sent or, without SMTP, kept here for the operator to pass on. */
export function MailOutboxPage() {
  const { t } = useTranslation('admin');
  const [draft, setDraft] = useState({ to: '', purpose: '' });
  const [filters, setFilters] = useState(draft);
  const pager = usePager();
  const { data, error, loading, reload } = useApi<MailOutbox>(
    `/admin/api/mail-outbox${query({ to: filters.to.trim(), purpose: filters.purpose.trim(), cursor: pager.cursor })}`,
  );
  const apply = (event: FormEvent) => {
    event.preventDefault();
    pager.reset();
    setFilters(draft);
  };
  return (
    <>
      <PageHeader
        title={t('mail.title')}
        intro={t('mail.intro')}
        actions={<Button onClick={reload}>{t('action.refresh', { ns: 'common' })}</Button>}
      />
      <form className="admin-filters" onSubmit={apply} aria-label={t('mail.filters')}>
        <Field label={t('mail.to')}>
          <Input
            type="email"
            value={draft.to}
            maxLength={254}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          />
        </Field>
        <Field label={t('mail.purpose')} hint={t('mail.purposeHint')}>
          <Input
            value={draft.purpose}
            maxLength={64}
            onChange={(e) => setDraft({ ...draft, purpose: e.target.value })}
          />
        </Field>
        <Button type="submit" variant="primary">
          {t('action.filter', { ns: 'common' })}
        </Button>
      </form>
      <AdminError error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <>
          <Table<Mail>
            caption={t('mail.title')}
            rows={data.mails}
            rowKey={(m) => m.id}
            empty={t('mail.none')}
            columns={[
              { key: 'at', header: t('mail.at'), render: (m) => <DateTime value={m.created_at} /> },
              { key: 'to', header: t('mail.to'), render: (m) => m.to },
              {
                key: 'subject',
                header: t('mail.subject'),
                render: (m) => (
                  <details>
                    <summary>{m.subject}</summary>
                    <pre className="admin-pre">{m.text}</pre>
                  </details>
                ),
              },
              { key: 'purpose', header: t('mail.purpose'), render: (m) => <code>{m.purpose}</code> },
              {
                key: 'status',
                header: t('mail.status'),
                render: (m) => (
                  <>
                    <Status tone={m.status === 'sent' ? 'good' : m.status === 'failed' ? 'bad' : 'warn'}>
                      {t(`mailStatus.${m.status}`)}
                    </Status>
                    {m.error ? <div className="muted">{m.error}</div> : null}
                  </>
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
