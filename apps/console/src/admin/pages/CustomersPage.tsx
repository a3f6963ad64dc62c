import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, query } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import { Banner, Button, DateTime, Field, Input, Loading, Money, PageHeader, Section, Select, Table } from '../../ui';
import { useAdminSession } from '../session';
import type { CustomerDetail, CustomerList, CustomerSummary } from '../types';
import { AdminError, Facts, Pager, ReasonDialog, Status, usePager } from '../ui';

const orgStates = ['registered', 'pending', 'certified', 'rejected', 'suspended', 'terminated'] as const;

export function stateTone(state: string): 'good' | 'warn' | 'bad' | undefined {
  if (state === 'certified' || state === 'active') return 'good';
  if (state === 'pending' || state === 'suspended') return 'warn';
  if (state === 'rejected' || state === 'terminated') return 'bad';
  return undefined;
}

export function CustomersPage() {
  const { t } = useTranslation('admin');
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const state = params.get('state') ?? '';
  const [draft, setDraft] = useState({ q, state });
  const pager = usePager();
  const { data, error, loading } = useApi<CustomerList>(
    `/admin/api/customers${query({ q, state, cursor: pager.cursor })}`,
  );
  const search = (event: FormEvent) => {
    event.preventDefault();
    pager.reset();
    setParams(Object.fromEntries(Object.entries(draft).filter(([, v]) => v !== '')));
  };
  return (
    <>
      <PageHeader title={t('customers.title')} />
      <form className="admin-filters" role="search" aria-label={t('customers.searchLabel')} onSubmit={search}>
        <Field label={t('customers.query')} hint={t('customers.queryHint')}>
          <Input
            type="search"
            value={draft.q}
            maxLength={200}
            onChange={(e) => setDraft({ ...draft, q: e.target.value })}
          />
        </Field>
        <Field label={t('customers.state')}>
          <Select value={draft.state} onChange={(e) => setDraft({ ...draft, state: e.target.value })}>
            <option value="">{t('filter.any')}</option>
            {orgStates.map((s) => (
              <option key={s} value={s}>
                {t(`orgState.${s}`)}
              </option>
            ))}
          </Select>
        </Field>
        <Button type="submit" variant="primary">
          {t('action.search', { ns: 'common' })}
        </Button>
      </form>
      <AdminError error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <>
          <Table<CustomerSummary>
            caption={t('customers.title')}
            rows={data.customers}
            rowKey={(c) => c.id}
            empty={t('customers.none')}
            columns={[
              {
                key: 'name',
                header: t('customers.name'),
                render: (c) => <Link to={`/customers/${c.id}`}>{c.name}</Link>,
              },
              { key: 'id', header: t('customers.id'), render: (c) => <code>{c.id}</code> },
              { key: 'owner', header: t('customers.owner'), render: (c) => c.owner ?? '—' },
              {
                key: 'state',
                header: t('customers.state'),
                render: (c) => <Status tone={stateTone(c.state)}>{t(`orgState.${c.state}`)}</Status>,
              },
              { key: 'created', header: t('customers.created'), render: (c) => <DateTime value={c.created_at} /> },
            ]}
          />
          <Pager pager={pager} nextCursor={data.next_cursor} />
        </>
      ) : null}
    </>
  );
}

type Move = 'suspension' | 'resumption' | 'termination';

export function CustomerDetailPage() {
  const { t } = useTranslation('admin');
  const { id = '' } = useParams();
  const { can } = useAdminSession();
  const { data, error, loading, reload } = useApi<CustomerDetail>(`/admin/api/customers/${encodeURIComponent(id)}`);
  const [move, setMove] = useState<Move | null>(null);
  const [done, setDone] = useState<Move | null>(null);
  const [run, state] = useAction();
  if (loading && !data) return <Loading />;
  if (!data) return <AdminError error={error} />;
  const org = data.organization;
  const moves: Move[] =
    org.status === 'active'
      ? ['suspension', 'termination']
      : org.status === 'suspended'
        ? ['resumption', 'termination']
        : [];
  const confirm = async (reason: string) => {
    if (!move) return false;
    const result = await run(() =>
      api<CustomerSummary>('POST', `/admin/api/customers/${encodeURIComponent(org.id)}/${move}`, { reason }),
    );
    if (!result) return false;
    setDone(move);
    reload();
    return true;
  };
  return (
    <>
      <PageHeader
        title={org.name}
        intro={<Link to="/customers">{t('customers.back')}</Link>}
        actions={
          can('customers.standing') && moves.length > 0 ? (
            <div className="admin-actions">
              {moves.map((m) => (
                <Button
                  key={m}
                  variant={m === 'resumption' ? 'primary' : 'danger'}
                  onClick={() => {
                    state.clear();
                    setMove(m);
                  }}
                >
                  {t(`customers.move.${m}.button`)}
                </Button>
              ))}
            </div>
          ) : null
        }
      />
      {done ? <Banner kind="success">{t(`customers.move.${done}.done`)}</Banner> : null}
      <AdminError error={error} />
      <Section title={t('customers.organisation')}>
        <Facts
          items={[
            [t('customers.id'), <code key="id">{org.id}</code>],
            [t('customers.owner'), org.owner ?? '—'],
            [
              t('customers.state'),
              <Status key="s" tone={stateTone(org.state)}>
                {t(`orgState.${org.state}`)}
              </Status>,
            ],
            [t('customers.certification'), t(`orgState.${data.certification.status}`)],
            [
              t('customers.standing'),
              <Status key="st" tone={stateTone(org.status)}>
                {t(`orgStatus.${org.status}`)}
              </Status>,
            ],
            [t('customers.created'), <DateTime key="c" value={org.created_at} />],
          ]}
        />
        {can('finance.ledger') || can('finance.bonus') || can('certification.review') ? (
          <p className="admin-actions">
            {can('certification.review') && data.certification.status !== 'registered' ? (
              <Link to={`/certifications/${encodeURIComponent(org.id)}`}>{t('customers.openCertification')}</Link>
            ) : null}
            {can('finance.ledger') ? (
              <Link to={`/finance/ledger?org=${encodeURIComponent(org.id)}`}>{t('customers.openLedger')}</Link>
            ) : null}
            {can('finance.bonus') ? (
              <Link to={`/finance/bonus?org=${encodeURIComponent(org.id)}`}>{t('customers.grantBonus')}</Link>
            ) : null}
          </p>
        ) : null}
      </Section>
      <div className="grid">
        <Section title={t('customers.wallet')}>
          <Facts
            items={[
              [t('finance.cash'), <Money key="c" fen={data.wallet.cash} />],
              [t('finance.bonus'), <Money key="b" fen={data.wallet.bonus} />],
              [t('finance.held'), <Money key="h" fen={data.wallet.held} />],
            ]}
          />
        </Section>
        <Section title={t('customers.usage', { from: data.usage.from, to: data.usage.to })}>
          <Facts
            items={[
              [t('customers.calls'), String(data.usage.calls)],
              [t('customers.billedCalls'), String(data.usage.billed_calls)],
              [t('customers.sandboxCalls'), String(data.usage.sandbox_calls)],
              [t('customers.amount'), <Money key="a" fen={data.usage.amount_fen} />],
              ...Object.entries(data.usage.result_codes).map(
                ([code, n]) => [<code key={code}>{code}</code>, String(n)] as const,
              ),
            ]}
          />
        </Section>
      </div>
      <Section title={t('customers.users')}>
        <Table
          caption={t('customers.users')}
          rows={data.users}
          rowKey={(u) => u.id}
          columns={[
            { key: 'username', header: t('customers.username'), render: (u) => u.username },
            { key: 'email', header: t('customers.email'), render: (u) => u.email ?? '—' },
            { key: 'mobile', header: t('customers.mobile'), render: (u) => u.mobile ?? '—' },
            { key: 'role', header: t('customers.role'), render: (u) => u.role },
            { key: 'created', header: t('customers.created'), render: (u) => <DateTime value={u.created_at} /> },
            {
              key: 'disabled',
              header: t('customers.disabled'),
              render: (u) => (u.disabled_at ? <DateTime value={u.disabled_at} /> : '—'),
            },
          ]}
        />
      </Section>
      <Section title={t('customers.apps')}>
        {data.apps.length === 0 ? <p className="empty">{t('customers.noApps')}</p> : null}
        {data.apps.map((app) => (
          <div key={app.id} className="admin-app">
            <h3>
              {app.name} <code>{app.id}</code>
            </h3>
            {app.description ? <p>{app.description}</p> : null}
            <p className="muted">
              {t('customers.domains')}: {app.domains.length ? app.domains.join(', ') : '—'}
            </p>
            <Table
              caption={t('customers.keysOf', { app: app.name })}
              rows={app.keys}
              rowKey={(k) => k.key_id}
              empty={t('customers.noKeys')}
              columns={[
                { key: 'id', header: t('customers.keyId'), render: (k) => <code>{k.key_id}</code> },
                { key: 'mode', header: t('customers.mode'), render: (k) => t(`keyMode.${k.mode}`) },
                {
                  key: 'status',
                  header: t('customers.keyStatus'),
                  render: (k) => (
                    <Status tone={k.status === 'active' ? 'good' : 'bad'}>
                      {t(`keyStatus.${k.status}`, { defaultValue: k.status })}
                    </Status>
                  ),
                },
                {
                  key: 'ips',
                  header: t('customers.ipAllowlist'),
                  render: (k) => (k.ip_allowlist.length ? k.ip_allowlist.join(', ') : t('customers.anyIp')),
                },
                { key: 'created', header: t('customers.created'), render: (k) => <DateTime value={k.created_at} /> },
              ]}
            />
          </div>
        ))}
      </Section>
      <Section title={t('customers.agreements')}>
        <Table
          caption={t('customers.agreements')}
          rows={data.agreement_acceptances}
          rowKey={(a) => `${a.version}-${a.user_id}-${a.accepted_at}`}
          empty={t('customers.noAcceptances')}
          columns={[
            { key: 'version', header: t('agreements.version'), render: (a) => String(a.version) },
            {
              key: 'user',
              header: t('customers.username'),
              render: (a) => data.users.find((u) => u.id === a.user_id)?.username ?? a.user_id,
            },
            { key: 'at', header: t('agreements.acceptedAt'), render: (a) => <DateTime value={a.accepted_at} /> },
            { key: 'ip', header: t('agreements.ip'), render: (a) => a.ip ?? '—' },
          ]}
        />
      </Section>
      {move ? (
        <ReasonDialog
          title={t(`customers.move.${move}.title`, { name: org.name })}
          description={t(`customers.move.${move}.description`)}
          confirmLabel={t(`customers.move.${move}.confirm`)}
          danger={move !== 'resumption'}
          pending={state.pending}
          error={state.error}
          onConfirm={confirm}
          onClose={() => setMove(null)}
        />
      ) : null}
    </>
  );
}
