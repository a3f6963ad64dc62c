import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, query } from '../../api/client';
import { useAction, useApi } from '../../api/hooks';
import type { Notice, NoticeList } from '../../api/types';
import { Button, DateTime, Empty, ErrorBanner, Loading, PageButtons, PageHeader, usePager } from '../../ui';

const changed = 'visage:notices';

/** The unread count for the navigation: fetched on load, every minute, and when the inbox changes. */
export function useUnreadCount(): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    let live = true;
    const load = () =>
      api<NoticeList>('GET', '/console/api/notices?limit=1').then(
        (r) => live && setCount(r.unread_count),
        () => undefined,
      );
    void load();
    const timer = window.setInterval(() => void load(), 60_000);
    window.addEventListener(changed, load);
    return () => {
      live = false;
      window.clearInterval(timer);
      window.removeEventListener(changed, load);
    };
  }, []);
  return count;
}

export function NoticesPage() {
  const { t, i18n } = useTranslation('customer');
  const pager = usePager();
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  const list = useApi<NoticeList>(`/console/api/notices${query({ lang, cursor: pager.cursor, limit: 20 })}`);
  const [run, { pending, error }] = useAction();
  const refresh = () => {
    list.reload();
    window.dispatchEvent(new Event(changed));
  };
  const markRead = async (notice: Notice) => {
    const done = await run(() =>
      api('POST', `/console/api/notices/${encodeURIComponent(notice.id)}/read`).then(() => true),
    );
    if (done) refresh();
  };
  return (
    <>
      <PageHeader
        title={t('notices.title')}
        intro={list.data ? t('notices.unread', { count: list.data.unread_count }) : undefined}
        actions={
          list.data && list.data.unread_count > 0 ? (
            <Button
              busy={pending}
              onClick={() =>
                void run(() => api('POST', '/console/api/notices/read-all').then(() => true)).then((ok) => {
                  if (ok) refresh();
                })
              }
            >
              {t('notices.markAll')}
            </Button>
          ) : null
        }
      />
      <ErrorBanner error={error ?? list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && list.data.notices.length === 0 ? <Empty>{t('notices.empty')}</Empty> : null}
      {list.data?.notices.map((n) => (
        <article key={n.id} className={`card${n.read_at ? '' : ' notice-unread-card'}`}>
          <div className="card-head">
            <h2 className={n.read_at ? undefined : 'notice-unread'}>
              {n.read_at ? null : <span className="sr-only">{t('notices.unreadLabel')}: </span>}
              {n.title}
            </h2>
            <span className="muted">
              <DateTime value={n.created_at} />
            </span>
          </div>
          <p className="doc-body">{n.body}</p>
          {n.read_at ? null : (
            <Button
              className="btn-small"
              onClick={() => void markRead(n)}
              aria-label={t('notices.markReadOne', { title: n.title })}
            >
              {t('notices.markRead')}
            </Button>
          )}
        </article>
      ))}
      <PageButtons pager={pager} nextCursor={list.data?.next_cursor} />
    </>
  );
}
