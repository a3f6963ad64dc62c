import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, query } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import { Banner, Button, DateTime, Field, Input, Loading, Money, PageHeader, Section, Select, Table } from '../../ui';
import type { AdminStatement, AdminWallet, BonusGrantResult, CustomerDetail, Topup, TopupList } from '../types';
import { AdminError, Facts, ReasonDialog, Status, yuanToFen } from '../ui';

const topupStatuses = ['pending', 'confirmed', 'rejected'] as const;

function topupTone(status: string): 'good' | 'warn' | 'bad' {
  return status === 'confirmed' ? 'good' : status === 'pending' ? 'warn' : 'bad';
}

/** The queue of customers' top-up requests: confirm (credits the ledger) or reject, each with a reason. */
export function TopupsPage() {
  const { t } = useTranslation('admin');
  const [status, setStatus] = useState<string>('pending');
  const { data, error, loading, reload } = useApi<TopupList>(`/admin/api/topup-requests${query({ status })}`);
  const [decision, setDecision] = useState<{ topup: Topup; kind: 'confirmation' | 'rejection' } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [run, state] = useAction();
  const decide = async (reason: string) => {
    if (!decision) return false;
    const { topup, kind } = decision;
    const body = { reason };
    const result = await run(() =>
      api<Topup>('POST', `/admin/api/topup-requests/${encodeURIComponent(topup.id)}/${kind}`, body),
    );
    if (!result) return false;
    setDone(t(kind === 'confirmation' ? 'topups.confirmed' : 'topups.rejected', { reference: topup.reference }));
    reload();
    return true;
  };
  return (
    <>
      <PageHeader title={t('topups.title')} intro={t('topups.intro')} />
      <div className="admin-filters">
        <Field label={t('topups.status')}>
          <Select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('filter.any')}</option>
            {topupStatuses.map((s) => (
              <option key={s} value={s}>
                {t(`topupStatus.${s}`)}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      {done ? <Banner kind="success">{done}</Banner> : null}
      <AdminError error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <Table<Topup>
          caption={t('topups.title')}
          rows={data.requests}
          rowKey={(r) => r.id}
          empty={t('topups.none')}
          columns={[
            { key: 'created', header: t('topups.filed'), render: (r) => <DateTime value={r.created_at} /> },
            {
              key: 'org',
              header: t('topups.customer'),
              render: (r) => <Link to={`/customers/${encodeURIComponent(r.org_id)}`}>{r.org_name ?? r.org_id}</Link>,
            },
            { key: 'amount', header: t('topups.amount'), numeric: true, render: (r) => <Money fen={r.amount_fen} /> },
            { key: 'reference', header: t('topups.reference'), render: (r) => <code>{r.reference}</code> },
            {
              key: 'status',
              header: t('topups.status'),
              render: (r) => <Status tone={topupTone(r.status)}>{t(`topupStatus.${r.status}`)}</Status>,
            },
            {
              key: 'decision',
              header: t('topups.decision'),
              render: (r) =>
                r.status === 'pending' ? (
                  <div className="admin-actions">
                    <Button
                      variant="primary"
                      className="btn-small"
                      aria-label={t('topups.confirmLabel', { reference: r.reference })}
                      onClick={() => {
                        state.clear();
                        setDecision({ topup: r, kind: 'confirmation' });
                      }}
                    >
                      {t('topups.confirm')}
                    </Button>
                    <Button
                      variant="danger"
                      className="btn-small"
                      aria-label={t('topups.rejectLabel', { reference: r.reference })}
                      onClick={() => {
                        state.clear();
                        setDecision({ topup: r, kind: 'rejection' });
                      }}
                    >
                      {t('topups.reject')}
                    </Button>
                  </div>
                ) : (
                  <>
                    <DateTime value={r.decided_at} /> {r.decided_by ? `· ${r.decided_by}` : ''}
                    {r.decision_reason ? <div className="muted">{r.decision_reason}</div> : null}
                  </>
                ),
            },
          ]}
        />
      ) : null}
      {decision ? (
        <ReasonDialog
          title={t(decision.kind === 'confirmation' ? 'topups.confirmTitle' : 'topups.rejectTitle')}
          description={
            <Facts
              items={[
                [t('topups.customer'), decision.topup.org_name ?? decision.topup.org_id],
                [t('topups.amount'), <Money key="m" fen={decision.topup.amount_fen} />],
                [t('topups.reference'), <code key="r">{decision.topup.reference}</code>],
              ]}
            />
          }
          confirmLabel={t(decision.kind === 'confirmation' ? 'topups.confirmSubmit' : 'topups.rejectSubmit')}
          danger={decision.kind === 'rejection'}
          pending={state.pending}
          error={state.error}
          onConfirm={decide}
          onClose={() => setDecision(null)}
        />
      ) : null}
    </>
  );
}

/** Grant bonus credit to one organisation (its id from the customer page or typed). */
export function BonusPage() {
  const { t } = useTranslation('admin');
  const [params] = useSearchParams();
  const [orgId, setOrgId] = useState(params.get('org') ?? '');
  const [amount, setAmount] = useState('');
  const [invalid, setInvalid] = useState<{ org?: boolean; amount?: boolean }>({});
  const [asking, setAsking] = useState(false);
  const [result, setResult] = useState<BonusGrantResult | null>(null);
  const [run, state] = useAction();
  // Looked up once it looks like a whole id, to show whose wallet it is.
  const lookup = /^org_[\w-]{6,}$/.test(orgId.trim());
  const org = useApi<CustomerDetail>(lookup ? `/admin/api/customers/${encodeURIComponent(orgId.trim())}` : null);
  const fen = yuanToFen(amount);
  const start = (event: FormEvent) => {
    event.preventDefault();
    const problems = { org: orgId.trim() === '', amount: fen === null || fen < 1 };
    setInvalid(problems);
    if (problems.org || problems.amount) return;
    state.clear();
    setAsking(true);
  };
  const grant = async (reason: string) => {
    if (fen === null) return false;
    const answer = await run(() =>
      api<BonusGrantResult>('POST', `/admin/api/customers/${encodeURIComponent(orgId.trim())}/bonus`, {
        amount_fen: fen,
        reason,
      }),
    );
    if (!answer) return false;
    setResult(answer);
    setAmount('');
    return true;
  };
  return (
    <>
      <PageHeader title={t('bonus.title')} intro={t('bonus.intro')} />
      {result ? (
        <Banner kind="success" title={t('bonus.granted')}>
          {t('bonus.balances')}: <Money fen={result.balances.cash} /> {t('finance.cash')} ·{' '}
          <Money fen={result.balances.bonus} /> {t('finance.bonus')}
          {result.notified ? null : <div>{t('bonus.notNotified')}</div>}
        </Banner>
      ) : null}
      <Section title={t('bonus.form')}>
        <form className="form" onSubmit={start} noValidate>
          <Field
            label={t('bonus.org')}
            hint={org.data ? t('bonus.orgFound', { name: org.data.organization.name }) : t('bonus.orgHint')}
            error={invalid.org ? t('bonus.orgMissing') : org.error && lookup ? t('bonus.orgUnknown') : undefined}
            required
          >
            <Input value={orgId} maxLength={64} onChange={(e) => setOrgId(e.target.value)} />
          </Field>
          <Field
            label={t('bonus.amount')}
            hint={t('bonus.amountHint')}
            error={invalid.amount ? t('bonus.amountInvalid') : undefined}
            required
          >
            <Input inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
          </Field>
          <div className="form-actions">
            <Button type="submit" variant="primary">
              {t('bonus.submit')}
            </Button>
          </div>
        </form>
      </Section>
      {asking && fen !== null ? (
        <ReasonDialog
          title={t('bonus.confirmTitle')}
          description={t('bonus.confirmBody', {
            amount: (fen / 100).toFixed(2),
            name: org.data?.organization.name ?? orgId.trim(),
          })}
          confirmLabel={t('bonus.confirmSubmit')}
          pending={state.pending}
          error={state.error}
          onConfirm={grant}
          onClose={() => setAsking(false)}
        />
      ) : null}
    </>
  );
}

function thisMonth(): string {
  return new Date().toISOString().slice(0, 7);
}

/** One organisation's balances and monthly statement. */
export function LedgerPage() {
  const { t } = useTranslation('admin');
  const [params, setParams] = useSearchParams();
  const org = params.get('org') ?? '';
  const period = params.get('period') ?? thisMonth();
  const [draft, setDraft] = useState({ org, period });
  const wallet = useApi<AdminWallet>(org ? `/admin/api/customers/${encodeURIComponent(org)}/wallet` : null);
  const statement = useApi<AdminStatement>(
    org ? `/admin/api/customers/${encodeURIComponent(org)}/statement${query({ period })}` : null,
  );
  const show = (event: FormEvent) => {
    event.preventDefault();
    setParams({ org: draft.org.trim(), period: draft.period });
  };
  return (
    <>
      <PageHeader title={t('ledger.title')} intro={t('ledger.intro')} />
      <form className="admin-filters" onSubmit={show}>
        <Field label={t('ledger.org')} required>
          <Input value={draft.org} maxLength={64} onChange={(e) => setDraft({ ...draft, org: e.target.value })} />
        </Field>
        <Field label={t('ledger.period')}>
          <Input type="month" value={draft.period} onChange={(e) => setDraft({ ...draft, period: e.target.value })} />
        </Field>
        <Button type="submit" variant="primary">
          {t('ledger.show')}
        </Button>
      </form>
      {org ? (
        <>
          <AdminError error={wallet.error ?? statement.error} />
          {wallet.data ? (
            <Section title={t('ledger.balances')}>
              <Facts
                items={[
                  [t('finance.cash'), <Money key="c" fen={wallet.data.cash} />],
                  [t('finance.bonus'), <Money key="b" fen={wallet.data.bonus} />],
                  [t('finance.held'), <Money key="h" fen={wallet.data.held} />],
                  [
                    t('ledger.threshold'),
                    wallet.data.alert_threshold_fen === null ? (
                      t('ledger.noThreshold')
                    ) : (
                      <Money key="t" fen={wallet.data.alert_threshold_fen} />
                    ),
                  ],
                ]}
              />
            </Section>
          ) : null}
          {statement.loading && !statement.data ? <Loading /> : null}
          {statement.data ? (
            <Section title={t('ledger.statement', { period: statement.data.period })}>
              <Facts
                items={[
                  [
                    t('ledger.opening'),
                    <>
                      <Money fen={statement.data.opening.cash} /> / <Money fen={statement.data.opening.bonus} />
                    </>,
                  ],
                  [
                    t('ledger.closing'),
                    <>
                      <Money fen={statement.data.closing.cash} /> / <Money fen={statement.data.closing.bonus} />
                    </>,
                  ],
                ]}
              />
              <Table
                caption={t('ledger.entries')}
                rows={statement.data.entries}
                rowKey={(e) => e.transaction_id}
                empty={t('ledger.noEntries')}
                columns={[
                  { key: 'at', header: t('ledger.at'), render: (e) => <DateTime value={e.created_at} /> },
                  { key: 'kind', header: t('ledger.kind'), render: (e) => t(`ledgerKind.${e.kind}`) },
                  { key: 'reference', header: t('ledger.reference'), render: (e) => e.reference ?? '—' },
                  { key: 'cash', header: t('finance.cash'), numeric: true, render: (e) => <Money fen={e.cash} /> },
                  { key: 'bonus', header: t('finance.bonus'), numeric: true, render: (e) => <Money fen={e.bonus} /> },
                  { key: 'held', header: t('finance.held'), numeric: true, render: (e) => <Money fen={e.held} /> },
                ]}
              />
            </Section>
          ) : null}
        </>
      ) : (
        <p className="muted">{t('ledger.pick')}</p>
      )}
    </>
  );
}
