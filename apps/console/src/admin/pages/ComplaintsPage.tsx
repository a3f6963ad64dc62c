import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, query } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import { Banner, Button, DateTime, Field, Loading, PageHeader, Select } from '../../ui';
import type { AdminComplaint, AdminComplaintList, ComplaintUpdated } from '../types';
import { AdminError, Pager, ReasonDialog, Status, usePager } from '../ui';

const statuses = ['open', 'in_progress', 'resolved', 'dismissed'] as const;
const moves = ['in_progress', 'resolved', 'dismissed'] as const;
type MoveStatus = (typeof moves)[number];

function tone(status: string): 'good' | 'warn' | 'bad' | undefined {
  if (status === 'open') return 'bad';
  if (status === 'in_progress') return 'warn';
  if (status === 'resolved') return 'good';
  return undefined;
}

/** The complaints queue: filter by status, read each report, move it on with a note the customer sees. */
export function ComplaintsPage() {
  const { t } = useTranslation('admin');
  const [status, setStatus] = useState<string>('');
  const pager = usePager();
  const { data, error, loading, reload } = useApi<AdminComplaintList>(
    `/admin/api/complaints${query({ status, cursor: pager.cursor })}`,
  );
  const [editing, setEditing] = useState<AdminComplaint | null>(null);
  const [next, setNext] = useState<MoveStatus>('in_progress');
  const [done, setDone] = useState<ComplaintUpdated | null>(null);
  const [run, state] = useAction();
  const update = async (note: string) => {
    if (!editing) return false;
    const answer = await run(() =>
      api<ComplaintUpdated>('POST', `/admin/api/complaints/${encodeURIComponent(editing.id)}`, { status: next, note }),
    );
    if (!answer) return false;
    setDone(answer);
    reload();
    return true;
  };
  return (
    <>
      <PageHeader title={t('complaints.title')} />
      <div className="admin-filters">
        <Field label={t('complaints.status')}>
          <Select
            value={status}
            onChange={(e) => {
              pager.reset();
              setStatus(e.target.value);
            }}
          >
            <option value="">{t('filter.any')}</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {t(`complaintStatus.${s}`)}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      {done ? (
        <Banner kind="success">
          {t('complaints.updated', { status: t(`complaintStatus.${done.status}`) })}
          {done.unfrozen ? ` ${t('complaints.unfrozen')}` : ''}
        </Banner>
      ) : null}
      <AdminError error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <>
          {data.complaints.length === 0 ? <p className="empty">{t('complaints.none')}</p> : null}
          {data.complaints.map((c) => (
            <article key={c.id} className="card" aria-labelledby={`complaint-${c.id}`}>
              <div className="card-head">
                <h2 id={`complaint-${c.id}`}>{c.subject}</h2>
                <div className="card-actions">
                  <Status tone={tone(c.status)}>{t(`complaintStatus.${c.status}`)}</Status>
                  {c.status === 'open' || c.status === 'in_progress' ? (
                    <Button
                      variant="primary"
                      className="btn-small"
                      aria-label={t('complaints.updateLabel', { subject: c.subject })}
                      onClick={() => {
                        state.clear();
                        setNext(c.status === 'open' ? 'in_progress' : 'resolved');
                        setEditing(c);
                      }}
                    >
                      {t('complaints.update')}
                    </Button>
                  ) : null}
                </div>
              </div>
              <p className="muted">
                {t(`complaintKind.${c.kind}`)} ·{' '}
                <Link to={`/customers/${encodeURIComponent(c.org_id)}`}>{c.org_name ?? c.org_id}</Link> ·{' '}
                <DateTime value={c.created_at} />
                {c.contact ? ` · ${t('complaints.contact')}: ${c.contact}` : ''}
              </p>
              {c.froze_org ? <Banner kind="warning">{t('complaints.froze')}</Banner> : null}
              <p className="admin-pre">{c.description}</p>
              {c.notes.length > 0 ? (
                <>
                  <h3>{t('complaints.notes')}</h3>
                  <ol className="admin-notes">
                    {c.notes.map((n, i) => (
                      <li key={i}>
                        <DateTime value={n.at} /> · {n.actor} · {t(`complaintStatus.${n.status}`)}: {n.note}
                      </li>
                    ))}
                  </ol>
                </>
              ) : null}
            </article>
          ))}
          <Pager pager={pager} nextCursor={data.next_cursor} />
        </>
      ) : null}
      {editing ? (
        <ReasonDialog
          title={t('complaints.updateTitle', { subject: editing.subject })}
          description={editing.froze_org ? t('complaints.unfreezeHint') : undefined}
          confirmLabel={t('complaints.updateSubmit')}
          reasonLabel={t('complaints.note')}
          maxLength={2000}
          pending={state.pending}
          error={state.error}
          onConfirm={update}
          onClose={() => setEditing(null)}
        >
          <Field label={t('complaints.newStatus')} required>
            <Select value={next} onChange={(e) => setNext(e.target.value as MoveStatus)}>
              {moves.map((s) => (
                <option key={s} value={s}>
                  {t(`complaintStatus.${s}`)}
                </option>
              ))}
            </Select>
          </Field>
        </ReasonDialog>
      ) : null}
    </>
  );
}
