import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import { Banner, Button, DateTime, Field, Input, Loading, PageHeader, Section, Table } from '../../ui';
import type { SanctionsImport, SanctionsLists } from '../types';
import { AdminError } from '../ui';

/** The admin API paths of the sanctions lists (helper B2's routes). */
export const sanctionsPaths = {
  lists: '/admin/api/sanctions/lists',
  import: '/admin/api/sanctions/lists',
};

const maxCsvBytes = 20 * 1024 * 1024;

/** Import sanctions / entity lists from CSV (name, aliases, list, program) and see what is loaded. */
export function SanctionsPage() {
  const { t } = useTranslation('admin');
  const { data, error, loading, reload } = useApi<SanctionsLists>(sanctionsPaths.lists);
  const [file, setFile] = useState<File | null>(null);
  const [list, setList] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [imported, setImported] = useState<SanctionsImport | null>(null);
  const [run, state] = useAction();
  const upload = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    if (!file) {
      setProblem(t('sanctions.noFile'));
      return;
    }
    if (file.size > maxCsvBytes) {
      setProblem(t('sanctions.tooLarge'));
      return;
    }
    const csv = await file.text();
    const answer = await run(() =>
      api<SanctionsImport>('POST', sanctionsPaths.import, { csv, ...(list.trim() ? { list: list.trim() } : {}) }),
    );
    if (!answer) return;
    setImported(answer);
    reload();
  };
  return (
    <>
      <PageHeader title={t('sanctions.title')} intro={t('sanctions.intro')} />
      {imported ? (
        <Banner kind="success" title={t('sanctions.imported')}>
          <ul className="inline-list">
            {imported.lists.map((l) => (
              <li key={l.name}>{t('sanctions.listEntries', { name: l.name, count: l.entries })}</li>
            ))}
          </ul>
        </Banner>
      ) : null}
      <Section title={t('sanctions.upload')}>
        <form className="form" onSubmit={(e) => void upload(e)} noValidate>
          <p className="muted">{t('sanctions.format')}</p>
          <pre className="admin-pre">
            {'name,aliases,list,program\n"ACME Trading Ltd","ACME Ltd;Acme Co",OFAC-SDN,SDGT'}
          </pre>
          <Field label={t('sanctions.file')} required error={problem ?? undefined}>
            <Input
              type="file"
              accept=".csv,text/csv"
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                setProblem(null);
              }}
            />
          </Field>
          <Field label={t('sanctions.defaultList')} hint={t('sanctions.defaultListHint')}>
            <Input value={list} maxLength={100} onChange={(e) => setList(e.target.value)} />
          </Field>
          <Banner kind="info">{t('sanctions.replaceWarning')}</Banner>
          <AdminError error={state.error} />
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={state.pending}>
              {t('sanctions.submit')}
            </Button>
          </div>
        </form>
      </Section>
      <Section title={t('sanctions.lists')}>
        <AdminError error={error} />
        {loading && !data ? <Loading /> : null}
        {data ? (
          <Table
            caption={t('sanctions.lists')}
            rows={data.lists}
            rowKey={(l) => l.name}
            empty={t('sanctions.none')}
            columns={[
              { key: 'name', header: t('sanctions.list'), render: (l) => l.name },
              { key: 'entries', header: t('sanctions.entries'), numeric: true, render: (l) => String(l.entries) },
              { key: 'at', header: t('sanctions.importedAt'), render: (l) => <DateTime value={l.imported_at} /> },
              { key: 'by', header: t('sanctions.importedBy'), render: (l) => l.imported_by },
            ]}
          />
        ) : null}
      </Section>
    </>
  );
}
