import { Fragment, useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { customerKeys } from '../customers/queries';
import { useTranslation } from 'react-i18next';
import { useSyncEvents, useSyncStatus } from './queries';
import { useSignedIn } from '../auth/AuthProvider';
import { clockTime, relativeTime, useNow } from './text';
import { indicatorWords, type ShownPart } from './indicator';

const PART_CLASS: Record<ShownPart['kind'], string> = {
  state: 'sync-state',
  firstSync: 'sync-first',
  pending: 'sync-pending',
  review: 'sync-review',
  nextTry: 'sync-next',
  lastSync: 'sync-when',
};

/**
 * The header's sync summary: online or not, changes waiting, when it last synced; a click opens the
 * sync screen. It is what keeps the status fresh: main's events refetch it while it is mounted.
 */
export function SyncIndicator({ current, onOpen }: { current: boolean; onOpen: () => void }) {
  const { t, i18n } = useTranslation();
  const { isOwner } = useSignedIn();
  useSyncEvents();
  const status = useSyncStatus();
  const now = useNow();
  const s = status.data;
  useFirstSyncRefresh(s?.firstSync ?? null);
  if (!s) return null;

  const lastSync = s.lastSyncAt ? relativeTime(s.lastSyncAt, now, i18n.language, t, { past: true }) : null;
  const nextTry = s.state === 'rateLimited' && s.nextAttemptAt ? clockTime(s.nextAttemptAt, i18n.language) : null;
  // The full sentence for screen readers and the tooltip, starting with the words the pill shows.
  const { shown, sentence } = indicatorWords(s, { lastSync, nextTry, isOwner }, t);

  return (
    <button
      type="button"
      className={`sync-indicator state-${s.state}`}
      aria-current={current ? 'page' : undefined}
      aria-label={sentence}
      title={sentence}
      onClick={onOpen}
    >
      <span className="sync-dot" aria-hidden="true" />
      {shown.map((part, i) => (
        <Fragment key={part.kind}>
          {/* A space between the words: without it their text runs together ("Offline3 pending"). */}
          {i > 0 ? ' ' : null}
          <span className={PART_CLASS[part.kind]} data-testid={part.kind === 'pending' ? 'sync-pending' : part.kind === 'firstSync' ? 'sync-first' : undefined}>
            {part.text}
          </span>
        </Fragment>
      ))}
    </button>
  );
}

/**
 * While a new PC's first sync brings the store in (issue 14), the results, groups and a customer
 * still arriving on screen are asked again as its progress moves: customers appear, then their details.
 */
function useFirstSyncRefresh(firstSync: { complete: number; total: number } | null) {
  const qc = useQueryClient();
  const progress = firstSync ? `${firstSync.complete}/${firstSync.total}` : null;
  useEffect(() => {
    void qc.invalidateQueries({ queryKey: customerKeys.lists() });
    void qc.invalidateQueries({ queryKey: customerKeys.groups() });
    // A customer on screen whose details were still arriving: asked again (the screen keeps an edit under way).
    void qc.invalidateQueries({
      queryKey: customerKeys.all,
      predicate: (q) => q.queryKey[1] === 'detail' && (q.state.data as { detailsArriving?: boolean } | undefined)?.detailsArriving === true,
    });
  }, [qc, progress]);
}
