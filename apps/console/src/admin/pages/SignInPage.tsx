import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useAction } from '../../api/hooks';
import { Banner, Button, Field, Input } from '../../ui';
import { useAdminSession } from '../session';
import type { AdminSession } from '../types';
import { AdminError } from '../ui';

export function SignInPage() {
  const { t } = useTranslation('admin');
  const { signedIn } = useAdminSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [run, state] = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const session = await run(() => api<AdminSession>('POST', '/admin/api/session', { username, password }));
    // The sign-in route then moves on to ?next= (or the first page the role may use).
    if (session) signedIn(session);
  };
  return (
    <div className="auth-page">
      <section className="card" aria-labelledby="admin-sign-in-title">
        <h1 id="admin-sign-in-title">{t('signIn.title')}</h1>
        <p className="muted">{t('signIn.intro')}</p>
        <form className="form" onSubmit={(event) => void submit(event)}>
          <Field label={t('signIn.username')} required>
            <Input
              autoComplete="username"
              value={username}
              maxLength={64}
              onChange={(event) => setUsername(event.target.value)}
            />
          </Field>
          <Field label={t('signIn.password')} required>
            <Input
              type="password"
              autoComplete="current-password"
              value={password}
              maxLength={256}
              onChange={(event) => setPassword(event.target.value)}
            />
          </Field>
          {state.error?.code === 'auth.forbidden' ? (
            <Banner kind="error">{t('signIn.notOperator')}</Banner>
          ) : (
            <AdminError error={state.error} />
          )}
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={state.pending}>
              {t('signIn.submit')}
            </Button>
          </div>
        </form>
      </section>
    </div>
  );
}
