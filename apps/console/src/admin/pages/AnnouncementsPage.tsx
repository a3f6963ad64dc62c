import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import { Banner, Button, DateTime, Field, Input, Loading, PageHeader, Section, Table, TextArea } from '../../ui';
import type { AnnouncementList, AnnouncementSent } from '../types';
import { AdminError, Pager, ReasonDialog, usePager } from '../ui';
import { CustomerPicker, type PickedCustomer } from '../ui/CustomerPicker';

/** Compose an announcement to every customer or to chosen ones (inbox, and email if asked); the sent list. */
export function AnnouncementsPage() {
  const { t } = useTranslation('admin');
  const pager = usePager();
  const { data, error, loading, reload } = useApi<AnnouncementList>(
    `/admin/api/announcements${query({ cursor: pager.cursor })}`,
  );
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [audience, setAudience] = useState<'all' | 'orgs'>('all');
  const [orgs, setOrgs] = useState<PickedCustomer[]>([]);
  const [email, setEmail] = useState(false);
  const [invalid, setInvalid] = useState<Record<string, boolean>>({});
  const [asking, setAsking] = useState(false);
  const [sent, setSent] = useState<AnnouncementSent | null>(null);
  const [run, state] = useAction();
  const orgIds = orgs.map((o) => o.id);
  const start = (event: FormEvent) => {
    event.preventDefault();
    const problems = {
      title: title.trim() === '',
      body: body.trim() === '',
      orgs: audience === 'orgs' && orgIds.length === 0,
    };
    setInvalid(problems);
    if (Object.values(problems).some(Boolean)) return;
    state.clear();
    setAsking(true);
  };
  const send = async (reason: string) => {
    const answer = await run(() =>
      api<AnnouncementSent>('POST', '/admin/api/announcements', {
        title: title.trim(),
        body: body.trim(),
        ...(audience === 'orgs' ? { org_ids: orgIds } : {}),
        email,
        ...(reason ? { reason } : {}),
      }),
    );
    if (!answer) return false;
    setSent(answer);
    setTitle('');
    setBody('');
    setOrgs([]);
    pager.reset();
    reload();
    return true;
  };
  return (
    <>
      <PageHeader title={t('announcements.title')} />
      {sent ? (
        <Banner kind="success">
          {t('announcements.sent', { count: sent.recipient_count })}
          {sent.email ? ` ${t('announcements.mailed', { mailed: sent.mailed, failed: sent.mail_failures })}` : ''}
        </Banner>
      ) : null}
      <Section title={t('announcements.compose')}>
        <form className="form" onSubmit={start} noValidate>
          <Field label={t('announcements.subject')} required error={invalid.title ? t('form.missing') : undefined}>
            <Input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
          </Field>
          <Field label={t('announcements.body')} required error={invalid.body ? t('form.missing') : undefined}>
            <TextArea rows={6} value={body} maxLength={10000} onChange={(e) => setBody(e.target.value)} />
          </Field>
          <fieldset className="admin-fieldset">
            <legend>{t('announcements.audience')}</legend>
            <label className="check">
              <input type="radio" name="audience" checked={audience === 'all'} onChange={() => setAudience('all')} />
              {t('announcements.all')}
            </label>
            <label className="check">
              <input type="radio" name="audience" checked={audience === 'orgs'} onChange={() => setAudience('orgs')} />
              {t('announcements.selected')}
            </label>
          </fieldset>
          {audience === 'orgs' ? (
            <CustomerPicker value={orgs} onChange={setOrgs} error={invalid.orgs ? t('picker.missing') : undefined} />
          ) : null}
          <label className="check">
            <input type="checkbox" checked={email} onChange={(e) => setEmail(e.target.checked)} />
            {t('announcements.email')}
          </label>
          <div className="form-actions">
            <Button type="submit" variant="primary">
              {t('announcements.submit')}
            </Button>
          </div>
        </form>
      </Section>
      <Section title={t('announcements.list')}>
        <AdminError error={error} />
        {loading && !data ? <Loading /> : null}
        {data ? (
          <>
            <Table
              caption={t('announcements.list')}
              rows={data.announcements}
              rowKey={(a) => a.id}
              empty={t('announcements.none')}
              columns={[
                { key: 'at', header: t('announcements.at'), render: (a) => <DateTime value={a.created_at} /> },
                {
                  key: 'title',
                  header: t('announcements.subject'),
                  render: (a) => (
                    <details>
                      <summary>{a.title}</summary>
                      <p className="admin-pre">{a.body}</p>
                    </details>
                  ),
                },
                {
                  key: 'audience',
                  header: t('announcements.audience'),
                  render: (a) => t(a.audience === 'all' ? 'announcements.all' : 'announcements.selected'),
                },
                {
                  key: 'count',
                  header: t('announcements.recipients'),
                  numeric: true,
                  render: (a) => String(a.recipient_count),
                },
                {
                  key: 'email',
                  header: t('announcements.emailColumn'),
                  render: (a) => t(a.email ? 'common.yes' : 'common.no'),
                },
                { key: 'by', header: t('announcements.by'), render: (a) => a.sent_by ?? '—' },
              ]}
            />
            <Pager pager={pager} nextCursor={data.next_cursor} />
          </>
        ) : null}
      </Section>
      {asking ? (
        <ReasonDialog
          title={t('announcements.confirmTitle')}
          description={
            audience === 'all'
              ? t('announcements.confirmAll')
              : t('announcements.confirmOrgs', { count: orgIds.length })
          }
          confirmLabel={t('announcements.confirmSubmit')}
          optional
          pending={state.pending}
          error={state.error}
          onConfirm={send}
          onClose={() => setAsking(false)}
        />
      ) : null}
    </>
  );
}
