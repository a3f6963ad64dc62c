import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import type { Complaint, ComplaintFiled, ComplaintList } from '../../api/types';
import {
  Banner,
  Button,
  ConfirmDialog,
  DateTime,
  ErrorBanner,
  Field,
  Input,
  Loading,
  PageHeader,
  Section,
  Select,
  TextArea,
} from '../../ui';
import { useSession } from '../session';
import { Status } from '../status';

const kinds = ['misuse', 'infringement', 'compromised_account'] as const;
type Kind = (typeof kinds)[number];

export function ComplaintsPage() {
  const { t } = useTranslation('customer');
  const list = useApi<ComplaintList>('/console/api/complaints');
  return (
    <>
      <PageHeader title={t('complaints.title')} intro={t('complaints.intro')} />
      <ComplaintForm onFiled={list.reload} />
      <Section title={t('complaints.list')}>
        <ErrorBanner error={list.error} />
        {list.loading && !list.data ? <Loading /> : null}
        {list.data && list.data.complaints.length === 0 ? <p className="empty">{t('complaints.empty')}</p> : null}
        {list.data?.complaints.map((c) => (
          <ComplaintCard key={c.id} complaint={c} />
        ))}
      </Section>
    </>
  );
}

function ComplaintCard({ complaint }: { readonly complaint: Complaint }) {
  const { t } = useTranslation('customer');
  return (
    <article className="complaint">
      <h3>
        {complaint.subject} <Status value={complaint.status} />
      </h3>
      <p className="muted">
        {t(`complaints.kinds.${complaint.kind}`)} · <DateTime value={complaint.created_at} />
        {complaint.froze_org ? ` · ${t('complaints.froze')}` : ''}
      </p>
      <p className="doc-body">{complaint.description}</p>
      {complaint.notes.length > 0 ? (
        <>
          <h4>{t('complaints.notes')}</h4>
          <ul className="plain-list">
            {complaint.notes.map((n, i) => (
              <li key={i}>
                <DateTime value={n.at} /> — <Status value={n.status} /> {n.note}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </article>
  );
}

function ComplaintForm({ onFiled }: { readonly onFiled: () => void }) {
  const { t } = useTranslation('customer');
  const { forget } = useSession();
  const [form, setForm] = useState({ kind: 'misuse' as Kind, subject: '', description: '', contact: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState(false);
  const [filed, setFiled] = useState(false);
  const [run, { pending, error }] = useAction();
  const send = async () => {
    const done = await run(() =>
      api<ComplaintFiled>('POST', '/console/api/complaints', {
        kind: form.kind,
        subject: form.subject.trim(),
        description: form.description.trim(),
        ...(form.contact.trim() ? { contact: form.contact.trim() } : {}),
      }),
    );
    setConfirming(false);
    if (!done) return;
    if (done.signed_out) {
      forget('frozen');
      return;
    }
    setFiled(true);
    setForm({ kind: form.kind, subject: '', description: '', contact: '' });
    onFiled();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (form.subject.trim() === '') found.subject = t('common:form.requiredField');
    if (form.description.trim() === '') found.description = t('common:form.requiredField');
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    if (form.kind === 'compromised_account') setConfirming(true);
    else void send();
  };
  return (
    <Section title={t('complaints.file')}>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorBanner error={error} />
        {filed ? <Banner kind="success">{t('complaints.filed')}</Banner> : null}
        <Field label={t('complaints.kind')}>
          <Select
            name="complaint-kind"
            value={form.kind}
            onChange={(e) => setForm({ ...form, kind: e.target.value as Kind })}
          >
            {kinds.map((k) => (
              <option key={k} value={k}>
                {t(`complaints.kinds.${k}`)}
              </option>
            ))}
          </Select>
        </Field>
        {form.kind === 'compromised_account' ? (
          <Banner kind="warning" title={t('complaints.freezeTitle')}>
            {t('complaints.freezeText')}
          </Banner>
        ) : null}
        <Field label={t('complaints.subject')} error={errors.subject} required>
          <Input
            name="complaint-subject"
            maxLength={200}
            value={form.subject}
            onChange={(e) => setForm({ ...form, subject: e.target.value })}
          />
        </Field>
        <Field label={t('complaints.description')} error={errors.description} required>
          <TextArea
            name="complaint-description"
            maxLength={5000}
            rows={6}
            value={form.description}
            onChange={(e) => setForm({ ...form, description: e.target.value })}
          />
        </Field>
        <Field label={t('complaints.contact')} hint={t('complaints.contactHint')}>
          <Input
            name="complaint-contact"
            maxLength={200}
            value={form.contact}
            onChange={(e) => setForm({ ...form, contact: e.target.value })}
          />
        </Field>
        <div className="form-actions">
          <Button type="submit" variant={form.kind === 'compromised_account' ? 'danger' : 'primary'} busy={pending}>
            {t('complaints.submit')}
          </Button>
        </div>
      </form>
      {confirming ? (
        <ConfirmDialog
          title={t('complaints.freezeTitle')}
          confirmLabel={t('complaints.freezeConfirm')}
          busy={pending}
          onCancel={() => setConfirming(false)}
          onConfirm={() => void send()}
        >
          <p>{t('complaints.freezeText')}</p>
        </ConfirmDialog>
      ) : null}
    </Section>
  );
}
