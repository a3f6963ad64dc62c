import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useAction, type Loaded } from '../../api/hooks';
import type { ApiKey, ApiKeyList, IssuedApiKey, RotatedApiKey } from '../../api/types';
import {
  Banner,
  Button,
  ConfirmDialog,
  CopyButton,
  DateTime,
  Dialog,
  ErrorBanner,
  Field,
  Loading,
  Section,
  Select,
  Table,
  TextArea,
} from '../../ui';
import { Status } from '../status';

type Secret = {
  readonly keyId: string;
  readonly secret: string;
  readonly replaced?: { key_id: string; expires_at: string };
};

export function KeysSection({ appId, keys }: { readonly appId: string; readonly keys: Loaded<ApiKeyList> }) {
  const { t } = useTranslation('customer');
  const [mode, setMode] = useState<'sandbox' | 'live'>('sandbox');
  const [secret, setSecret] = useState<Secret | undefined>();
  const [revoking, setRevoking] = useState<ApiKey | undefined>();
  const [editing, setEditing] = useState<ApiKey | undefined>();
  const [run, { pending, error }] = useAction();

  const create = async () => {
    const issued = await run(() =>
      api<IssuedApiKey>('POST', `/console/api/apps/${encodeURIComponent(appId)}/keys`, { mode }),
    );
    if (issued) {
      setSecret({ keyId: issued.key_id, secret: issued.secret });
      keys.reload();
    }
  };
  const rotate = async (key: ApiKey) => {
    const rotated = await run(() =>
      api<RotatedApiKey>('POST', `/console/api/keys/${encodeURIComponent(key.key_id)}/rotation`),
    );
    if (rotated) {
      setSecret({ keyId: rotated.key_id, secret: rotated.secret, replaced: rotated.replaced });
      keys.reload();
    }
  };

  return (
    <Section title={t('keys.title')}>
      <p className="muted">{t('keys.intro')}</p>
      <ErrorBanner error={error ?? keys.error} />
      {keys.loading && !keys.data ? <Loading /> : null}
      {keys.data ? (
        <Table
          caption={t('keys.title')}
          rows={keys.data.keys}
          rowKey={(k) => k.key_id}
          empty={t('keys.empty')}
          columns={[
            { key: 'id', header: t('keys.keyId'), render: (k) => <code>{k.key_id}</code> },
            { key: 'mode', header: t('keys.mode'), render: (k) => t(`keys.modes.${k.mode}`) },
            { key: 'status', header: t('keys.status'), render: (k) => <Status value={k.status} /> },
            {
              key: 'ips',
              header: t('keys.ipAllowlist'),
              render: (k) => (k.ip_allowlist.length === 0 ? t('keys.anyAddress') : k.ip_allowlist.join(', ')),
            },
            { key: 'created', header: t('keys.created'), render: (k) => <DateTime value={k.created_at} /> },
            {
              key: 'expires',
              header: t('keys.expires'),
              render: (k) => (k.expires_at ? <DateTime value={k.expires_at} /> : '—'),
            },
            {
              key: 'actions',
              header: t('keys.actions'),
              render: (k) =>
                k.status === 'active' ? (
                  <div className="inline-list">
                    <Button
                      className="btn-small"
                      onClick={() => void rotate(k)}
                      aria-label={t('keys.rotateKey', { id: k.key_id })}
                      busy={pending}
                    >
                      {t('keys.rotate')}
                    </Button>
                    <Button
                      className="btn-small"
                      onClick={() => setEditing(k)}
                      aria-label={t('keys.editIpsKey', { id: k.key_id })}
                    >
                      {t('keys.editIps')}
                    </Button>
                    <Button
                      className="btn-small"
                      variant="danger"
                      onClick={() => setRevoking(k)}
                      aria-label={t('keys.revokeKey', { id: k.key_id })}
                    >
                      {t('keys.revoke')}
                    </Button>
                  </div>
                ) : null,
            },
          ]}
        />
      ) : null}
      <h3>{t('keys.create')}</h3>
      <div className="form-actions">
        <Field label={t('keys.mode')}>
          <Select name="key-mode" value={mode} onChange={(e) => setMode(e.target.value as 'sandbox' | 'live')}>
            <option value="sandbox">{t('keys.modes.sandbox')}</option>
            <option value="live">{t('keys.modes.live')}</option>
          </Select>
        </Field>
        <Button variant="primary" className="align-end" onClick={() => void create()} busy={pending}>
          {t('keys.createButton')}
        </Button>
      </div>
      <p className="field-hint">{t('keys.modeHint')}</p>
      {secret ? <SecretDialog secret={secret} onClose={() => setSecret(undefined)} /> : null}
      {revoking ? (
        <RevokeDialog
          apiKey={revoking}
          onClose={() => setRevoking(undefined)}
          onDone={() => {
            setRevoking(undefined);
            keys.reload();
          }}
        />
      ) : null}
      {editing ? (
        <AllowlistDialog
          apiKey={editing}
          onClose={() => setEditing(undefined)}
          onDone={() => {
            setEditing(undefined);
            keys.reload();
          }}
        />
      ) : null}
    </Section>
  );
}

function SecretDialog({ secret, onClose }: { readonly secret: Secret; readonly onClose: () => void }) {
  const { t } = useTranslation('customer');
  return (
    <Dialog
      title={t('keys.secretTitle')}
      onClose={onClose}
      actions={
        <Button variant="primary" onClick={onClose}>
          {t('keys.secretStored')}
        </Button>
      }
    >
      <Banner kind="warning">{t('keys.secretOnce')}</Banner>
      <dl className="dl">
        <dt>{t('keys.keyId')}</dt>
        <dd>
          <code data-testid="new-key-id">{secret.keyId}</code>
        </dd>
        <dt>{t('keys.secret')}</dt>
        <dd>
          <code className="secret" data-testid="new-key-secret">
            {secret.secret}
          </code>
        </dd>
      </dl>
      <CopyButton text={secret.secret} label={t('keys.copySecret')} />
      {secret.replaced ? (
        <p className="muted">
          {t('keys.replacedNote', { id: secret.replaced.key_id })} <DateTime value={secret.replaced.expires_at} />
        </p>
      ) : null}
    </Dialog>
  );
}

function RevokeDialog({
  apiKey,
  onClose,
  onDone,
}: {
  readonly apiKey: ApiKey;
  readonly onClose: () => void;
  readonly onDone: () => void;
}) {
  const { t } = useTranslation('customer');
  const [run, { pending, error }] = useAction();
  return (
    <ConfirmDialog
      title={t('keys.revokeTitle')}
      confirmLabel={t('keys.revokeConfirm')}
      busy={pending}
      onCancel={onClose}
      onConfirm={() =>
        void run(() => api('DELETE', `/console/api/keys/${encodeURIComponent(apiKey.key_id)}`).then(() => true)).then(
          (ok) => {
            if (ok) onDone();
          },
        )
      }
    >
      <ErrorBanner error={error} />
      <p>{t('keys.revokeText', { id: apiKey.key_id })}</p>
    </ConfirmDialog>
  );
}

function AllowlistDialog({
  apiKey,
  onClose,
  onDone,
}: {
  readonly apiKey: ApiKey;
  readonly onClose: () => void;
  readonly onDone: () => void;
}) {
  const { t } = useTranslation('customer');
  const [text, setText] = useState(apiKey.ip_allowlist.join('\n'));
  const [run, { pending, error }] = useAction();
  const save = async () => {
    const cidrs = text
      .split(/[\s,]+/)
      .map((c) => c.trim())
      .filter(Boolean);
    const done = await run(() =>
      api('PUT', `/console/api/keys/${encodeURIComponent(apiKey.key_id)}/ip-allowlist`, { cidrs }).then(() => true),
    );
    if (done) onDone();
  };
  return (
    <Dialog
      title={t('keys.ipsTitle', { id: apiKey.key_id })}
      onClose={onClose}
      actions={
        <>
          <Button onClick={onClose}>{t('common:action.cancel')}</Button>
          <Button variant="primary" busy={pending} onClick={() => void save()}>
            {t('common:action.save')}
          </Button>
        </>
      }
    >
      <ErrorBanner error={error} />
      <Field label={t('keys.ipAllowlist')} hint={t('keys.ipsHint')}>
        <TextArea name="ip-allowlist" rows={5} value={text} onChange={(e) => setText(e.target.value)} />
      </Field>
    </Dialog>
  );
}
