import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import type { ApiKeyList, App, AppUpdate, SavedApp, WebhookSecretIssued } from '../../api/types';
import { Banner, Button, ErrorBanner, Field, Input, Loading, PageHeader, Section, Select, TextArea } from '../../ui';
import { KeysSection } from './KeysSection';
import { TryIt } from './TryIt';
import { WebhookSecretDialog } from './WebhookSecretDialog';

const farLevels = ['1e-3', '1e-4', '1e-5', '1e-6'] as const;

export function AppDetailPage() {
  const { t } = useTranslation('customer');
  const { appId = '' } = useParams();
  const app = useApi<App>(`/console/api/apps/${encodeURIComponent(appId)}`);
  const keys = useApi<ApiKeyList>(`/console/api/apps/${encodeURIComponent(appId)}/keys`);
  if (app.error) {
    return (
      <>
        <PageHeader title={t('apps.detail')} />
        <ErrorBanner error={app.error} />
        <Link to="/apps">{t('apps.back')}</Link>
      </>
    );
  }
  if (!app.data) return <Loading />;
  return (
    <>
      <p>
        <Link to="/apps">← {t('apps.back')}</Link>
      </p>
      <PageHeader
        title={app.data.name}
        intro={<code>{app.data.id}</code>}
        actions={
          <Link
            className="btn btn-secondary"
            to={`/apps/${encodeURIComponent(app.data.id)}/webhooks`}
            aria-label={t('apps.webhooksLink', { name: app.data.name })}
          >
            {t('apps.webhooks')}
          </Link>
        }
      />
      <Settings key={app.data.id} app={app.data} onSaved={app.reload} />
      <KeysSection appId={app.data.id} keys={keys} />
      <TryIt keys={keys.data?.keys ?? []} />
    </>
  );
}

/** Seconds shown and edited in days (0 = never kept). */
const toDays = (seconds: number) => String(Math.round((seconds / 86400) * 1000) / 1000);

function Settings({ app, onSaved }: { readonly app: App; readonly onSaved: () => void }) {
  const { t } = useTranslation('customer');
  const [form, setForm] = useState({
    name: app.name,
    description: app.description ?? '',
    domains: app.domains.join('\n'),
    decision_far: app.decision_far,
    image_days: toDays(app.image_retention_seconds),
    result_days: toDays(app.result_retention_seconds),
    allow_multiple_faces: app.allow_multiple_faces,
    webhook_url: app.webhook_url ?? '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const [issued, setIssued] = useState<WebhookSecretIssued | undefined>();
  const [run, { pending, error }] = useAction();
  const set = <K extends keyof typeof form>(name: K, value: (typeof form)[K]) => {
    setSaved(false);
    setForm((f) => ({ ...f, [name]: value }));
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (form.name.trim() === '') found.name = t('common:form.requiredField');
    const imageDays = Number(form.image_days);
    const resultDays = Number(form.result_days);
    if (!(imageDays >= 0) || form.image_days.trim() === '') found.image_days = t('apps.daysInvalid');
    if (!(resultDays >= 0) || form.result_days.trim() === '') found.result_days = t('apps.daysInvalid');
    const webhook = form.webhook_url.trim();
    if (webhook !== '' && !/^https?:\/\/[^\s]+$/i.test(webhook)) found.webhook_url = t('apps.webhookInvalid');
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const body: AppUpdate = {
      name: form.name.trim(),
      description: form.description.trim() === '' ? null : form.description.trim(),
      domains: form.domains
        .split(/[\s,]+/)
        .map((d) => d.trim())
        .filter(Boolean),
      decision_far: form.decision_far,
      image_retention_seconds: Math.round(imageDays * 86400),
      result_retention_seconds: Math.round(resultDays * 86400),
      allow_multiple_faces: form.allow_multiple_faces,
      webhook_url: webhook === '' ? null : webhook,
    };
    const done = await run(() => api<SavedApp>('PATCH', `/console/api/apps/${encodeURIComponent(app.id)}`, body));
    if (done) {
      setSaved(true);
      // Saving the first webhook URL of an app without a signing secret issues one: shown this once.
      if (done.webhook_secret) setIssued(done.webhook_secret);
      onSaved();
    }
  };
  return (
    <Section title={t('apps.settings')}>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <ErrorBanner error={error} />
        {saved ? <Banner kind="success">{t('common:state.saved')}</Banner> : null}
        <Field label={t('apps.name')} error={errors.name} required>
          <Input name="app-name" maxLength={100} value={form.name} onChange={(e) => set('name', e.target.value)} />
        </Field>
        <Field label={t('apps.description')}>
          <TextArea
            name="app-description"
            value={form.description}
            onChange={(e) => set('description', e.target.value)}
          />
        </Field>
        <Field label={t('apps.domains')} hint={t('apps.domainsHint')}>
          <TextArea name="app-domains" rows={3} value={form.domains} onChange={(e) => set('domains', e.target.value)} />
        </Field>
        <Field label={t('apps.far')} hint={t('apps.farHint')}>
          <Select
            name="decision-far"
            value={form.decision_far}
            onChange={(e) => set('decision_far', e.target.value as (typeof farLevels)[number])}
          >
            {farLevels.map((l) => (
              <option key={l} value={l}>
                {t(`apps.farLevels.${l}`)}
              </option>
            ))}
          </Select>
        </Field>
        <div className="form-row">
          <Field label={t('apps.imageRetention')} hint={t('apps.imageRetentionHint')} error={errors.image_days}>
            <Input
              name="image-retention"
              type="number"
              min={0}
              step="any"
              inputMode="decimal"
              value={form.image_days}
              onChange={(e) => set('image_days', e.target.value)}
            />
          </Field>
          <Field label={t('apps.resultRetention')} hint={t('apps.resultRetentionHint')} error={errors.result_days}>
            <Input
              name="result-retention"
              type="number"
              min={0}
              step="any"
              inputMode="decimal"
              value={form.result_days}
              onChange={(e) => set('result_days', e.target.value)}
            />
          </Field>
        </div>
        <div className="check">
          <input
            id="allow-multiple-faces"
            type="checkbox"
            checked={form.allow_multiple_faces}
            onChange={(e) => set('allow_multiple_faces', e.target.checked)}
          />
          <label htmlFor="allow-multiple-faces">{t('apps.multipleFaces')}</label>
        </div>
        <Field label={t('apps.webhook')} hint={t('apps.webhookHint')} error={errors.webhook_url}>
          <Input
            name="webhook-url"
            type="url"
            inputMode="url"
            placeholder="https://"
            value={form.webhook_url}
            onChange={(e) => set('webhook_url', e.target.value)}
          />
        </Field>
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={pending}>
            {t('apps.saveSettings')}
          </Button>
        </div>
      </form>
      {issued ? <WebhookSecretDialog issued={issued} onClose={() => setIssued(undefined)} /> : null}
    </Section>
  );
}
