import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { query } from '../../api/client';
import { useApi } from '../../api/hooks';
import { BarChart, Field, formatMoney, Loading, PageHeader, Section, Select } from '../../ui';
import type { Dashboard } from '../types';
import { AdminError, Facts } from '../ui';

const ranges = [7, 30, 90] as const;

export function DashboardPage() {
  const { t, i18n } = useTranslation('admin');
  const [days, setDays] = useState<number>(30);
  const { data, error, loading } = useApi<Dashboard>(`/admin/api/dashboard${query({ days })}`);
  const percent = (value: number | null) =>
    value === null
      ? '—'
      : new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 }).format(value);
  const ms = (value: number | null) => (value === null ? '—' : t('dashboard.ms', { value }));
  const labels = data?.days.map((d) => d.day) ?? [];
  return (
    <>
      <PageHeader
        title={t('dashboard.title')}
        actions={
          <Field label={t('dashboard.range')}>
            <Select value={days} onChange={(event) => setDays(Number(event.target.value))}>
              {ranges.map((r) => (
                <option key={r} value={r}>
                  {t('dashboard.lastDays', { count: r })}
                </option>
              ))}
            </Select>
          </Field>
        }
      />
      <AdminError error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <>
          <p className="muted">{t('dashboard.period', { from: data.from, to: data.to })}</p>
          <div className="grid">
            <Stat label={t('dashboard.calls')} value={String(data.totals.calls)} />
            <Stat label={t('dashboard.liveCalls')} value={String(data.totals.live_calls)} />
            <Stat label={t('dashboard.revenue')} value={formatMoney(data.totals.revenue_fen, i18n.language)} />
            <Stat label={t('dashboard.activeCustomers')} value={String(data.totals.active_customers)} />
            <Stat label={t('dashboard.passRate')} value={percent(data.totals.pass_rate)} />
            <Stat label={t('dashboard.latencyP95')} value={ms(data.latency_ms.p95)} />
          </div>
          <div className="card">
            <BarChart
              title={t('dashboard.callsChart')}
              labels={labels}
              series={[
                { name: t('dashboard.live'), values: data.days.map((d) => d.live_calls) },
                { name: t('dashboard.sandbox'), values: data.days.map((d) => d.calls - d.live_calls) },
              ]}
            />
          </div>
          <div className="card">
            <BarChart
              title={t('dashboard.revenueChart')}
              labels={labels}
              series={[{ name: t('dashboard.revenue'), values: data.days.map((d) => d.revenue_fen) }]}
              format={(fen) => formatMoney(fen, i18n.language)}
            />
          </div>
          <div className="card">
            <BarChart
              title={t('dashboard.resultsChart')}
              labels={labels}
              series={[
                { name: t('dashboard.passed'), values: data.days.map((d) => d.passes) },
                { name: t('dashboard.notPassed'), values: data.days.map((d) => d.results - d.passes) },
              ]}
            />
          </div>
          <div className="grid">
            <Section title={t('dashboard.latency')}>
              <Facts
                items={[
                  [t('dashboard.p50'), ms(data.latency_ms.p50)],
                  [t('dashboard.p95'), ms(data.latency_ms.p95)],
                  [t('dashboard.p99'), ms(data.latency_ms.p99)],
                ]}
              />
            </Section>
            <Section title={t('dashboard.customers')}>
              <Facts
                items={[
                  [t('dashboard.customersTotal'), String(data.customers.total)],
                  ...Object.entries(data.customers.by_state).map(
                    ([state, count]) => [t(`orgState.${state}`, { defaultValue: state }), String(count)] as const,
                  ),
                ]}
              />
            </Section>
          </div>
        </>
      ) : null}
    </>
  );
}

function Stat({ label, value }: { readonly label: string; readonly value: string }) {
  return (
    <div className="stat">
      <p className="stat-label">{label}</p>
      <p className="stat-value">{value}</p>
    </div>
  );
}
