import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import type { App, AppList } from '../../api/types';
import { Button, DateTime, ErrorBanner, Field, Input, Loading, PageHeader, Section, Table, TextArea } from '../../ui';

export function AppsPage() {
  const { t } = useTranslation('customer');
  const navigate = useNavigate();
  const apps = useApi<AppList>('/console/api/apps');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [nameError, setNameError] = useState<string>();
  const [run, { pending, error }] = useAction();
  const create = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '') {
      setNameError(t('common:form.requiredField'));
      return;
    }
    setNameError(undefined);
    const app = await run(() =>
      api<App>('POST', '/console/api/apps', {
        name: name.trim(),
        ...(description.trim() ? { description: description.trim() } : {}),
      }),
    );
    if (app) navigate(`/apps/${app.id}`);
  };
  return (
    <>
      <PageHeader title={t('apps.title')} intro={t('apps.intro')} />
      <Section title={t('apps.list')}>
        <ErrorBanner error={apps.error} />
        {apps.loading && !apps.data ? <Loading /> : null}
        {apps.data ? (
          <Table
            caption={t('apps.list')}
            rows={apps.data.apps}
            rowKey={(a) => a.id}
            empty={t('apps.empty')}
            columns={[
              { key: 'name', header: t('apps.name'), render: (a) => <Link to={`/apps/${a.id}`}>{a.name}</Link> },
              { key: 'id', header: t('apps.id'), render: (a) => <code>{a.id}</code> },
              { key: 'far', header: t('apps.far'), render: (a) => a.decision_far },
              { key: 'created', header: t('apps.created'), render: (a) => <DateTime value={a.created_at} /> },
            ]}
          />
        ) : null}
      </Section>
      <Section title={t('apps.create')}>
        <form className="form" onSubmit={(e) => void create(e)} noValidate>
          <ErrorBanner error={error} />
          <Field label={t('apps.name')} error={nameError} required>
            <Input name="app-name" maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label={t('apps.description')}>
            <TextArea
              name="app-description"
              maxLength={1000}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          </Field>
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={pending}>
              {t('apps.createButton')}
            </Button>
          </div>
        </form>
      </Section>
    </>
  );
}
