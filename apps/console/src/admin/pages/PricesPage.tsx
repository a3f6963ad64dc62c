import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import { Banner, Button, DateTime, Field, Input, Loading, Money, PageHeader, Section, Select, Table } from '../../ui';
import type { AdminPriceList, PriceChangeResult } from '../types';
import { AdminError, ReasonDialog, yuanToFen } from '../ui';

const products = ['compare', 'liveness', 'verification', 'id_card_ocr'] as const;
type Product = (typeof products)[number];

/** The price list with scheduled changes; a change notifies every customer (in-site and email) at once. */
export function PricesPage() {
  const { t } = useTranslation('admin');
  const { data, error, loading, reload } = useApi<AdminPriceList>('/admin/api/prices');
  const [product, setProduct] = useState<Product>('compare');
  const [amount, setAmount] = useState('');
  const [when, setWhen] = useState('');
  const [invalid, setInvalid] = useState(false);
  const [asking, setAsking] = useState(false);
  const [result, setResult] = useState<PriceChangeResult | null>(null);
  const [run, state] = useAction();
  const fen = amount.trim() === '0' ? 0 : yuanToFen(amount);
  const start = (event: FormEvent) => {
    event.preventDefault();
    if (fen === null) {
      setInvalid(true);
      return;
    }
    state.clear();
    setAsking(true);
  };
  const schedule = async (reason: string) => {
    if (fen === null) return false;
    const effective = when ? new Date(when).toISOString() : undefined;
    const answer = await run(() =>
      api<PriceChangeResult>('POST', '/admin/api/prices', {
        product,
        amount_fen: fen,
        ...(effective ? { effective_at: effective } : {}),
        reason,
      }),
    );
    if (!answer) return false;
    setResult(answer);
    setAmount('');
    setWhen('');
    reload();
    return true;
  };
  return (
    <>
      <PageHeader title={t('prices.title')} />
      <Banner kind="warning">{t('prices.warning')}</Banner>
      {result ? (
        <Banner kind="success">
          {result.notified === null
            ? t('prices.scheduledNotNotified')
            : t('prices.scheduled', { count: result.notified })}
        </Banner>
      ) : null}
      <AdminError error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <Section title={t('prices.list')}>
          <Table
            caption={t('prices.list')}
            rows={data.prices}
            rowKey={(p) => p.product}
            columns={[
              { key: 'product', header: t('prices.product'), render: (p) => t(`product.${p.product}`) },
              {
                key: 'current',
                header: t('prices.current'),
                numeric: true,
                render: (p) => (p.current ? <Money fen={p.current.amount_fen} /> : t('prices.notSet')),
              },
              {
                key: 'since',
                header: t('prices.since'),
                render: (p) => (p.current ? <DateTime value={p.current.effective_at} /> : '—'),
              },
              {
                key: 'upcoming',
                header: t('prices.upcoming'),
                render: (p) =>
                  p.upcoming.length === 0 ? (
                    t('prices.noUpcoming')
                  ) : (
                    <ul className="inline-list">
                      {p.upcoming.map((u) => (
                        <li key={u.id}>
                          <Money fen={u.amount_fen} /> {t('prices.from')} <DateTime value={u.effective_at} /> (
                          {u.created_by})
                        </li>
                      ))}
                    </ul>
                  ),
              },
            ]}
          />
        </Section>
      ) : null}
      <Section title={t('prices.change')}>
        <form className="form" onSubmit={start} noValidate>
          <div className="form-row">
            <Field label={t('prices.product')} required>
              <Select value={product} onChange={(e) => setProduct(e.target.value as Product)}>
                {products.map((p) => (
                  <option key={p} value={p}>
                    {t(`product.${p}`)}
                  </option>
                ))}
              </Select>
            </Field>
            <Field
              label={t('prices.amount')}
              hint={t('prices.amountHint')}
              error={invalid ? t('prices.amountInvalid') : undefined}
              required
            >
              <Input
                inputMode="decimal"
                value={amount}
                onChange={(e) => {
                  setAmount(e.target.value);
                  setInvalid(false);
                }}
              />
            </Field>
            <Field label={t('prices.effective')} hint={t('prices.effectiveHint')}>
              <Input type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} />
            </Field>
          </div>
          <div className="form-actions">
            <Button type="submit" variant="primary">
              {t('prices.submit')}
            </Button>
          </div>
        </form>
      </Section>
      {asking && fen !== null ? (
        <ReasonDialog
          title={t('prices.confirmTitle')}
          description={
            <>
              <p>
                {t('prices.confirmBody', {
                  product: t(`product.${product}`),
                  amount: (fen / 100).toFixed(2),
                  when: when ? new Date(when).toLocaleString() : t('prices.now'),
                })}
              </p>
              <Banner kind="warning">{t('prices.warning')}</Banner>
            </>
          }
          confirmLabel={t('prices.confirmSubmit')}
          pending={state.pending}
          error={state.error}
          onConfirm={schedule}
          onClose={() => setAsking(false)}
        />
      ) : null}
    </>
  );
}
