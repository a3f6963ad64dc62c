import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../api/client';
import { Banner, Button, Dialog, Field, PageHeader, TextArea, type CursorPager } from '../../ui';
import { useAdminSession, type Permission } from '../session';

export { usePager } from '../../ui';

/** An API error in the operator's language: admin's errors.<code>, then common's, then the server's message. */
export function useAdminErrorText(): (error: ApiError | undefined) => string | undefined {
  const { t } = useTranslation('admin');
  return (error) =>
    error ? t(`errors.${error.code}`, { ns: ['admin', 'common'], defaultValue: error.message }) : undefined;
}

export function AdminError({ error }: { readonly error: ApiError | undefined }) {
  const { t } = useTranslation('admin');
  const { expired } = useAdminSession();
  const ended = error?.code === 'auth.required';
  // The session ended (expired, or signed out elsewhere): forget it, so the console goes back to the sign-in page
  // (and returns here after it).
  useEffect(() => {
    if (ended) expired();
  }, [ended, expired]);
  const text = useAdminErrorText()(error);
  if (!text) return null;
  // Some errors say where (a CSV line) or what exactly; shown as the server wrote it.
  const details = (error?.details ?? {}) as { reason?: unknown; line?: unknown };
  const reason = typeof details.reason === 'string' ? details.reason : undefined;
  const line = typeof details.line === 'number' ? details.line : undefined;
  return (
    <Banner kind="error">
      {text}
      {reason || line !== undefined ? (
        <div className="muted">
          {line !== undefined ? `${t('errorDetails.line', { line })} ` : ''}
          {reason ?? ''}
        </div>
      ) : null}
    </Banner>
  );
}

/** Shown instead of a page the operator's role may not use (the API refuses it anyway). */
export function NotAllowed() {
  const { t } = useTranslation('admin');
  return (
    <>
      <PageHeader title={t('forbidden.title')} />
      <Banner kind="warning">{t('forbidden.body')}</Banner>
    </>
  );
}

/** Renders the page only when the role has the permission; otherwise the "not allowed" message. */
export function Need({ permission, children }: { readonly permission: Permission; readonly children: ReactNode }) {
  const { can } = useAdminSession();
  return can(permission) ? <>{children}</> : <NotAllowed />;
}

/**
 * A confirmation that asks for a reason (required unless `optional`): every operator action that affects a customer
 * goes through it. `onConfirm` resolves true when done (the dialog closes) or false when it failed (it stays open,
 * showing `error`).
 */
export function ReasonDialog({
  title,
  description,
  confirmLabel,
  danger = false,
  optional = false,
  reasonLabel,
  maxLength = 500,
  pending,
  error,
  children,
  onConfirm,
  onClose,
}: {
  readonly title: string;
  readonly description?: ReactNode;
  readonly confirmLabel: string;
  readonly danger?: boolean;
  readonly optional?: boolean;
  readonly reasonLabel?: string;
  /** Longest reason accepted (500 unless the API takes more). */
  readonly maxLength?: number;
  readonly pending?: boolean;
  readonly error?: ApiError | undefined;
  /** Extra fields above the reason. */
  readonly children?: ReactNode;
  readonly onConfirm: (reason: string) => Promise<boolean> | boolean;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation('admin');
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const formId = useId();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = reason.trim();
    if (!optional && trimmed === '') {
      setMissing(true);
      return;
    }
    if (await onConfirm(trimmed)) onClose();
  };
  return (
    <Dialog
      title={title}
      onClose={onClose}
      actions={
        <>
          <Button onClick={onClose}>{t('action.cancel', { ns: 'common' })}</Button>
          <Button type="submit" form={formId} variant={danger ? 'danger' : 'primary'} busy={pending ?? false}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      <form id={formId} className="form" onSubmit={(event) => void submit(event)} noValidate>
        {description ? <div>{description}</div> : null}
        {children}
        <Field
          label={reasonLabel ?? (optional ? t('reason.optionalLabel') : t('reason.label'))}
          hint={t('reason.hint', { max: maxLength })}
          required={!optional}
          error={missing ? t('reason.missing') : undefined}
        >
          <TextArea
            value={reason}
            maxLength={maxLength}
            onChange={(event) => {
              setReason(event.target.value);
              setMissing(false);
            }}
          />
        </Field>
        <AdminError error={error} />
      </form>
    </Dialog>
  );
}

/** A coloured status pill; `tone` picks the colour. */
export function Status({ tone, children }: { readonly tone?: 'good' | 'warn' | 'bad'; readonly children: ReactNode }) {
  return <span className={`status${tone ? ` status-${tone}` : ''}`}>{children}</span>;
}

export function Pager({
  pager,
  nextCursor,
}: {
  readonly pager: CursorPager;
  readonly nextCursor: string | null | undefined;
}) {
  const { t } = useTranslation('admin');
  if (!pager.hasPrevious && !nextCursor) return null;
  return (
    <nav className="form-actions admin-pager" aria-label={t('paging.label')}>
      <Button onClick={pager.previous} disabled={!pager.hasPrevious}>
        {t('action.previous', { ns: 'common' })}
      </Button>
      <Button onClick={() => nextCursor && pager.next(nextCursor)} disabled={!nextCursor}>
        {t('action.next', { ns: 'common' })}
      </Button>
    </nav>
  );
}

/** Key/value facts as a description list. */
export function Facts({ items }: { readonly items: readonly (readonly [ReactNode, ReactNode])[] }) {
  return (
    <dl className="dl">
      {items.map(([term, value], i) => (
        <div key={i} className="admin-fact">
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Yuan typed by a person → integer fen (null when not a valid positive amount with at most 2 decimals). */
export function yuanToFen(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d+(\.\d{1,2})?$/.test(trimmed)) return null;
  const [whole = '0', part = ''] = trimmed.split('.');
  return Number(whole) * 100 + Number(part.padEnd(2, '0'));
}
