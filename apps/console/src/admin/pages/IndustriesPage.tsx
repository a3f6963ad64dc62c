import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import { Banner, Button, ConfirmDialog, Field, Input, Loading, PageHeader, Section } from '../../ui';
import type { Industry, IndustryList } from '../types';
import { AdminError } from '../ui';

/** The admin API paths of the industry catalogue (helper B2's routes). */
export const industryPaths = {
  list: '/admin/api/industries',
  save: '/admin/api/industries',
};

const codePattern = /^[a-z0-9_]{1,40}$/;

type Licence = Industry['licences'][number];

/** The industry catalogue applicants choose from; which industries require which licences. Saved as a whole. */
export function IndustriesPage() {
  const { t } = useTranslation('admin');
  const { data, error, loading, reload } = useApi<IndustryList>(industryPaths.list);
  const [draft, setDraft] = useState<Industry[] | null>(null);
  const [saved, setSaved] = useState(false);
  const [invalid, setInvalid] = useState(false);
  const [asking, setAsking] = useState(false);
  const [run, state] = useAction();
  useEffect(() => {
    if (data) setDraft(data.industries.map((i) => ({ ...i, licences: [...i.licences] })));
  }, [data]);
  const change = (index: number, next: Partial<Industry>) => {
    setSaved(false);
    setDraft((d) => d && d.map((item, i) => (i === index ? { ...item, ...next } : item)));
  };
  const changeLicence = (index: number, li: number, next: Partial<Licence>) => {
    const industry = draft?.[index];
    if (!industry) return;
    change(index, { licences: industry.licences.map((l, k) => (k === li ? { ...l, ...next } : l)) });
  };
  const valid = (list: Industry[]) =>
    list.length > 0 &&
    list.every(
      (i) =>
        codePattern.test(i.code) &&
        i.name_zh.trim() &&
        i.name_en.trim() &&
        i.licences.every((l) => codePattern.test(l.code) && l.name_zh.trim() && l.name_en.trim()),
    ) &&
    new Set(list.map((i) => i.code)).size === list.length;
  const save = async () => {
    if (!draft) return;
    const answer = await run(() => api<IndustryList>('PUT', industryPaths.save, { industries: draft }));
    setAsking(false);
    if (!answer) return;
    setSaved(true);
    reload();
  };
  return (
    <>
      <PageHeader title={t('industries.title')} intro={t('industries.intro')} />
      {saved ? <Banner kind="success">{t('industries.saved')}</Banner> : null}
      <AdminError error={error ?? state.error} />
      {loading && !draft ? <Loading /> : null}
      {draft ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (!valid(draft)) {
              setInvalid(true);
              return;
            }
            setInvalid(false);
            state.clear();
            setAsking(true);
          }}
          noValidate
        >
          {draft.map((industry, index) => (
            <Section
              key={index}
              title={industry.name_zh || industry.name_en || t('industries.newIndustry')}
              actions={
                <Button
                  variant="danger"
                  className="btn-small"
                  aria-label={t('industries.removeLabel', { name: industry.name_en || industry.code || index + 1 })}
                  onClick={() => setDraft(draft.filter((_, i) => i !== index))}
                >
                  {t('industries.remove')}
                </Button>
              }
            >
              <div className="form-row">
                <Field
                  label={t('industries.code')}
                  hint={t('industries.codeHint')}
                  required
                  error={invalid && !codePattern.test(industry.code) ? t('industries.codeInvalid') : undefined}
                >
                  <Input
                    value={industry.code}
                    maxLength={40}
                    onChange={(e) => change(index, { code: e.target.value })}
                  />
                </Field>
                <Field label={t('industries.nameZh')} required>
                  <Input
                    value={industry.name_zh}
                    maxLength={200}
                    lang="zh-CN"
                    onChange={(e) => change(index, { name_zh: e.target.value })}
                  />
                </Field>
                <Field label={t('industries.nameEn')} required>
                  <Input
                    value={industry.name_en}
                    maxLength={200}
                    lang="en"
                    onChange={(e) => change(index, { name_en: e.target.value })}
                  />
                </Field>
              </div>
              <fieldset className="admin-fieldset">
                <legend>{t('industries.licences')}</legend>
                {industry.licences.length === 0 ? <p className="muted">{t('industries.noLicences')}</p> : null}
                {industry.licences.map((licence, li) => (
                  <div key={li} className="form-row admin-licence">
                    <Field label={t('industries.licenceCode')} required>
                      <Input
                        value={licence.code}
                        maxLength={40}
                        onChange={(e) => changeLicence(index, li, { code: e.target.value })}
                      />
                    </Field>
                    <Field label={t('industries.nameZh')} required>
                      <Input
                        value={licence.name_zh}
                        maxLength={200}
                        lang="zh-CN"
                        onChange={(e) => changeLicence(index, li, { name_zh: e.target.value })}
                      />
                    </Field>
                    <Field label={t('industries.nameEn')} required>
                      <Input
                        value={licence.name_en}
                        maxLength={200}
                        lang="en"
                        onChange={(e) => changeLicence(index, li, { name_en: e.target.value })}
                      />
                    </Field>
                    <div className="form-actions">
                      <Button
                        className="btn-small"
                        aria-label={t('industries.removeLicenceLabel', {
                          name: licence.name_en || licence.code || li + 1,
                        })}
                        onClick={() => change(index, { licences: industry.licences.filter((_, k) => k !== li) })}
                      >
                        {t('industries.removeLicence')}
                      </Button>
                    </div>
                  </div>
                ))}
                <Button
                  className="btn-small"
                  onClick={() =>
                    change(index, { licences: [...industry.licences, { code: '', name_zh: '', name_en: '' }] })
                  }
                >
                  {t('industries.addLicence')}
                </Button>
              </fieldset>
            </Section>
          ))}
          {invalid ? <Banner kind="error">{t('industries.invalid')}</Banner> : null}
          <div className="form-actions">
            <Button onClick={() => setDraft([...draft, { code: '', name_zh: '', name_en: '', licences: [] }])}>
              {t('industries.add')}
            </Button>
            <Button type="submit" variant="primary">
              {t('industries.save')}
            </Button>
          </div>
        </form>
      ) : null}
      {asking ? (
        <ConfirmDialog
          title={t('industries.confirmTitle')}
          confirmLabel={t('industries.confirmSubmit')}
          variant="primary"
          busy={state.pending}
          onCancel={() => setAsking(false)}
          onConfirm={() => void save()}
        >
          <p>{t('industries.confirmBody')}</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
