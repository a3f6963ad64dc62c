import '../webhooks-i18n';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, query } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import type {
  App,
  WebhookAttempt,
  WebhookDeliveryStatus,
  WebhookEvent,
  WebhookEventDetail,
  WebhookEventList,
  WebhookEventType,
  WebhookSecretIssued,
  WebhookSettings,
} from '../../api/types';
import {
  Banner,
  Button,
  ConfirmDialog,
  DateTime,
  ErrorBanner,
  Field,
  Loading,
  PageHeader,
  Section,
  Select,
  Table,
} from '../../ui';
import { WebhookSecretDialog } from './WebhookSecretDialog';

// The contracts' value lists, repeated here as types-only imports keep zod out of the bundle; tsc checks they match.
const statuses = ['pending', 'delivered', 'failed', 'no_endpoint'] as const satisfies readonly WebhookDeliveryStatus[];
const types = ['verification.completed', 'capture_session.finished'] as const satisfies readonly WebhookEventType[];
const pageSize = 50;

const tone: Record<WebhookDeliveryStatus, string> = {
  pending: 'warn',
  delivered: 'good',
  failed: 'bad',
  no_endpoint: '',
};

function DeliveryStatus({ value }: { readonly value: WebhookDeliveryStatus }) {
  const { t } = useTranslation('webhooks');
  return <span className={`status${tone[value] ? ` status-${tone[value]}` : ''}`}>{t(`statuses.${value}`)}</span>;
}

/** A date and time in a table cell, kept on one line. */
const When = ({ value }: { readonly value: string | null }) => (
  <span className="nowrap">
    <DateTime value={value} />
  </span>
);

const appPath = (appId: string) => `/console/api/apps/${encodeURIComponent(appId)}`;

/** /console/apps/:appId/webhooks: the endpoint, the signing secrets (rotate), the events, and how to verify. */
export function WebhooksPage() {
  const { t } = useTranslation('webhooks');
  const { appId = '' } = useParams();
  const app = useApi<App>(appPath(appId));
  const settings = useApi<WebhookSettings>(`${appPath(appId)}/webhook`);
  const error = app.error ?? settings.error;
  return (
    <>
      <p>
        <Link to={`/apps/${encodeURIComponent(appId)}`}>← {t('backTo', { name: app.data?.name ?? appId })}</Link>
      </p>
      <PageHeader title={app.data ? `${t('title')} · ${app.data.name}` : t('title')} intro={t('intro')} />
      <ErrorBanner error={error} />
      {!error && (!app.data || !settings.data) ? <Loading /> : null}
      {settings.data ? (
        <>
          <Endpoint appId={appId} url={settings.data.url} />
          <Secrets appId={appId} settings={settings.data} onChanged={settings.reload} />
        </>
      ) : null}
      {app.data ? <Events appId={appId} /> : null}
      <VerifyHelp />
    </>
  );
}

function Endpoint({ appId, url }: { readonly appId: string; readonly url: string | null }) {
  const { t } = useTranslation('webhooks');
  return (
    <Section title={t('endpoint.title')}>
      {url ? (
        <dl className="dl">
          <dt>{t('endpoint.url')}</dt>
          <dd>
            <code data-testid="webhook-url">{url}</code>
          </dd>
        </dl>
      ) : (
        <Banner kind="warning">{t('endpoint.none')}</Banner>
      )}
      <p>
        <Link to={`/apps/${encodeURIComponent(appId)}`}>{t('endpoint.edit')}</Link>
      </p>
    </Section>
  );
}

function Secrets({
  appId,
  settings,
  onChanged,
}: {
  readonly appId: string;
  readonly settings: WebhookSettings;
  readonly onChanged: () => void;
}) {
  const { t } = useTranslation('webhooks');
  const [confirming, setConfirming] = useState(false);
  const [issued, setIssued] = useState<WebhookSecretIssued | undefined>();
  const [run, { pending, error }] = useAction();
  const hasSecret = settings.secrets.length > 0;
  const issue = async () => {
    const answer = await run(() => api<WebhookSecretIssued>('POST', `${appPath(appId)}/webhook/secret`));
    setConfirming(false);
    if (answer) {
      setIssued(answer);
      onChanged();
    }
  };
  return (
    <Section
      title={t('secrets.title')}
      actions={
        <Button
          variant={hasSecret ? 'secondary' : 'primary'}
          busy={pending && !confirming}
          onClick={() => (hasSecret ? setConfirming(true) : void issue())}
        >
          {hasSecret ? t('secrets.rotate') : t('secrets.create')}
        </Button>
      }
    >
      <p className="muted">{t('secrets.intro')}</p>
      <ErrorBanner error={error} />
      <Table
        caption={t('secrets.caption')}
        rows={settings.secrets}
        rowKey={(s) => s.id}
        empty={t('secrets.empty')}
        columns={[
          { key: 'id', header: t('secrets.id'), render: (s) => <code>{s.id}</code> },
          {
            key: 'state',
            header: t('secrets.state'),
            render: (s) =>
              s.expires_at === null ? (
                <span className="status status-good">{t('secrets.current')}</span>
              ) : (
                <span className="status status-warn">{t('secrets.retiring')}</span>
              ),
          },
          { key: 'created', header: t('secrets.created'), render: (s) => <When value={s.created_at} /> },
          { key: 'stops', header: t('secrets.stops'), render: (s) => <When value={s.expires_at} /> },
        ]}
      />
      {confirming ? (
        <ConfirmDialog
          title={t('secrets.rotateTitle')}
          confirmLabel={t('secrets.rotateConfirm')}
          variant="primary"
          busy={pending}
          onCancel={() => setConfirming(false)}
          onConfirm={() => void issue()}
        >
          <p>{t('secrets.rotateText')}</p>
        </ConfirmDialog>
      ) : null}
      {issued ? <WebhookSecretDialog issued={issued} onClose={() => setIssued(undefined)} /> : null}
    </Section>
  );
}

type Filter = { readonly status: '' | WebhookDeliveryStatus; readonly type: '' | WebhookEventType };

/** The events, newest first: the first page by filter, then "load more" follows next_cursor and appends. */
function Events({ appId }: { readonly appId: string }) {
  const { t } = useTranslation('webhooks');
  const [filter, setFilter] = useState<Filter>({ status: '', type: '' });
  const [draft, setDraft] = useState<Filter>(filter);
  const list = `${appPath(appId)}/webhook/events`;
  const first = useApi<WebhookEventList>(`${list}${query({ ...filter, limit: pageSize })}`);
  // Later pages, kept for the filter they were loaded with: another filter (or a refresh) starts again from page 1.
  const [more, setMore] = useState<{ filter: Filter; events: WebhookEvent[]; next: string | null } | undefined>();
  const extra = more && more.filter === filter && first.data ? more : undefined;
  const [run, { pending, error }] = useAction();
  const events = [...(first.data?.events ?? []), ...(extra?.events ?? [])];
  const next = extra ? extra.next : first.data?.next_cursor;

  const loadMore = async () => {
    if (!next) return;
    const page = await run(() =>
      api<WebhookEventList>('GET', `${list}${query({ ...filter, limit: pageSize, cursor: next })}`),
    );
    if (page) setMore({ filter, events: [...(extra?.events ?? []), ...page.events], next: page.next_cursor });
  };
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setMore(undefined);
    setFilter({ ...draft });
  };
  const refresh = () => {
    setMore(undefined);
    first.reload();
  };
  const filtered = filter.status !== '' || filter.type !== '';

  return (
    <Section
      title={t('events.title')}
      actions={
        <Button onClick={refresh} busy={first.loading}>
          {t('refresh')}
        </Button>
      }
    >
      <form className="form-actions" onSubmit={apply} aria-label={t('events.filters')}>
        <Field label={t('events.status')}>
          <Select
            name="webhook-status"
            value={draft.status}
            onChange={(e) => setDraft({ ...draft, status: e.target.value as Filter['status'] })}
          >
            <option value="">{t('events.allStatuses')}</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {t(`statuses.${s}`)}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t('events.type')}>
          <Select
            name="webhook-type"
            value={draft.type}
            onChange={(e) => setDraft({ ...draft, type: e.target.value as Filter['type'] })}
          >
            <option value="">{t('events.allTypes')}</option>
            {types.map((type) => (
              <option key={type} value={type}>
                {t(`types.${type}`)}
              </option>
            ))}
          </Select>
        </Field>
        <Button type="submit" className="align-end">
          {t('events.apply')}
        </Button>
      </form>
      <ErrorBanner error={first.error ?? error} />
      {first.loading && !first.data ? <Loading /> : null}
      {first.data ? (
        <>
          <Table
            caption={t('events.caption')}
            rows={events}
            rowKey={(e) => e.id}
            empty={filtered ? t('events.emptyFiltered') : t('events.empty')}
            columns={[
              {
                key: 'id',
                header: t('events.id'),
                render: (e) => (
                  <Link to={`/apps/${encodeURIComponent(appId)}/webhooks/${encodeURIComponent(e.id)}`}>
                    <code>{e.id}</code>
                  </Link>
                ),
              },
              { key: 'type', header: t('events.type'), render: (e) => t(`types.${e.type}`) },
              { key: 'mode', header: t('events.mode'), render: (e) => t(`customer:keys.modes.${e.mode}`) },
              { key: 'status', header: t('events.status'), render: (e) => <DeliveryStatus value={e.status} /> },
              { key: 'created', header: t('events.created'), render: (e) => <When value={e.created_at} /> },
              { key: 'attempts', header: t('events.attempts'), numeric: true, render: (e) => e.attempts },
              {
                key: 'next',
                header: t('events.nextAttempt'),
                render: (e) => <When value={e.status === 'pending' ? e.next_attempt_at : null} />,
              },
            ]}
          />
          <div className="form-actions">
            {events.length > 0 ? (
              <p className="muted" role="status">
                {t('events.shown', { count: events.length })}
              </p>
            ) : null}
            {next ? (
              <Button onClick={() => void loadMore()} busy={pending}>
                {t('events.loadMore')}
              </Button>
            ) : null}
          </div>
        </>
      ) : null}
    </Section>
  );
}

const verifySnippet = `import { verifyWebhookSignature } from '@visage/contracts';

// body: the raw request body as received, before JSON parsing.
// During a rotation pass both secrets: [newSecret, oldSecret].
const { id } = await verifyWebhookSignature(
  process.env.VISAGE_WEBHOOK_SECRET, req.headers, body, 300);
if (await alreadyHandled(id)) return; // a retry or a resend`;

function VerifyHelp() {
  const { t } = useTranslation('webhooks');
  return (
    <Section title={t('verify.title')}>
      <p>{t('verify.text')}</p>
      <pre>
        <code>{verifySnippet}</code>
      </pre>
      <p className="muted">{t('verify.docs')}</p>
    </Section>
  );
}

/** /console/apps/:appId/webhooks/:eventId: one event, its attempts and payload, and "resend". */
export function WebhookEventPage() {
  const { t } = useTranslation('webhooks');
  const { appId = '', eventId = '' } = useParams();
  const path = `${appPath(appId)}/webhook/events/${encodeURIComponent(eventId)}`;
  const detail = useApi<WebhookEventDetail>(path);
  const [run, { pending, error }] = useAction();
  const [resent, setResent] = useState(false);
  const resend = async () => {
    setResent(false);
    const answer = await run(() => api<WebhookEvent>('POST', `${path}/resend`));
    if (answer) {
      setResent(true);
      detail.reload();
    }
  };
  const event = detail.data?.event;
  return (
    <>
      <p>
        <Link to={`/apps/${encodeURIComponent(appId)}/webhooks`}>← {t('event.back')}</Link>
      </p>
      <PageHeader
        title={t('event.title')}
        intro={<code>{eventId}</code>}
        actions={
          event ? (
            <Button variant="primary" busy={pending} onClick={() => void resend()} aria-describedby="resend-hint">
              {t('event.resend')}
            </Button>
          ) : null
        }
      />
      <ErrorBanner error={detail.error ?? error} />
      {resent ? <Banner kind="success">{t('event.resent')}</Banner> : null}
      {detail.loading && !detail.data ? <Loading /> : null}
      {event && detail.data ? (
        <>
          <Section
            title={t('event.summary')}
            actions={
              <Button onClick={detail.reload} busy={detail.loading}>
                {t('refresh')}
              </Button>
            }
          >
            <dl className="dl">
              <dt>{t('event.id')}</dt>
              <dd>
                <code>{event.id}</code>
              </dd>
              <dt>{t('events.type')}</dt>
              <dd>
                {t(`types.${event.type}`)} (<code>{event.type}</code>)
              </dd>
              <dt>{t('events.mode')}</dt>
              <dd>{t(`customer:keys.modes.${event.mode}`)}</dd>
              <dt>{t('events.status')}</dt>
              <dd>
                <DeliveryStatus value={event.status} />
              </dd>
              <dt>{t('events.created')}</dt>
              <dd>
                <DateTime value={event.created_at} />
              </dd>
              <dt>{t('events.attempts')}</dt>
              <dd>{event.attempts}</dd>
              {event.status === 'pending' ? (
                <>
                  <dt>{t('events.nextAttempt')}</dt>
                  <dd>
                    <DateTime value={event.next_attempt_at} />
                  </dd>
                </>
              ) : null}
              {event.delivered_at ? (
                <>
                  <dt>{t('event.delivered')}</dt>
                  <dd>
                    <DateTime value={event.delivered_at} />
                  </dd>
                </>
              ) : null}
              {event.last_error ? (
                <>
                  <dt>{t('event.lastError')}</dt>
                  <dd>{event.last_error}</dd>
                </>
              ) : null}
            </dl>
            <p className="field-hint" id="resend-hint">
              {t('event.resendHint')}
            </p>
          </Section>
          <Section title={t('event.attempts')}>
            <Attempts attempts={detail.data.attempts} />
          </Section>
          <Section title={t('event.payload')}>
            <p className="muted">{t('event.payloadHint')}</p>
            <pre>
              <code>{JSON.stringify(detail.data.payload, null, 2)}</code>
            </pre>
          </Section>
        </>
      ) : null}
    </>
  );
}

function Attempts({ attempts }: { readonly attempts: readonly WebhookAttempt[] }) {
  const { t } = useTranslation('webhooks');
  return (
    <Table
      caption={t('event.attemptsCaption')}
      rows={attempts}
      rowKey={(a) => a.id}
      empty={t('event.noAttempts')}
      columns={[
        { key: 'time', header: t('event.time'), render: (a) => <When value={a.attempted_at} /> },
        {
          key: 'status',
          header: t('event.httpStatus'),
          render: (a) =>
            a.status_code === null ? (
              <span className="status status-bad">{t('event.noAnswer')}</span>
            ) : (
              <span className={`status status-${a.status_code >= 200 && a.status_code < 300 ? 'good' : 'bad'}`}>
                {a.status_code}
              </span>
            ),
        },
        {
          key: 'duration',
          header: t('event.duration'),
          numeric: true,
          render: (a) => t('event.durationMs', { ms: a.latency_ms }),
        },
        { key: 'error', header: t('event.error'), render: (a) => a.error ?? '—' },
        {
          key: 'url',
          header: t('event.url'),
          render: (a) => <code className="wrap">{a.url}</code>,
        },
        {
          key: 'response',
          header: t('event.response'),
          render: (a) => (a.response_snippet ? <code className="wrap">{a.response_snippet}</code> : '—'),
        },
      ]}
    />
  );
}
