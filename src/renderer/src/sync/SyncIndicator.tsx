import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { useSyncEvents, useSyncStatus } from './queries';
import { useSignedIn } from '../auth/AuthProvider';
import { clockTime, relativeTime, useNow } from './text';
import { indicatorWords, type ShownPart } from './indicator';

const PART_CLASS: Record<ShownPart['kind'], string> = {
  state: 'sync-state',
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
          <span className={PART_CLASS[part.kind]} data-testid={part.kind === 'pending' ? 'sync-pending' : undefined}>
            {part.text}
          </span>
        </Fragment>
      ))}
    </button>
  );
}
