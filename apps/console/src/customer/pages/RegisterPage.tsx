import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api/client';
import { useAction } from '../../api/hooks';
import type { Session } from '../../api/types';
import { Button, ErrorBanner, Field, Input } from '../../ui';
import { PasswordFields } from '../PasswordFields';
import { emailPattern, mobilePattern, usernamePattern } from '../password';
import { useSession } from '../session';

interface Form {
  org_name: string;
  username: string;
  email: string;
  mobile: string;
  password: string;
  confirm: string;
}

export function RegisterPage() {
  const { t } = useTranslation('customer');
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [form, setForm] = useState<Form>({
    org_name: '',
    username: '',
    email: '',
    mobile: '',
    password: '',
    confirm: '',
  });
  const [errors, setErrors] = useState<Partial<Record<keyof Form, string>>>({});
  const [run, { pending, error }] = useAction();
  const set = (name: keyof Form) => (value: string) => setForm((f) => ({ ...f, [name]: value }));

  const validate = (): boolean => {
    const found: Partial<Record<keyof Form, string>> = {};
    if (form.org_name.trim() === '') found.org_name = t('common:form.requiredField');
    if (!usernamePattern.test(form.username.trim().toLowerCase())) found.username = t('register.usernameInvalid');
    if (!emailPattern.test(form.email.trim())) found.email = t('register.emailInvalid');
    if (!mobilePattern.test(form.mobile.replace(/[\s-]/g, ''))) found.mobile = t('register.mobileInvalid');
    if (form.password.length < 10) found.password = t('register.passwordShort');
    if (form.confirm !== form.password) found.confirm = t('register.confirmMismatch');
    setErrors(found);
    return Object.keys(found).length === 0;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!validate()) return;
    const username = form.username.trim().toLowerCase();
    const done = await run(async () => {
      await api('POST', '/console/api/register', {
        org_name: form.org_name.trim(),
        username,
        email: form.email.trim(),
        mobile: form.mobile.replace(/[\s-]/g, ''),
        password: form.password,
      });
      return api<Session>('POST', '/console/api/session', { username, password: form.password });
    });
    if (!done) return;
    signedIn(done);
    navigate('/?welcome=1', { replace: true });
  };

  return (
    <div className="auth-page">
      <h1>{t('register.title')}</h1>
      <p className="muted">{t('register.intro')}</p>
      <form className="card form" onSubmit={(e) => void submit(e)} noValidate>
        <ErrorBanner error={error} />
        <Field label={t('fields.orgName')} error={errors.org_name} required>
          <Input
            name="organization"
            autoComplete="organization"
            value={form.org_name}
            onChange={(e) => set('org_name')(e.target.value)}
          />
        </Field>
        <Field label={t('fields.username')} hint={t('register.usernameHint')} error={errors.username} required>
          <Input
            name="username"
            autoComplete="username"
            value={form.username}
            onChange={(e) => set('username')(e.target.value)}
          />
        </Field>
        <Field label={t('fields.email')} hint={t('register.emailHint')} error={errors.email} required>
          <Input
            name="email"
            type="email"
            autoComplete="email"
            value={form.email}
            onChange={(e) => set('email')(e.target.value)}
          />
        </Field>
        <Field label={t('fields.mobile')} error={errors.mobile} required>
          <Input
            name="mobile"
            type="tel"
            autoComplete="tel"
            value={form.mobile}
            onChange={(e) => set('mobile')(e.target.value)}
          />
        </Field>
        <PasswordFields
          password={form.password}
          confirm={form.confirm}
          username={form.username}
          onPassword={set('password')}
          onConfirm={set('confirm')}
          errors={errors}
        />
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={pending}>
            {t('register.submit')}
          </Button>
        </div>
      </form>
      <p>
        {t('register.haveAccount')} <Link to="/sign-in">{t('register.signIn')}</Link>
      </p>
    </div>
  );
}
