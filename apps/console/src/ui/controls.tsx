import {
  cloneElement,
  isValidElement,
  useEffect,
  useId,
  useRef,
  type ButtonHTMLAttributes,
  type InputHTMLAttributes,
  type ReactElement,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  readonly variant?: 'primary' | 'secondary' | 'danger' | 'link';
  /** Disables the button and marks it busy while a request runs. */
  readonly busy?: boolean;
};

export function Button({ variant = 'secondary', busy = false, type = 'button', className, ...rest }: ButtonProps) {
  return (
    <button
      type={type}
      className={`btn btn-${variant}${className ? ` ${className}` : ''}`}
      aria-busy={busy || undefined}
      {...rest}
      disabled={rest.disabled || busy}
    />
  );
}

interface FieldProps {
  readonly label: ReactNode;
  /** Error text shown under the control and announced with it. */
  readonly error?: ReactNode;
  /** Help text shown under the label. */
  readonly hint?: ReactNode;
  readonly required?: boolean;
  readonly className?: string;
  /** One control element (input, select, textarea): it gets the id and the aria-describedby. */
  readonly children: ReactElement<Record<string, unknown>>;
}

/** A labelled form control with optional hint and error text. */
export function Field({ label, error, hint, required, className, children }: FieldProps) {
  const id = useId();
  const { t } = useTranslation();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const control = isValidElement(children)
    ? cloneElement(children, {
        id,
        'aria-describedby': describedBy,
        'aria-invalid': error ? true : undefined,
        required: required || undefined,
      })
    : children;
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <div className="field-label">
        <label htmlFor={id}>{label}</label>
        {required ? (
          <span className="required" aria-hidden="true" title={t('form.required')}>
            *
          </span>
        ) : null}
      </div>
      {hint ? (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {control}
      {error ? (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export const Input = (props: InputHTMLAttributes<HTMLInputElement>) => <input className="input" {...props} />;
export const Select = (props: SelectHTMLAttributes<HTMLSelectElement>) => <select className="input" {...props} />;
export const TextArea = (props: TextareaHTMLAttributes<HTMLTextAreaElement>) => (
  <textarea className="input" rows={4} {...props} />
);

/** An error from the API in the user's language: errors.<code>, the server's message as fallback. */
export function useErrorText(): (error: ApiError | undefined) => string | undefined {
  const { t } = useTranslation();
  return (error) => (error ? t(`errors.${error.code}`, { defaultValue: error.message }) : undefined);
}

export function ErrorBanner({ error }: { readonly error: ApiError | undefined }) {
  const text = useErrorText()(error);
  if (!text) return null;
  return <Banner kind="error">{text}</Banner>;
}

export function Banner({
  kind = 'info',
  title,
  children,
  actions,
}: {
  readonly kind?: 'info' | 'success' | 'warning' | 'error';
  readonly title?: ReactNode;
  readonly children?: ReactNode;
  readonly actions?: ReactNode;
}) {
  return (
    <div className={`banner banner-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <div className="banner-body">
        {title ? <strong className="banner-title">{title}</strong> : null}
        {children ? <div>{children}</div> : null}
      </div>
      {actions ? <div className="banner-actions">{actions}</div> : null}
    </div>
  );
}

/**
 * A modal dialog on the native <dialog> element (focus trap, Escape and the top layer come from the browser).
 * Render it when open; closing (Escape, the close button) calls onClose.
 */
export function Dialog({
  title,
  onClose,
  children,
  actions,
}: {
  readonly title: ReactNode;
  readonly onClose: () => void;
  readonly children?: ReactNode;
  readonly actions?: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const { t } = useTranslation();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <div className="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="btn btn-link dialog-close" onClick={onClose} aria-label={t('action.close')}>
          ×
        </button>
      </div>
      <div className="dialog-body">{children}</div>
      {actions ? <div className="dialog-actions">{actions}</div> : null}
    </dialog>
  );
}

/** A dialog that asks before acting: Cancel (also × and Escape) calls onCancel, the confirming button onConfirm. */
export function ConfirmDialog({
  title,
  confirmLabel,
  variant = 'danger',
  busy,
  onCancel,
  onConfirm,
  children,
}: {
  readonly title: ReactNode;
  readonly confirmLabel: ReactNode;
  readonly variant?: 'primary' | 'danger';
  readonly busy?: boolean;
  readonly onCancel: () => void;
  readonly onConfirm: () => void;
  readonly children?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Dialog
      title={title}
      onClose={onCancel}
      actions={
        <>
          <Button onClick={onCancel}>{t('action.cancel')}</Button>
          <Button variant={variant} busy={busy} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {children}
    </Dialog>
  );
}

export function Empty({ children }: { readonly children?: ReactNode }) {
  const { t } = useTranslation();
  return <p className="empty">{children ?? t('state.empty')}</p>;
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status">
      {t('state.loading')}
    </p>
  );
}

/** Page heading and optional actions on the right. */
export function PageHeader({ title, actions, intro }: { title: ReactNode; actions?: ReactNode; intro?: ReactNode }) {
  // Each page names the tab, so that history and screen readers tell pages apart.
  useEffect(() => {
    if (typeof title === 'string') document.title = `${title} · Visage`;
  }, [title]);
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {intro ? <p className="page-intro">{intro}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </div>
  );
}

export function Section({ title, children, actions }: { title: ReactNode; children?: ReactNode; actions?: ReactNode }) {
  const id = useId();
  return (
    <section className="card" aria-labelledby={id}>
      <div className="card-head">
        <h2 id={id}>{title}</h2>
        {actions ? <div className="card-actions">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}

/** Copy text to the clipboard with a short confirmation. */
export function CopyButton({ text, label }: { readonly text: string; readonly label?: string }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLSpanElement>(null);
  return (
    <>
      <Button
        onClick={() => {
          void navigator.clipboard?.writeText(text).then(
            () => {
              if (ref.current) ref.current.textContent = t('action.copied');
            },
            () => {
              if (ref.current) ref.current.textContent = t('action.copyFailed');
            },
          );
        }}
      >
        {label ?? t('action.copy')}
      </Button>
      <span ref={ref} role="status" className="copy-status" />
    </>
  );
}
