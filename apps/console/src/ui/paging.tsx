import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from './controls';

export type CursorPager = ReturnType<typeof usePager>;

/** Cursor paging: "previous" goes back through the cursors seen, "next" follows next_cursor. */
export function usePager(): {
  readonly cursor: string | undefined;
  readonly next: (cursor: string) => void;
  readonly previous: () => void;
  readonly reset: () => void;
  readonly hasPrevious: boolean;
} {
  const [stack, setStack] = useState<string[]>([]);
  return {
    cursor: stack[stack.length - 1],
    next: (cursor) => setStack((s) => [...s, cursor]),
    previous: () => setStack((s) => s.slice(0, -1)),
    reset: () => setStack([]),
    hasPrevious: stack.length > 0,
  };
}

/** "Previous" and "next" buttons for a cursor-paged list; each shows only when there is a page that way. */
export function PageButtons({
  pager,
  nextCursor,
}: {
  readonly pager: CursorPager;
  readonly nextCursor: string | null | undefined;
}) {
  const { t } = useTranslation();
  return (
    <div className="form-actions">
      {pager.hasPrevious ? <Button onClick={pager.previous}>{t('action.previous')}</Button> : null}
      {nextCursor ? <Button onClick={() => pager.next(nextCursor)}>{t('action.next')}</Button> : null}
    </div>
  );
}
