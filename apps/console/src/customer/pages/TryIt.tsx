import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiKey } from '../../api/types';
import { Banner, Button, CopyButton, Field, Input, Section, Select } from '../../ui';
import { signRequest } from '../signing';

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * "Try it": a sandbox compare signed here in the browser. The secret is typed in, used once and never stored; the
 * result and the equivalent curl command are shown.
 */
export function TryIt({ keys }: { readonly keys: readonly ApiKey[] }) {
  const { t } = useTranslation('customer');
  const sandbox = keys.filter((k) => k.mode === 'sandbox' && k.status === 'active');
  const [keyId, setKeyId] = useState('');
  const [secret, setSecret] = useState('');
  const [subjectRef, setSubjectRef] = useState('console-try-it');
  const [photo1, setPhoto1] = useState<File | null>(null);
  const [photo2, setPhoto2] = useState<File | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<{ status: number; json: string; curl: string; bodyUrl: string } | undefined>();
  const chosenKey = keyId || sandbox[0]?.key_id || '';
  useEffect(
    () => () => {
      if (result) URL.revokeObjectURL(result.bodyUrl);
    },
    [result],
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!chosenKey) found.key = t('tryIt.noKey');
    if (secret.trim() === '') found.secret = t('common:form.requiredField');
    if (!photo1) found.photo1 = t('common:form.requiredField');
    if (!photo2) found.photo2 = t('common:form.requiredField');
    if (subjectRef.trim() === '') found.subject = t('common:form.requiredField');
    setErrors(found);
    if (Object.keys(found).length > 0 || !photo1 || !photo2) return;
    setPending(true);
    try {
      const body = JSON.stringify({
        image1: await readBase64(photo1),
        image2: await readBase64(photo2),
        consent: {
          subject_ref: subjectRef.trim(),
          text_version: 'console-try-it',
          obtained_at: new Date().toISOString(),
          method: 'console',
        },
        biz_no: `try-${Date.now()}`,
      });
      const path = '/v1/compare';
      const headers = await signRequest({ method: 'POST', path, body, keyId: chosenKey, secret: secret.trim() });
      const response = await fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
        credentials: 'omit',
      });
      const text = await response.text();
      let pretty = text;
      try {
        pretty = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        // not JSON: show as is
      }
      const curl = [
        `curl -X POST ${shellQuote(`${window.location.origin}${path}`)}`,
        `  -H 'content-type: application/json'`,
        ...Object.entries(headers).map(([name, value]) => `  -H ${shellQuote(`${name}: ${value}`)}`),
        `  --data-binary @body.json`,
      ].join(' \\\n');
      setResult({
        status: response.status,
        json: pretty,
        curl,
        bodyUrl: URL.createObjectURL(new Blob([body], { type: 'application/json' })),
      });
    } catch (cause) {
      setResult({ status: 0, json: String(cause), curl: '', bodyUrl: '' });
    } finally {
      setPending(false);
    }
  };

  return (
    <Section title={t('tryIt.title')}>
      <p className="muted">{t('tryIt.intro')}</p>
      {sandbox.length === 0 ? <Banner kind="info">{t('tryIt.needSandbox')}</Banner> : null}
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="form-row">
          <Field label={t('tryIt.key')} error={errors.key} required>
            <Select name="try-key" value={chosenKey} onChange={(e) => setKeyId(e.target.value)}>
              {sandbox.length === 0 ? <option value="">{t('tryIt.noKey')}</option> : null}
              {sandbox.map((k) => (
                <option key={k.key_id} value={k.key_id}>
                  {k.key_id}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={t('tryIt.secret')} hint={t('tryIt.secretHint')} error={errors.secret} required>
            <Input
              name="try-secret"
              type="password"
              autoComplete="off"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
            />
          </Field>
        </div>
        <div className="form-row">
          <Field label={t('tryIt.photo1')} error={errors.photo1} required>
            <Input
              name="try-photo-1"
              type="file"
              accept="image/jpeg,image/png,image/webp"
              onChange={(e) => setPhoto1(e.target.files?.[0] ?? null)}
            />
          </Field>
          <Field label={t('tryIt.photo2')} error={errors.photo2} required>
            <Input
              name="try-photo-2"
              type="file"
              accept="image/jpeg,image/png,image/webp"
              onChange={(e) => setPhoto2(e.target.files?.[0] ?? null)}
            />
          </Field>
        </div>
        <Field label={t('tryIt.subjectRef')} hint={t('tryIt.subjectRefHint')} error={errors.subject} required>
          <Input name="try-subject" value={subjectRef} onChange={(e) => setSubjectRef(e.target.value)} />
        </Field>
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={pending}>
            {t('tryIt.run')}
          </Button>
        </div>
      </form>
      {result ? (
        <div aria-live="polite">
          <h3>
            {t('tryIt.result')} (HTTP {result.status})
          </h3>
          <pre data-testid="try-result">{result.json}</pre>
          {result.curl ? (
            <>
              <h3>{t('tryIt.curl')}</h3>
              <p className="muted">
                {t('tryIt.curlNote')}{' '}
                <a href={result.bodyUrl} download="body.json">
                  {t('tryIt.downloadBody')}
                </a>
              </p>
              <pre>{result.curl}</pre>
              <CopyButton text={result.curl} label={t('tryIt.copyCurl')} />
            </>
          ) : null}
        </div>
      ) : null}
    </Section>
  );
}
