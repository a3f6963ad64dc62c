import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, apiForm } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import type { CertificationSave, CertificationState, IndustryList } from '../../api/types';
import {
  Banner,
  Button,
  DateTime,
  ErrorBanner,
  Field,
  Input,
  Loading,
  PageHeader,
  Section,
  Select,
  Table,
  TextArea,
  useErrorText,
} from '../../ui';
import { Status } from '../status';
import { creditCodeProblem, normalizeCode, residentIdProblem } from '../validators';

type FormFields = {
  company_name: string;
  credit_code: string;
  legal_rep_name: string;
  legal_rep_id_number: string;
  contact_name: string;
  contact_phone: string;
  address: string;
  industry_code: string;
};

export function CertificationPage() {
  const { t } = useTranslation('customer');
  const state = useApi<CertificationState>('/console/api/certification');
  const industries = useApi<IndustryList>('/console/api/industries');
  const data = state.data;
  return (
    <>
      <PageHeader title={t('certification.title')} intro={t('certification.intro')} />
      <ErrorBanner error={state.error ?? industries.error} />
      {!data ? (
        <Loading />
      ) : (
        <>
          <StatusBanner state={data} />
          {data.editable ? (
            <ApplicationForm
              key={data.certification}
              state={data}
              industries={industries.data?.industries ?? []}
              onChange={state.reload}
            />
          ) : (
            <Summary state={data} industries={industries.data?.industries ?? []} />
          )}
        </>
      )}
    </>
  );
}

function StatusBanner({ state }: { readonly state: CertificationState }) {
  const { t } = useTranslation('customer');
  const kind =
    state.certification === 'certified'
      ? 'success'
      : state.certification === 'rejected'
        ? 'error'
        : state.certification === 'pending'
          ? 'info'
          : 'info';
  return (
    <Banner
      kind={kind}
      title={
        <>
          {t('certification.status')}: <Status value={state.state} />
        </>
      }
    >
      <p>{t(`certification.statusText.${state.certification}`)}</p>
      {state.decision?.reason ? (
        <p>
          {t('certification.reason')}: <strong data-testid="certification-reason">{state.decision.reason}</strong> (
          <DateTime value={state.decision.decided_at} />)
        </p>
      ) : null}
    </Banner>
  );
}

function ApplicationForm({
  state,
  industries,
  onChange,
}: {
  readonly state: CertificationState;
  readonly industries: IndustryList['industries'];
  readonly onChange: () => void;
}) {
  const { t, i18n } = useTranslation('customer');
  const errorText = useErrorText();
  const a = state.application;
  const [form, setForm] = useState<FormFields>({
    company_name: a?.company_name ?? '',
    credit_code: a?.credit_code ?? '',
    legal_rep_name: a?.legal_rep_name ?? '',
    legal_rep_id_number: '',
    contact_name: a?.contact_name ?? '',
    contact_phone: a?.contact_phone ?? '',
    address: a?.address ?? '',
    industry_code: a?.industry_code ?? '',
  });
  const [errors, setErrors] = useState<Partial<Record<keyof FormFields, string>>>({});
  const [saved, setSaved] = useState(false);
  const [run, { pending, error }] = useAction();
  const [submitted, setSubmitted] = useState(false);
  const en = i18n.language === 'en';

  const creditError = (value: string) => {
    if (value.trim() === '') return undefined;
    const problem = creditCodeProblem(value);
    return problem ? t(`certification.creditCodeProblems.${problem}`) : undefined;
  };
  const idError = (value: string) => {
    if (value.trim() === '') return undefined;
    const problem = residentIdProblem(value);
    return problem ? t(`certification.residentIdProblems.${problem}`) : undefined;
  };
  const set = (name: keyof FormFields, value: string) => {
    setSaved(false);
    setForm((f) => ({ ...f, [name]: value }));
    // Instant feedback on the check characters once the whole code is typed.
    if (name === 'credit_code')
      setErrors((e) => ({ ...e, credit_code: normalizeCode(value).length >= 18 ? creditError(value) : undefined }));
    if (name === 'legal_rep_id_number')
      setErrors((e) => ({ ...e, legal_rep_id_number: normalizeCode(value).length >= 18 ? idError(value) : undefined }));
  };

  const body = (): CertificationSave => {
    const b: CertificationSave = {
      company_name: form.company_name.trim() || null,
      credit_code: form.credit_code.trim() ? normalizeCode(form.credit_code) : null,
      legal_rep_name: form.legal_rep_name.trim() || null,
      contact_name: form.contact_name.trim() || null,
      contact_phone: form.contact_phone.trim() || null,
      address: form.address.trim() || null,
      industry_code: form.industry_code || null,
    };
    // Write-only: left out (kept) unless typed again.
    if (form.legal_rep_id_number.trim()) b.legal_rep_id_number = normalizeCode(form.legal_rep_id_number);
    return b;
  };

  const check = (complete: boolean): boolean => {
    const found: Partial<Record<keyof FormFields, string>> = {};
    const c = creditError(form.credit_code);
    if (c) found.credit_code = c;
    const id = idError(form.legal_rep_id_number);
    if (id) found.legal_rep_id_number = id;
    if (form.contact_phone.trim() && !/^\+?[\d\s-]{5,20}$/.test(form.contact_phone.trim()))
      found.contact_phone = t('certification.phoneInvalid');
    if (complete) {
      const required: (keyof FormFields)[] = [
        'company_name',
        'credit_code',
        'legal_rep_name',
        'contact_name',
        'contact_phone',
        'address',
        'industry_code',
      ];
      for (const name of required) if (!form[name].trim() && !found[name]) found[name] = t('common:form.requiredField');
      if (!form.legal_rep_id_number.trim() && !a?.legal_rep_id_masked)
        found.legal_rep_id_number = t('common:form.requiredField');
    }
    setErrors(found);
    return Object.keys(found).length === 0;
  };

  /** Server errors about one field (details.field) are shown next to it. */
  const fieldOf = (e: typeof error): keyof FormFields | undefined => {
    const field = (e?.details as { field?: string } | undefined)?.field;
    return field && field in form ? (field as keyof FormFields) : undefined;
  };

  const save = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!check(false)) return;
    const done = await run(() => api<CertificationState>('PUT', '/console/api/certification', body()));
    if (done) {
      setSaved(true);
      onChange();
    }
  };

  const submit = async () => {
    if (!check(true)) return;
    const done = await run(async () => {
      await api<CertificationState>('PUT', '/console/api/certification', body());
      return api<CertificationState>('POST', '/console/api/certification/submission');
    });
    if (done) {
      setSubmitted(true);
      onChange();
    }
  };

  const chooseIndustry = async (code: string) => {
    set('industry_code', code);
    // Saved at once so that the industry's required licences appear for upload.
    const done = await run(() =>
      api<CertificationState>('PUT', '/console/api/certification', { industry_code: code || null }),
    );
    if (done) onChange();
  };

  const fieldLabels: Record<string, string> = {
    company_name: t('certification.companyName'),
    credit_code: t('certification.creditCode'),
    legal_rep_name: t('certification.legalRepName'),
    legal_rep_id_number: t('certification.legalRepId'),
    contact_name: t('certification.contactName'),
    contact_phone: t('certification.contactPhone'),
    address: t('certification.address'),
    industry_code: t('certification.industry'),
  };
  const missingName = (item: string) => {
    const document = state.required_documents.find((d) => d.kind === item);
    if (document) return en ? document.name_en : document.name_zh;
    return fieldLabels[item] ?? item;
  };
  const serverField = fieldOf(error);
  const fieldError = (name: keyof FormFields) => errors[name] ?? (serverField === name ? errorText(error) : undefined);
  const missing = (error?.details as { missing?: string[] } | undefined)?.missing;

  return (
    <>
      <Section title={t('certification.application')}>
        <form className="form" onSubmit={(e) => void save(e)} noValidate>
          {serverField ? null : <ErrorBanner error={error} />}
          {missing && missing.length > 0 ? (
            <Banner kind="error">
              {t('certification.missing')}: {missing.map(missingName).join(en ? ', ' : '、')}
            </Banner>
          ) : null}
          {saved ? <Banner kind="success">{t('common:state.saved')}</Banner> : null}
          {submitted ? <Banner kind="success">{t('certification.submitted')}</Banner> : null}
          <Field
            label={t('certification.companyName')}
            hint={t('certification.companyNameHint')}
            error={fieldError('company_name')}
            required
          >
            <Input
              name="company-name"
              maxLength={200}
              value={form.company_name}
              onChange={(e) => set('company_name', e.target.value)}
            />
          </Field>
          <Field
            label={t('certification.creditCode')}
            hint={t('certification.creditCodeHint')}
            error={fieldError('credit_code')}
            required
          >
            <Input
              name="credit-code"
              maxLength={32}
              autoCapitalize="characters"
              spellCheck={false}
              value={form.credit_code}
              onChange={(e) => set('credit_code', e.target.value)}
              onBlur={() => setErrors((x) => ({ ...x, credit_code: creditError(form.credit_code) }))}
            />
          </Field>
          <div className="form-row">
            <Field label={t('certification.legalRepName')} error={fieldError('legal_rep_name')} required>
              <Input
                name="legal-rep-name"
                maxLength={100}
                value={form.legal_rep_name}
                onChange={(e) => set('legal_rep_name', e.target.value)}
              />
            </Field>
            <Field
              label={t('certification.legalRepId')}
              hint={
                a?.legal_rep_id_masked
                  ? t('certification.legalRepIdSaved', { masked: a.legal_rep_id_masked })
                  : t('certification.legalRepIdHint')
              }
              error={fieldError('legal_rep_id_number')}
              required
            >
              <Input
                name="legal-rep-id"
                maxLength={32}
                autoComplete="off"
                spellCheck={false}
                value={form.legal_rep_id_number}
                onChange={(e) => set('legal_rep_id_number', e.target.value)}
                onBlur={() => setErrors((x) => ({ ...x, legal_rep_id_number: idError(form.legal_rep_id_number) }))}
              />
            </Field>
          </div>
          <div className="form-row">
            <Field label={t('certification.contactName')} error={fieldError('contact_name')} required>
              <Input
                name="contact-name"
                maxLength={100}
                value={form.contact_name}
                onChange={(e) => set('contact_name', e.target.value)}
              />
            </Field>
            <Field label={t('certification.contactPhone')} error={fieldError('contact_phone')} required>
              <Input
                name="contact-phone"
                type="tel"
                maxLength={32}
                value={form.contact_phone}
                onChange={(e) => set('contact_phone', e.target.value)}
              />
            </Field>
          </div>
          <Field label={t('certification.address')} error={fieldError('address')} required>
            <TextArea
              name="address"
              rows={2}
              maxLength={500}
              value={form.address}
              onChange={(e) => set('address', e.target.value)}
            />
          </Field>
          <Field
            label={t('certification.industry')}
            hint={t('certification.industryHint')}
            error={fieldError('industry_code')}
            required
          >
            <Select name="industry" value={form.industry_code} onChange={(e) => void chooseIndustry(e.target.value)}>
              <option value="">{t('certification.chooseIndustry')}</option>
              {industries.map((i) => (
                <option key={i.code} value={i.code}>
                  {en ? i.name_en : i.name_zh}
                  {i.licences.length > 0 ? ` — ${t('certification.needsLicences', { count: i.licences.length })}` : ''}
                </option>
              ))}
            </Select>
          </Field>
          <div className="form-actions">
            <Button type="submit" busy={pending}>
              {t('certification.save')}
            </Button>
          </div>
        </form>
      </Section>
      <Documents state={state} onUploaded={onChange} />
      <Section title={t('certification.submitTitle')}>
        <p className="muted">{t('certification.submitIntro')}</p>
        <Button variant="primary" busy={pending} onClick={() => void submit()}>
          {state.certification === 'rejected' ? t('certification.resubmit') : t('certification.submit')}
        </Button>
      </Section>
    </>
  );
}

function Documents({ state, onUploaded }: { readonly state: CertificationState; readonly onUploaded: () => void }) {
  const { t, i18n } = useTranslation('customer');
  const [run, { pending, error }] = useAction();
  const [uploaded, setUploaded] = useState<string | undefined>();
  const en = i18n.language === 'en';
  const upload = async (kind: string, file: File | undefined) => {
    if (!file) return;
    const form = new FormData();
    form.append('kind', kind);
    form.append('file', file, file.name);
    const done = await run(() => apiForm('POST', '/console/api/certification/documents', form));
    if (done) {
      setUploaded(kind);
      onUploaded();
    }
  };
  return (
    <Section title={t('certification.documents')}>
      <p className="muted">{t('certification.documentsIntro')}</p>
      <ErrorBanner error={error} />
      {uploaded ? <Banner kind="success">{t('certification.uploaded')}</Banner> : null}
      {state.required_documents.map((d) => {
        const name = en ? d.name_en : d.name_zh;
        return (
          <div key={d.kind} className="doc-row">
            <Field
              label={name}
              hint={
                d.document_id ? (
                  <>
                    {t('certification.documentPresent')} ·{' '}
                    <a
                      href={`/console/api/certification/documents/${encodeURIComponent(d.document_id)}`}
                      target="_blank"
                      rel="noreferrer"
                    >
                      {t('certification.viewDocument')}
                    </a>
                  </>
                ) : (
                  t('certification.documentMissing')
                )
              }
              required
            >
              <Input
                name={`document-${d.kind}`}
                type="file"
                accept="image/jpeg,image/png,application/pdf"
                disabled={pending}
                onChange={(e) => {
                  const input = e.target;
                  void upload(d.kind, input.files?.[0]).then(() => {
                    input.value = '';
                  });
                }}
              />
            </Field>
          </div>
        );
      })}
      <p className="field-hint">{t('certification.documentRules')}</p>
    </Section>
  );
}

function Summary({
  state,
  industries,
}: {
  readonly state: CertificationState;
  readonly industries: IndustryList['industries'];
}) {
  const { t, i18n } = useTranslation('customer');
  const a = state.application;
  const industry = industries.find((i) => i.code === a?.industry_code);
  if (!a) return null;
  return (
    <Section title={t('certification.application')}>
      <dl className="dl">
        <dt>{t('certification.companyName')}</dt>
        <dd>{a.company_name ?? '—'}</dd>
        <dt>{t('certification.creditCode')}</dt>
        <dd>{a.credit_code ?? '—'}</dd>
        <dt>{t('certification.legalRepName')}</dt>
        <dd>{a.legal_rep_name ?? '—'}</dd>
        <dt>{t('certification.legalRepId')}</dt>
        <dd>{a.legal_rep_id_masked ?? '—'}</dd>
        <dt>{t('certification.contactName')}</dt>
        <dd>{a.contact_name ?? '—'}</dd>
        <dt>{t('certification.contactPhone')}</dt>
        <dd>{a.contact_phone ?? '—'}</dd>
        <dt>{t('certification.address')}</dt>
        <dd>{a.address ?? '—'}</dd>
        <dt>{t('certification.industry')}</dt>
        <dd>{industry ? (i18n.language === 'en' ? industry.name_en : industry.name_zh) : (a.industry_code ?? '—')}</dd>
        <dt>{t('certification.submittedAt')}</dt>
        <dd>
          <DateTime value={a.submitted_at} />
        </dd>
      </dl>
      <h3>{t('certification.documents')}</h3>
      <Table
        caption={t('certification.documents')}
        rows={state.required_documents}
        rowKey={(d) => d.kind}
        columns={[
          {
            key: 'name',
            header: t('certification.document'),
            render: (d) => (i18n.language === 'en' ? d.name_en : d.name_zh),
          },
          {
            key: 'file',
            header: t('certification.file'),
            render: (d) =>
              d.document_id ? (
                <a
                  href={`/console/api/certification/documents/${encodeURIComponent(d.document_id)}`}
                  target="_blank"
                  rel="noreferrer"
                >
                  {t('certification.viewDocument')}
                </a>
              ) : (
                t('certification.documentMissing')
              ),
          },
        ]}
      />
    </Section>
  );
}
