import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { useAction } from '../../api/hooks';
import type { Session } from '../../api/types';
import { Banner, Button, ErrorBanner, Field, Input } from '../../ui';
import { useSession } from '../session';

export function SignInPage() {
  const { t } = useTranslation('customer');
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [run, { pending, error }] = useAction();
  const [operator, setOperator] = useState(false);
  const notice = params.get('notice');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const session = await run(() => api<Session>('POST', '/console/api/session', { username, password }));
    if (!session) return;
    if (session.user.org_id === null) {
      setOperator(true);
      return;
    }
    signedIn(session);
    const next = params.get('next');
    navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
  };

  return (
    <div className="auth-page">
      <h1>{t('signIn.title')}</h1>
      {notice ? <Banner kind="info">{t(`signIn.notices.${notice}`, { defaultValue: '' })}</Banner> : null}
      {operator ? (
        <Banner kind="warning">
          {t('signIn.operator')} <a href="/admin">{t('signIn.operatorLink')}</a>
        </Banner>
      ) : null}
      <form className="card form" onSubmit={(e) => void submit(e)} noValidate>
        <ErrorBanner error={error} />
        <Field label={t('fields.username')} required>
          <Input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </Field>
        <Field label={t('fields.password')} required>
          <Input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={pending}>
            {t('signIn.submit')}
          </Button>
          <Link to="/forgot-password">{t('signIn.forgot')}</Link>
        </div>
      </form>
      <p>
        {t('signIn.noAccount')} <Link to="/register">{t('signIn.register')}</Link>
      </p>
    </div>
  );
}
