import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { query } from '../../api/client';
import { useApi } from '../../api/hooks';
import { Button, Field, Input } from '../../ui';
import type { CustomerList } from '../types';

export interface PickedCustomer {
  readonly id: string;
  readonly name: string;
}

/** Choose customers by searching their name, id, username or email; the chosen ones are listed with a remove button. */
export function CustomerPicker({
  value,
  onChange,
  error,
}: {
  readonly value: readonly PickedCustomer[];
  readonly onChange: (next: PickedCustomer[]) => void;
  readonly error?: string | undefined;
}) {
  const { t } = useTranslation('admin');
  const [q, setQ] = useState('');
  const term = q.trim();
  const found = useApi<CustomerList>(term.length >= 2 ? `/admin/api/customers${query({ q: term, limit: 10 })}` : null);
  const chosen = new Set(value.map((c) => c.id));
  return (
    <div className="admin-picker">
      <Field label={t('picker.search')} hint={t('picker.hint')} error={error}>
        <Input type="search" value={q} maxLength={200} onChange={(e) => setQ(e.target.value)} />
      </Field>
      {term.length >= 2 && found.data ? (
        found.data.customers.length === 0 ? (
          <p className="muted">{t('picker.none')}</p>
        ) : (
          <ul className="admin-picker-results" aria-label={t('picker.results')}>
            {found.data.customers.map((c) => (
              <li key={c.id}>
                <span>
                  {c.name} <code>{c.id}</code>
                </span>
                <Button
                  className="btn-small"
                  disabled={chosen.has(c.id)}
                  aria-label={t('picker.addLabel', { name: c.name })}
                  onClick={() => onChange([...value, { id: c.id, name: c.name }])}
                >
                  {chosen.has(c.id) ? t('picker.added') : t('picker.add')}
                </Button>
              </li>
            ))}
          </ul>
        )
      ) : null}
      <p className="admin-picker-count" aria-live="polite">
        {t('picker.chosen', { count: value.length })}
      </p>
      {value.length > 0 ? (
        <ul className="inline-list" aria-label={t('picker.chosenList')}>
          {value.map((c) => (
            <li key={c.id} className="admin-chip">
              {c.name}
              <button
                type="button"
                className="btn btn-link btn-small"
                aria-label={t('picker.removeLabel', { name: c.name })}
                onClick={() => onChange(value.filter((v) => v.id !== c.id))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
