import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface Column<Row> {
  readonly key: string;
  readonly header: ReactNode;
  readonly render: (row: Row) => ReactNode;
  /** Right-align numbers. */
  readonly numeric?: boolean;
}

/** A data table that scrolls sideways inside its own box on narrow screens (never the page). */
export function Table<Row>({
  columns,
  rows,
  rowKey,
  caption,
  empty,
}: {
  readonly columns: readonly Column<Row>[];
  readonly rows: readonly Row[];
  readonly rowKey: (row: Row) => string;
  /** Read by screen readers; hidden visually unless `captionVisible`. */
  readonly caption: ReactNode;
  readonly empty?: ReactNode;
}) {
  const { t } = useTranslation();
  if (rows.length === 0) return <p className="empty">{empty ?? t('state.empty')}</p>;
  return (
    <div
      className="table-wrap"
      tabIndex={0}
      role="region"
      aria-label={typeof caption === 'string' ? caption : undefined}
    >
      <table className="table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.key} className={c.numeric ? 'num' : undefined}>
                  {c.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Integer fen shown as yuan: 12345 → ¥123.45. */
export function formatMoney(fen: number, language: string): string {
  return new Intl.NumberFormat(language, {
    style: 'currency',
    currency: 'CNY',
    currencyDisplay: 'narrowSymbol',
  }).format(fen / 100);
}

export function Money({ fen }: { readonly fen: number | null | undefined }) {
  const { i18n } = useTranslation();
  if (fen === null || fen === undefined) return <>—</>;
  return <span className="money">{formatMoney(fen, i18n.language)}</span>;
}

export function formatDateTime(value: string | number | Date, language: string, dateOnly = false): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return new Intl.DateTimeFormat(language, {
    dateStyle: 'medium',
    ...(dateOnly ? {} : { timeStyle: 'short' }),
  }).format(date);
}

export function DateTime({
  value,
  dateOnly,
}: {
  readonly value: string | null | undefined;
  readonly dateOnly?: boolean;
}) {
  const { i18n } = useTranslation();
  if (!value) return <>—</>;
  return <time dateTime={value}>{formatDateTime(value, i18n.language, dateOnly)}</time>;
}

export interface ChartSeries {
  readonly name: string;
  readonly values: readonly number[];
}

const palette = ['#1d5fbf', '#0f8a5f', '#b45309', '#7c3aed', '#be123c', '#0e7490'];

/**
 * A small stacked bar chart in SVG, with the same numbers in a table for screen readers and anyone who prefers them
 * (the table is in a <details> below the chart).
 */
export function BarChart({
  title,
  labels,
  series,
  format = (n) => String(n),
}: {
  readonly title: string;
  readonly labels: readonly string[];
  readonly series: readonly ChartSeries[];
  readonly format?: (n: number) => string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const width = 640;
  const height = 220;
  const padLeft = 44;
  const padBottom = 28;
  const plotH = height - padBottom - 8;
  const slot = (width - padLeft) / Math.max(1, labels.length);
  const bar = Math.max(2, Math.min(36, slot * 0.7));
  const step = Math.max(1, Math.ceil(labels.length / 8));
  if (labels.length === 0 || series.length === 0)
    return (
      <figure className="chart" aria-labelledby={id}>
        <figcaption id={id}>{title}</figcaption>
        <p className="empty">{t('state.noData')}</p>
      </figure>
    );
  return (
    <figure className="chart" aria-labelledby={id}>
      <figcaption id={id}>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title} preserveAspectRatio="none">
        <line x1={padLeft} x2={width} y1={plotH + 8} y2={plotH + 8} stroke="#8a94a6" />
        <text x={padLeft - 6} y={14} textAnchor="end" className="chart-axis">
          {format(max)}
        </text>
        <text x={padLeft - 6} y={plotH + 8} textAnchor="end" className="chart-axis">
          0
        </text>
        {labels.map((label, i) => {
          let y = plotH + 8;
          const x = padLeft + i * slot + (slot - bar) / 2;
          return (
            <g key={label}>
              {series.map((s, k) => {
                const v = s.values[i] ?? 0;
                const h = (v / max) * plotH;
                y -= h;
                return v > 0 ? (
                  <rect key={s.name} x={x} y={y} width={bar} height={h} fill={palette[k % palette.length]}>
                    <title>{`${label} · ${s.name}: ${format(v)}`}</title>
                  </rect>
                ) : null;
              })}
              {i % step === 0 ? (
                <text x={x + bar / 2} y={height - 8} textAnchor="middle" className="chart-axis">
                  {/^\d{4}-\d{2}-\d{2}$/.test(label) ? label.slice(5) : label}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      {series.length > 1 ? (
        <ul className="chart-legend">
          {series.map((s, k) => (
            <li key={s.name}>
              <svg className="swatch" width="12" height="12" aria-hidden="true">
                <rect width="12" height="12" fill={palette[k % palette.length]} />
              </svg>
              {s.name}
            </li>
          ))}
        </ul>
      ) : null}
      <details className="chart-table">
        <summary>{t('chart.showTable')}</summary>
        <Table
          caption={title}
          rowKey={(row: { label: string }) => row.label}
          rows={labels.map((label, i) => ({ label, i }))}
          columns={[
            { key: 'label', header: t('chart.category'), render: (r) => r.label },
            ...series.map((s) => ({
              key: s.name,
              header: s.name,
              numeric: true,
              render: (r: { i: number }) => format(s.values[r.i] ?? 0),
            })),
          ]}
        />
      </details>
    </figure>
  );
}
