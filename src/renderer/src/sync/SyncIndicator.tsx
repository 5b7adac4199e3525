import { useTranslation } from 'react-i18next';
import { useSyncEvents, useSyncStatus } from './queries';
import { useSignedIn } from '../auth/AuthProvider';
import { useMessageText } from '../i18n/messages';
import { clockTime, relativeTime, useNow } from './text';

/**
 * The header's sync summary: online or not, changes waiting, when it last synced; a click opens the
 * sync screen. It is what keeps the status fresh: main's events refetch it while it is mounted.
 */
export function SyncIndicator({ current, onOpen }: { current: boolean; onOpen: () => void }) {
  const { t, i18n } = useTranslation();
  const say = useMessageText();
  const { isOwner } = useSignedIn();
  useSyncEvents();
  const status = useSyncStatus();
  const now = useNow();
  const s = status.data;
  if (!s) return null;

  const last = s.lastSyncAt ? relativeTime(s.lastSyncAt, now, i18n.language, t, { past: true }) : null;
  const toReview = s.conflicts + s.parked;
  // Rate-limited is not offline: the cloud is there and asked us to wait; say until when.
  const nextTry = s.state === 'rateLimited' && s.nextAttemptAt ? clockTime(s.nextAttemptAt, i18n.language) : null;
  const stateText = t(`sync.state.${s.state}`);
  // The full sentence for screen readers and the tooltip; the button shows the short form.
  const sentence = [
    t('sync.indicator.sentence', { state: stateText }),
    // The visible words first, in order (the name must contain what is shown), then why.
    nextTry ? t('sync.indicator.nextTryShort', { time: nextTry }) : null,
    nextTry ? t('sync.indicator.slowDownWhy') : null,
    s.state !== 'disabled' ? t('sync.indicator.pendingShort', { count: s.pending }) : null,
    toReview > 0 ? t('sync.indicator.toReviewShort', { count: toReview }) : null,
    last ? t('sync.indicator.lastSync', { when: last }) : s.state !== 'disabled' ? t('sync.indicator.neverSynced') : null,
    s.state === 'error' && s.lastError ? (s.lastProblem ? say(s.lastProblem) : s.lastError) : null,
    s.state === 'disabled' ? (isOwner ? t('sync.indicator.setUp') : t('sync.indicator.offForStaff')) : null,
  ]
    .filter(Boolean)
    .join(' · ');

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
      <span className="sync-state">{stateText}</span>
      {s.state !== 'disabled' && (s.pending > 0 || s.state === 'offline') ? (
        <span className="sync-pending" data-testid="sync-pending">
          {t('sync.indicator.pendingShort', { count: s.pending })}
        </span>
      ) : null}
      {toReview > 0 ? <span className="sync-review">{t('sync.indicator.toReviewShort', { count: toReview })}</span> : null}
      {nextTry ? <span className="sync-next">{t('sync.indicator.nextTryShort', { time: nextTry })}</span> : null}
      {last && s.state !== 'disabled' && !nextTry ? <span className="sync-when">{last}</span> : null}
    </button>
  );
}
