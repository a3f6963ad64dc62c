import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import type { ConsentSummary, DeletionReceipt, DeletionReceiptList } from '../../api/types';
import {
  Banner,
  Button,
  ConfirmDialog,
  DateTime,
  ErrorBanner,
  Field,
  Input,
  Loading,
  PageButtons,
  PageHeader,
  Section,
  Table,
  usePager,
} from '../../ui';

export function PrivacyPage() {
  const { t } = useTranslation('customer');
  const pager = usePager();
  const receipts = useApi<DeletionReceiptList>(
    `/console/api/deletion-receipts${query({ cursor: pager.cursor, limit: 50 })}`,
  );
  const consents = useApi<ConsentSummary>('/console/api/consents/summary');
  return (
    <>
      <PageHeader title={t('privacy.title')} intro={t('privacy.intro')} />
      <DeletionForm onDone={receipts.reload} />
      <Section title={t('privacy.receipts')}>
        <ErrorBanner error={receipts.error} />
        {receipts.data ? (
          <Table
            caption={t('privacy.receipts')}
            rows={receipts.data.receipts}
            rowKey={(r) => r.receipt_id}
            empty={t('privacy.noReceipts')}
            columns={[
              { key: 'id', header: t('privacy.receiptId'), render: (r) => <code>{r.receipt_id}</code> },
              { key: 'scope', header: t('privacy.scope'), render: (r) => t(`privacy.scopes.${r.scope}`) },
              {
                key: 'target',
                header: t('privacy.target'),
                render: (r) => (
                  <code title={r.target}>{r.target.length > 24 ? `${r.target.slice(0, 20)}…` : r.target}</code>
                ),
              },
              { key: 'erased', header: t('privacy.erased'), render: (r) => <ErasedList erased={r.erased} /> },
              { key: 'at', header: t('privacy.erasedAt'), render: (r) => <DateTime value={r.erased_at} /> },
              { key: 'actor', header: t('privacy.actor'), render: (r) => <code>{r.actor}</code> },
            ]}
          />
        ) : (
          <Loading />
        )}
        <PageButtons pager={pager} nextCursor={receipts.data?.next_cursor} />
      </Section>
      <Section title={t('privacy.consents')}>
        <p className="muted">{t('privacy.consentsIntro')}</p>
        <ErrorBanner error={consents.error} />
        {consents.data ? (
          <>
            <p>
              {t('privacy.consentTotal')}: <strong>{consents.data.total}</strong>
            </p>
            <Table
              caption={t('privacy.consents')}
              rows={consents.data.months}
              rowKey={(m) => `${m.app_id}-${m.month}`}
              empty={t('privacy.noConsents')}
              columns={[
                { key: 'app', header: t('usage.app'), render: (m) => m.app_name ?? m.app_id },
                { key: 'month', header: t('privacy.month'), render: (m) => m.month },
                { key: 'count', header: t('privacy.count'), numeric: true, render: (m) => m.count },
              ]}
            />
          </>
        ) : (
          <Loading />
        )}
      </Section>
    </>
  );
}

function ErasedList({ erased }: { readonly erased: DeletionReceipt['erased'] }) {
  const entries = Object.entries(erased);
  if (entries.length === 0) return <>—</>;
  return (
    <ul className="plain-list">
      {entries.map(([name, value]) => (
        <li key={name}>
          {name}: {String(value)}
        </li>
      ))}
    </ul>
  );
}

function DeletionForm({ onDone }: { readonly onDone: () => void }) {
  const { t } = useTranslation('customer');
  const [by, setBy] = useState<'verification_id' | 'subject_ref'>('verification_id');
  const [value, setValue] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [receipt, setReceipt] = useState<DeletionReceipt | undefined>();
  const [run, { pending, error }] = useAction();
  const ask = (event: FormEvent) => {
    event.preventDefault();
    if (value.trim() === '') {
      setFieldError(t('common:form.requiredField'));
      return;
    }
    setFieldError(undefined);
    setConfirming(true);
  };
  const erase = async () => {
    const done = await run(() =>
      api<DeletionReceipt>('POST', '/console/api/deletion-requests', { [by]: value.trim() }),
    );
    setConfirming(false);
    if (done) {
      setReceipt(done);
      setValue('');
      onDone();
    }
  };
  return (
    <Section title={t('privacy.request')}>
      <p className="muted">{t('privacy.requestIntro')}</p>
      <form className="form" onSubmit={ask} noValidate>
        <ErrorBanner error={error} />
        {receipt ? (
          <Banner kind="success" title={t('privacy.done')}>
            {t('privacy.receiptId')}: <code data-testid="deletion-receipt-id">{receipt.receipt_id}</code>
          </Banner>
        ) : null}
        <fieldset className="fieldset">
          <legend>{t('privacy.by')}</legend>
          <div className="check">
            <input
              id="by-verification"
              type="radio"
              name="deletion-by"
              checked={by === 'verification_id'}
              onChange={() => setBy('verification_id')}
            />
            <label htmlFor="by-verification">{t('privacy.byVerification')}</label>
          </div>
          <div className="check">
            <input
              id="by-subject"
              type="radio"
              name="deletion-by"
              checked={by === 'subject_ref'}
              onChange={() => setBy('subject_ref')}
            />
            <label htmlFor="by-subject">{t('privacy.bySubject')}</label>
          </div>
        </fieldset>
        <Field
          label={by === 'verification_id' ? t('privacy.verificationId') : t('privacy.subjectRef')}
          hint={by === 'verification_id' ? t('privacy.verificationHint') : t('privacy.subjectHint')}
          error={fieldError}
          required
        >
          <Input
            name="deletion-target"
            maxLength={by === 'verification_id' ? 64 : 128}
            value={value}
            onChange={(e) => {
              setReceipt(undefined);
              setValue(e.target.value);
            }}
          />
        </Field>
        <div className="form-actions">
          <Button type="submit" variant="danger">
            {t('privacy.submit')}
          </Button>
        </div>
      </form>
      {confirming ? (
        <ConfirmDialog
          title={t('privacy.confirmTitle')}
          confirmLabel={t('privacy.confirm')}
          busy={pending}
          onCancel={() => setConfirming(false)}
          onConfirm={() => void erase()}
        >
          <p>
            {by === 'verification_id'
              ? t('privacy.confirmVerification', { id: value.trim() })
              : t('privacy.confirmSubject', { ref: value.trim() })}
          </p>
        </ConfirmDialog>
      ) : null}
    </Section>
  );
}
