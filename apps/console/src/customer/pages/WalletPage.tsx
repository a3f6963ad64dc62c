import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import type {
  BalanceAlert,
  PriceList,
  TopupRequest,
  TopupRequestList,
  WalletBalances,
  WalletStatement,
} from '../../api/types';
import {
  Banner,
  Button,
  DateTime,
  ErrorBanner,
  Field,
  Input,
  Loading,
  Money,
  PageHeader,
  Section,
  Table,
} from '../../ui';
import { currentMonth, fenToYuanText, yuanToFen } from '../money';
import { Status } from '../status';

export function WalletPage() {
  const { t } = useTranslation('customer');
  const balances = useApi<WalletBalances>('/console/api/wallet');
  return (
    <>
      <PageHeader title={t('wallet.title')} />
      <ErrorBanner error={balances.error} />
      <div className="grid">
        <div className="stat">
          <p className="stat-label">{t('wallet.cash')}</p>
          <p className="stat-value" data-testid="balance-cash">
            <Money fen={balances.data?.cash} />
          </p>
        </div>
        <div className="stat">
          <p className="stat-label">{t('wallet.bonus')}</p>
          <p className="stat-value" data-testid="balance-bonus">
            <Money fen={balances.data?.bonus} />
          </p>
        </div>
        <div className="stat">
          <p className="stat-label">{t('wallet.held')}</p>
          <p className="stat-value">
            <Money fen={balances.data?.held} />
          </p>
        </div>
      </div>
      <Topups onChange={balances.reload} />
      <Prices />
      <Statement />
      <Alert />
    </>
  );
}

function Topups({ onChange }: { readonly onChange: () => void }) {
  const { t } = useTranslation('customer');
  const list = useApi<TopupRequestList>('/console/api/wallet/topup-requests');
  const [amount, setAmount] = useState('');
  const [reference, setReference] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [filed, setFiled] = useState(false);
  const [run, { pending, error }] = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    const fen = yuanToFen(amount);
    if (fen === undefined) found.amount = t('wallet.amountInvalid');
    if (reference.trim() === '') found.reference = t('common:form.requiredField');
    setErrors(found);
    if (fen === undefined || Object.keys(found).length > 0) return;
    const done = await run(() =>
      api<TopupRequest>('POST', '/console/api/wallet/topup-requests', { amount_fen: fen, reference: reference.trim() }),
    );
    if (done) {
      setFiled(true);
      setAmount('');
      setReference('');
      list.reload();
      onChange();
    }
  };
  return (
    <Section title={t('wallet.topupTitle')}>
      <p className="muted">{t('wallet.topupIntro')}</p>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <ErrorBanner error={error} />
        {filed ? <Banner kind="success">{t('wallet.topupFiled')}</Banner> : null}
        <div className="form-row">
          <Field label={t('wallet.amount')} hint={t('wallet.amountHint')} error={errors.amount} required>
            <Input
              name="topup-amount"
              inputMode="decimal"
              value={amount}
              onChange={(e) => {
                setFiled(false);
                setAmount(e.target.value);
              }}
            />
          </Field>
          <Field label={t('wallet.reference')} hint={t('wallet.referenceHint')} error={errors.reference} required>
            <Input
              name="topup-reference"
              maxLength={64}
              value={reference}
              onChange={(e) => setReference(e.target.value)}
            />
          </Field>
        </div>
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={pending}>
            {t('wallet.topupSubmit')}
          </Button>
        </div>
      </form>
      <h3>{t('wallet.topupList')}</h3>
      <ErrorBanner error={list.error} />
      {list.data ? (
        <Table
          caption={t('wallet.topupList')}
          rows={list.data.requests}
          rowKey={(r) => r.id}
          empty={t('wallet.topupEmpty')}
          columns={[
            { key: 'created', header: t('wallet.filedAt'), render: (r) => <DateTime value={r.created_at} /> },
            { key: 'amount', header: t('wallet.amount'), numeric: true, render: (r) => <Money fen={r.amount_fen} /> },
            { key: 'reference', header: t('wallet.reference'), render: (r) => r.reference },
            { key: 'status', header: t('wallet.status'), render: (r) => <Status value={r.status} /> },
            { key: 'decided', header: t('wallet.decidedAt'), render: (r) => <DateTime value={r.decided_at} /> },
            { key: 'reason', header: t('wallet.decisionReason'), render: (r) => r.decision_reason ?? '' },
          ]}
        />
      ) : (
        <Loading />
      )}
    </Section>
  );
}

function Prices() {
  const { t } = useTranslation('customer');
  const prices = useApi<PriceList>('/console/api/prices');
  return (
    <Section title={t('wallet.prices')}>
      <ErrorBanner error={prices.error} />
      {prices.data ? (
        <Table
          caption={t('wallet.prices')}
          rows={prices.data.prices}
          rowKey={(p) => p.product}
          columns={[
            { key: 'product', header: t('wallet.product'), render: (p) => t(`products.${p.product}`) },
            {
              key: 'current',
              header: t('wallet.currentPrice'),
              numeric: true,
              render: (p) => (p.current ? <Money fen={p.current.amount_fen} /> : t('wallet.noPrice')),
            },
            {
              key: 'upcoming',
              header: t('wallet.upcomingPrice'),
              render: (p) =>
                p.upcoming.length === 0 ? (
                  '—'
                ) : (
                  <ul className="inline-list">
                    {p.upcoming.map((u) => (
                      <li key={u.effective_at}>
                        <Money fen={u.amount_fen} /> {t('wallet.from')} <DateTime value={u.effective_at} />
                      </li>
                    ))}
                  </ul>
                ),
            },
          ]}
        />
      ) : (
        <Loading />
      )}
      <p className="field-hint">{t('wallet.perCall')}</p>
    </Section>
  );
}

function Statement() {
  const { t } = useTranslation('customer');
  const [period, setPeriod] = useState(currentMonth());
  const valid = /^\d{4}-(0[1-9]|1[0-2])$/.test(period);
  const statement = useApi<WalletStatement>(valid ? `/console/api/wallet/statement?period=${period}` : null);
  return (
    <Section
      title={t('wallet.statement')}
      actions={
        valid ? (
          <a className="btn btn-secondary" href={`/console/api/wallet/statement.csv?period=${period}`} download>
            {t('wallet.exportCsv')}
          </a>
        ) : null
      }
    >
      <div className="form-actions">
        <Field label={t('wallet.month')}>
          <Input name="statement-month" type="month" value={period} onChange={(e) => setPeriod(e.target.value)} />
        </Field>
      </div>
      <ErrorBanner error={statement.error} />
      {statement.data ? (
        <>
          <p>
            {t('wallet.opening')}: <Money fen={statement.data.opening.cash + statement.data.opening.bonus} /> ·{' '}
            {t('wallet.closing')}: <Money fen={statement.data.closing.cash + statement.data.closing.bonus} />
          </p>
          <Table
            caption={t('wallet.statement')}
            rows={statement.data.entries}
            rowKey={(e) => `${e.transaction_id}-${e.kind}`}
            empty={t('wallet.noEntries')}
            columns={[
              { key: 'at', header: t('wallet.time'), render: (e) => <DateTime value={e.created_at} /> },
              { key: 'kind', header: t('wallet.kind'), render: (e) => t(`wallet.kinds.${e.kind}`) },
              { key: 'reference', header: t('wallet.entryReference'), render: (e) => e.reference ?? '' },
              { key: 'cash', header: t('wallet.cash'), numeric: true, render: (e) => <Money fen={e.cash} /> },
              { key: 'bonus', header: t('wallet.bonus'), numeric: true, render: (e) => <Money fen={e.bonus} /> },
              { key: 'held', header: t('wallet.held'), numeric: true, render: (e) => <Money fen={e.held} /> },
            ]}
          />
        </>
      ) : statement.loading ? (
        <Loading />
      ) : null}
    </Section>
  );
}

function Alert() {
  const { t } = useTranslation('customer');
  const alert = useApi<BalanceAlert>('/console/api/wallet/alert');
  return (
    <Section title={t('wallet.alert')}>
      <p className="muted">{t('wallet.alertIntro')}</p>
      <ErrorBanner error={alert.error} />
      {alert.data ? (
        <AlertForm key={String(alert.data.threshold_fen)} alert={alert.data} onSaved={alert.reload} />
      ) : null}
    </Section>
  );
}

function AlertForm({ alert, onSaved }: { readonly alert: BalanceAlert; readonly onSaved: () => void }) {
  const { t } = useTranslation('customer');
  const [value, setValue] = useState(alert.threshold_fen === null ? '' : fenToYuanText(alert.threshold_fen));
  const [fieldError, setFieldError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const [run, { pending, error }] = useAction();
  const save = async (event: FormEvent) => {
    event.preventDefault();
    const fen = value.trim() === '' ? null : yuanToFen(value);
    if (fen === undefined) {
      setFieldError(t('wallet.amountInvalid'));
      return;
    }
    setFieldError(undefined);
    const done = await run(() => api<BalanceAlert>('PUT', '/console/api/wallet/alert', { threshold_fen: fen }));
    if (done) {
      setSaved(true);
      onSaved();
    }
  };
  return (
    <form className="form" onSubmit={(e) => void save(e)} noValidate>
      <ErrorBanner error={error} />
      {saved ? <Banner kind="success">{t('common:state.saved')}</Banner> : null}
      {alert.alerted ? <Banner kind="warning">{t('wallet.alerted')}</Banner> : null}
      <Field label={t('wallet.threshold')} hint={t('wallet.thresholdHint')} error={fieldError}>
        <Input name="alert-threshold" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
      </Field>
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={pending}>
          {t('wallet.saveAlert')}
        </Button>
      </div>
    </form>
  );
}
