import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Field, Input } from '../ui';
import { passwordScore } from './password';

/** New password + confirmation, with a strength meter announced to screen readers. */
export function PasswordFields({
  password,
  confirm,
  username,
  onPassword,
  onConfirm,
  errors,
  label,
}: {
  readonly password: string;
  readonly confirm: string;
  readonly username?: string;
  readonly onPassword: (value: string) => void;
  readonly onConfirm: (value: string) => void;
  readonly errors: { readonly password?: string | undefined; readonly confirm?: string | undefined };
  readonly label?: string;
}) {
  const { t } = useTranslation('customer');
  const score = passwordScore(password, username);
  const meterId = useId();
  return (
    <>
      <Field label={label ?? t('fields.password')} hint={t('register.passwordHint')} error={errors.password} required>
        <Input
          name="new-password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => onPassword(e.target.value)}
        />
      </Field>
      {password !== '' ? (
        <div className="strength">
          <div className="meter" aria-hidden="true">
            <div className={`meter-bar meter-${score}`} />
          </div>
          <p className="field-hint" id={meterId} aria-live="polite">
            {t('register.strength')}: {t(`register.strengthLevels.${score}`)}
          </p>
        </div>
      ) : null}
      <Field label={t('fields.confirmPassword')} error={errors.confirm} required>
        <Input
          name="confirm-password"
          type="password"
          autoComplete="new-password"
          value={confirm}
          onChange={(e) => onConfirm(e.target.value)}
        />
      </Field>
    </>
  );
}
