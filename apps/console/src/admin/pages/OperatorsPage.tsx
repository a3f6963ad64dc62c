import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import {
  Banner,
  Button,
  CopyButton,
  DateTime,
  Field,
  Input,
  Loading,
  PageHeader,
  Section,
  Select,
  Table,
} from '../../ui';
import type { OperatorCreated, OperatorList, OperatorRole } from '../types';
import { AdminError, Status } from '../ui';

const roles: readonly OperatorRole[] = ['admin', 'reviewer', 'finance', 'support'];

/** Operator accounts: the list, and a new one with a role (its generated password is shown once). */
export function OperatorsPage() {
  const { t } = useTranslation('admin');
  const { data, error, loading, reload } = useApi<OperatorList>('/admin/api/operators');
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<OperatorRole>('reviewer');
  const [missing, setMissing] = useState(false);
  const [created, setCreated] = useState<OperatorCreated | null>(null);
  const [run, state] = useAction();
  const create = async (event: FormEvent) => {
    event.preventDefault();
    if (username.trim() === '') {
      setMissing(true);
      return;
    }
    const answer = await run(() =>
      api<OperatorCreated>('POST', '/admin/api/operators', {
        username: username.trim(),
        ...(email.trim() ? { email: email.trim() } : {}),
        role,
      }),
    );
    if (!answer) return;
    setCreated(answer);
    setUsername('');
    setEmail('');
    reload();
  };
  return (
    <>
      <PageHeader title={t('operators.title')} />
      {created ? (
        <Banner kind="success" title={t('operators.created', { username: created.operator.username })}>
          <p>{t('operators.passwordOnce')}</p>
          <p className="admin-secret" aria-label={t('operators.password')}>
            {created.password}
          </p>
          <CopyButton text={created.password} label={t('operators.copyPassword')} />
        </Banner>
      ) : null}
      <Section title={t('operators.create')}>
        <form className="form" onSubmit={(e) => void create(e)} noValidate>
          <div className="form-row">
            <Field
              label={t('operators.username')}
              hint={t('operators.usernameHint')}
              required
              error={missing ? t('form.missing') : undefined}
            >
              <Input
                value={username}
                maxLength={64}
                autoComplete="off"
                onChange={(e) => {
                  setUsername(e.target.value);
                  setMissing(false);
                }}
              />
            </Field>
            <Field label={t('operators.email')}>
              <Input type="email" value={email} maxLength={254} onChange={(e) => setEmail(e.target.value)} />
            </Field>
            <Field label={t('operators.role')} required>
              <Select value={role} onChange={(e) => setRole(e.target.value as OperatorRole)}>
                {roles.map((r) => (
                  <option key={r} value={r}>
                    {t(`roles.${r}`)}
                  </option>
                ))}
              </Select>
            </Field>
          </div>
          <p className="muted">{t(`roleHelp.${role}`)}</p>
          <AdminError error={state.error} />
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={state.pending}>
              {t('operators.submit')}
            </Button>
          </div>
        </form>
      </Section>
      <Section title={t('operators.list')}>
        <AdminError error={error} />
        {loading && !data ? <Loading /> : null}
        {data ? (
          <Table
            caption={t('operators.list')}
            rows={data.operators}
            rowKey={(o) => o.id}
            columns={[
              { key: 'username', header: t('operators.username'), render: (o) => o.username },
              { key: 'email', header: t('operators.email'), render: (o) => o.email ?? '—' },
              { key: 'role', header: t('operators.role'), render: (o) => t(`roles.${o.role}`) },
              { key: 'created', header: t('operators.createdAt'), render: (o) => <DateTime value={o.created_at} /> },
              {
                key: 'state',
                header: t('operators.state'),
                render: (o) =>
                  o.disabled_at ? (
                    <Status tone="bad">{t('operators.disabled')}</Status>
                  ) : (
                    <Status tone="good">{t('operators.active')}</Status>
                  ),
              },
            ]}
          />
        ) : null}
      </Section>
    </>
  );
}
