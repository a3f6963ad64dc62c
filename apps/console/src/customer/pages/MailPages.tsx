import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import { useAction } from '../../api/hooks';
import { Banner, Button, ErrorBanner, Field, Input, Loading } from '../../ui';
import { MailModeNote } from '../MailModeNote';
import { PasswordFields } from '../PasswordFields';

export function ForgotPasswordPage() {
  const { t } = useTranslation('customer');
  const [who, setWho] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const [done, setDone] = useState(false);
  const [run, { pending, error }] = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (who.trim() === '') {
      setFieldError(t('common:form.requiredField'));
      return;
    }
    setFieldError(undefined);
    const answer = await run(() => api('POST', '/console/api/password-reset', { username_or_email: who.trim() }));
    if (answer) setDone(true);
  };
  return (
    <div className="auth-page">
      <h1>{t('forgot.title')}</h1>
      <MailModeNote />
      {done ? (
        <Banner kind="success">{t('forgot.sent')}</Banner>
      ) : (
        <form className="card form" onSubmit={(e) => void submit(e)} noValidate>
          <p>{t('forgot.intro')}</p>
          <ErrorBanner error={error} />
          <Field label={t('fields.usernameOrEmail')} error={fieldError} required>
            <Input name="username" autoComplete="username" value={who} onChange={(e) => setWho(e.target.value)} />
          </Field>
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={pending}>
              {t('forgot.submit')}
            </Button>
          </div>
        </form>
      )}
      <p>
        <Link to="/sign-in">{t('forgot.back')}</Link>
      </p>
    </div>
  );
}

export function ResetPasswordPage() {
  const { t } = useTranslation('customer');
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<{ password?: string; confirm?: string }>({});
  const [done, setDone] = useState<{ username: string } | undefined>();
  const [run, { pending, error }] = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: { password?: string; confirm?: string } = {};
    if (password.length < 10) found.password = t('register.passwordShort');
    if (confirm !== password) found.confirm = t('register.confirmMismatch');
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const answer = await run(() =>
      api<{ username: string }>('POST', '/console/api/password-reset/confirm', { token, password }),
    );
    if (answer) setDone(answer);
  };
  return (
    <div className="auth-page">
      <h1>{t('reset.title')}</h1>
      {token === '' ? (
        <Banner kind="error">
          {t('reset.noToken')} <Link to="/forgot-password">{t('reset.again')}</Link>
        </Banner>
      ) : done ? (
        <Banner kind="success">
          {t('reset.done', { username: done.username })} <Link to="/sign-in">{t('reset.signIn')}</Link>
        </Banner>
      ) : (
        <form className="card form" onSubmit={(e) => void submit(e)} noValidate>
          <ErrorBanner error={error} />
          {error && error.code.startsWith('account.token') ? (
            <p>
              <Link to="/forgot-password">{t('reset.again')}</Link>
            </p>
          ) : null}
          <PasswordFields
            password={password}
            confirm={confirm}
            onPassword={setPassword}
            onConfirm={setConfirm}
            errors={errors}
            label={t('fields.newPassword')}
          />
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={pending}>
              {t('reset.submit')}
            </Button>
          </div>
        </form>
      )}
    </div>
  );
}

export function VerifyEmailPage() {
  const { t } = useTranslation('customer');
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [run, { error }] = useAction();
  const [done, setDone] = useState<{ email: string } | undefined>();
  const started = useRef(false);
  useEffect(() => {
    if (token === '' || started.current) return;
    started.current = true;
    void run(() => api<{ email: string }>('POST', '/console/api/email-verification/confirm', { token })).then(
      (answer) => {
        if (answer) setDone(answer);
      },
    );
  }, [token, run]);
  return (
    <div className="auth-page">
      <h1>{t('verify.title')}</h1>
      {token === '' ? (
        <Banner kind="error">{t('verify.noToken')}</Banner>
      ) : done ? (
        <Banner kind="success">
          {t('verify.done', { email: done.email })} <Link to="/">{t('verify.continue')}</Link>
        </Banner>
      ) : error ? (
        <>
          <ErrorBanner error={error} />
          <p>{t('verify.resendHint')}</p>
          <p>
            <Link to="/">{t('verify.continue')}</Link>
          </p>
        </>
      ) : (
        <Loading />
      )}
    </div>
  );
}
