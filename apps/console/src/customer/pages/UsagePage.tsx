import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { query } from '../../api/client';
import { useApi } from '../../api/hooks';
import type { AppList, CallLog, UsageReport } from '../../api/types';
import {
  BarChart,
  Button,
  DateTime,
  ErrorBanner,
  Field,
  Input,
  Loading,
  Money,
  PageButtons,
  PageHeader,
  Section,
  Select,
  Table,
  usePager,
} from '../../ui';

const day = (d: Date) => d.toISOString().slice(0, 10);
const passCodes = ['result.match', 'result.live', 'result.pass'];
const failCodes = ['result.no_match', 'result.spoof', 'result.fail'];

export function UsagePage() {
  const { t } = useTranslation('customer');
  const apps = useApi<AppList>('/console/api/apps');
  const today = new Date();
  const [range, setRange] = useState({
    from: day(new Date(today.getTime() - 29 * 86400_000)),
    to: day(today),
    app: '',
  });
  const [draft, setDraft] = useState(range);
  const usage = useApi<UsageReport>(
    `/console/api/usage${query({ from: range.from, to: range.to, app_id: range.app })}`,
  );

  const charts = useMemo(() => {
    const rows = usage.data?.days ?? [];
    const days: string[] = [];
    for (let d = new Date(`${range.from}T00:00:00Z`); day(d) <= range.to; d = new Date(d.getTime() + 86400_000)) {
      days.push(day(d));
      if (days.length > 400) break;
    }
    const products = [...new Set(rows.map((r) => r.product))].sort();
    const perProduct = products.map((p) => ({
      name: t(`products.${p}`),
      values: days.map((d) => rows.filter((r) => r.day === d && r.product === p).reduce((s, r) => s + r.calls, 0)),
    }));
    const passRate = days.map((d) => {
      let pass = 0;
      let decided = 0;
      for (const r of rows.filter((x) => x.day === d)) {
        for (const [code, n] of Object.entries(r.result_codes)) {
          if (passCodes.includes(code)) {
            pass += n;
            decided += n;
          } else if (failCodes.includes(code)) decided += n;
        }
      }
      return decided === 0 ? 0 : Math.round((pass / decided) * 1000) / 10;
    });
    const codes = new Map<string, number>();
    for (const r of rows)
      for (const [code, n] of Object.entries(r.result_codes)) codes.set(code, (codes.get(code) ?? 0) + n);
    const codeList = [...codes.entries()].sort((a, b) => b[1] - a[1]);
    const totals = rows.reduce(
      (s, r) => ({ calls: s.calls + r.calls, billed: s.billed + r.billed_calls, amount: s.amount + r.amount_fen }),
      { calls: 0, billed: 0, amount: 0 },
    );
    return { days, perProduct, passRate, codeList, totals, empty: rows.length === 0 };
  }, [usage.data, range.from, range.to, t]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setRange(draft);
  };

  return (
    <>
      <PageHeader title={t('usage.title')} />
      <Section title={t('usage.period')}>
        <form className="form-actions" onSubmit={apply}>
          <Field label={t('usage.from')}>
            <Input
              name="usage-from"
              type="date"
              value={draft.from}
              onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            />
          </Field>
          <Field label={t('usage.to')}>
            <Input
              name="usage-to"
              type="date"
              value={draft.to}
              onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            />
          </Field>
          <Field label={t('usage.app')}>
            <Select name="usage-app" value={draft.app} onChange={(e) => setDraft({ ...draft, app: e.target.value })}>
              <option value="">{t('usage.allApps')}</option>
              {apps.data?.apps.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </Select>
          </Field>
          <Button type="submit" className="align-end">
            {t('usage.show')}
          </Button>
        </form>
      </Section>
      <ErrorBanner error={usage.error} />
      {usage.loading && !usage.data ? <Loading /> : null}
      {usage.data ? (
        <>
          <div className="grid">
            <div className="stat">
              <p className="stat-label">{t('usage.totalCalls')}</p>
              <p className="stat-value" data-testid="usage-total-calls">
                {charts.totals.calls}
              </p>
            </div>
            <div className="stat">
              <p className="stat-label">{t('usage.billedCalls')}</p>
              <p className="stat-value">{charts.totals.billed}</p>
            </div>
            <div className="stat">
              <p className="stat-label">{t('usage.amount')}</p>
              <p className="stat-value">
                <Money fen={charts.totals.amount} />
              </p>
            </div>
          </div>
          <Section title={t('usage.charts')}>
            <BarChart title={t('usage.callsPerDay')} labels={charts.days} series={charts.perProduct} />
            <BarChart
              title={t('usage.passRate')}
              labels={charts.days}
              series={[{ name: t('usage.passRateSeries'), values: charts.passRate }]}
              format={(n) => `${n}%`}
            />
            <BarChart
              title={t('usage.resultCodes')}
              labels={charts.codeList.map(([code]) => code)}
              series={[{ name: t('usage.calls'), values: charts.codeList.map(([, n]) => n) }]}
            />
          </Section>
        </>
      ) : null}
      <CallLogSection apps={apps.data?.apps ?? []} />
    </>
  );
}

function CallLogSection({ apps }: { readonly apps: AppList['apps'] }) {
  const { t } = useTranslation('customer');
  const empty = { app_id: '', result_code: '', biz_no: '', from: '', to: '' };
  const [draft, setDraft] = useState(empty);
  const [filters, setFilters] = useState(empty);
  const pager = usePager();
  const log = useApi<CallLog>(`/console/api/calls${query({ ...filters, limit: 50, cursor: pager.cursor })}`);
  const appName = (id: string) => apps.find((a) => a.id === id)?.name ?? id;
  return (
    <Section title={t('usage.callLog')}>
      <p className="muted">{t('usage.callLogIntro')}</p>
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          pager.reset();
          setFilters(draft);
        }}
      >
        <Field label={t('usage.app')}>
          <Select name="log-app" value={draft.app_id} onChange={(e) => setDraft({ ...draft, app_id: e.target.value })}>
            <option value="">{t('usage.allApps')}</option>
            {apps.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t('usage.resultCode')}>
          <Input
            name="log-result-code"
            list="result-codes"
            value={draft.result_code}
            onChange={(e) => setDraft({ ...draft, result_code: e.target.value })}
          />
        </Field>
        <datalist id="result-codes">
          {[...passCodes, ...failCodes].map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        <Field label={t('usage.bizNo')}>
          <Input
            name="log-biz-no"
            value={draft.biz_no}
            onChange={(e) => setDraft({ ...draft, biz_no: e.target.value })}
          />
        </Field>
        <Field label={t('usage.from')}>
          <Input
            name="log-from"
            type="date"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
        </Field>
        <Field label={t('usage.to')}>
          <Input
            name="log-to"
            type="date"
            value={draft.to}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          />
        </Field>
        <div className="form-actions align-end">
          <Button type="submit">{t('usage.filter')}</Button>
          <Button
            onClick={() => {
              setDraft(empty);
              setFilters(empty);
              pager.reset();
            }}
          >
            {t('common:action.reset')}
          </Button>
        </div>
      </form>
      <p />
      <ErrorBanner error={log.error} />
      {log.data ? (
        <>
          <Table
            caption={t('usage.callLog')}
            rows={log.data.calls}
            rowKey={(c) => c.id}
            empty={t('usage.noCalls')}
            columns={[
              { key: 'at', header: t('usage.time'), render: (c) => <DateTime value={c.created_at} /> },
              { key: 'app', header: t('usage.app'), render: (c) => appName(c.app_id) },
              { key: 'product', header: t('usage.product'), render: (c) => t(`products.${c.product}`) },
              { key: 'code', header: t('usage.resultCode'), render: (c) => <code>{c.result_code}</code> },
              { key: 'biz', header: t('usage.bizNo'), render: (c) => c.biz_no ?? '' },
              {
                key: 'mode',
                header: t('usage.mode'),
                render: (c) => t(c.sandbox ? 'keys.modes.sandbox' : 'keys.modes.live'),
              },
              { key: 'amount', header: t('usage.amount'), numeric: true, render: (c) => <Money fen={c.amount_fen} /> },
              { key: 'ms', header: t('usage.timeUsed'), numeric: true, render: (c) => `${c.time_used_ms} ms` },
              { key: 'id', header: t('usage.callId'), render: (c) => <code>{c.id}</code> },
            ]}
          />
          <PageButtons pager={pager} nextCursor={log.data.next_cursor} />
        </>
      ) : log.loading ? (
        <Loading />
      ) : null}
    </Section>
  );
}
