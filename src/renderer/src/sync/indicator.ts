import type { TFunction } from 'i18next';
import type { SyncStatus } from '../../../shared/sync/schema';
import { messageText } from '../i18n/messages';

/*
 * The header's sync pill in words: what it shows, and its accessible name. The name starts with the
 * shown words, in their order (WCAG 2.5.3 "label in name": someone using speech control says what they
 * see, and axe's label-content-name-mismatch checks it), then adds what only the name and the tooltip
 * carry: why the cloud slowed us down, the count when it is not shown, the last sync, the error, the hint.
 */

export type ShownPart = { kind: 'state' | 'firstSync' | 'pending' | 'review' | 'nextTry' | 'lastSync'; text: string };
export type IndicatorWords = { shown: ShownPart[]; sentence: string };

/** `lastSync` ("2 minutes ago") and `nextTry` ("15:47") are already said in the staff's language. */
export function indicatorWords(
  s: Pick<SyncStatus, 'state' | 'pending' | 'conflicts' | 'parked' | 'lastError' | 'lastProblem'> & Partial<Pick<SyncStatus, 'firstSync'>>,
  moments: { lastSync: string | null; nextTry: string | null; isOwner: boolean },
  t: TFunction,
): IndicatorWords {
  const { lastSync, nextTry, isOwner } = moments;
  const toReview = s.conflicts + s.parked;
  const pending = s.state !== 'disabled' ? t('sync.indicator.pendingShort', { count: s.pending }) : null;
  const pendingShown = pending !== null && (s.pending > 0 || s.state === 'offline' || s.state === 'off');
  // Rate-limited is not offline: the cloud is there and asked us to wait; the pill says until when.
  const lastShown = lastSync !== null && s.state !== 'disabled' && nextTry === null;
  const firstSync = s.firstSync ? firstSyncWords(s.firstSync, t) : null;
  // A first sync's progress says "syncing" itself (and the header has room for one of them in French).
  const stateShown = !(firstSync && s.state === 'syncing');
  const shown: ShownPart[] = [
    ...(stateShown ? [{ kind: 'state' as const, text: t(`sync.state.${s.state}`) }] : []),
    ...(firstSync ? [{ kind: 'firstSync' as const, text: firstSync }] : []),
    ...(pendingShown ? [{ kind: 'pending' as const, text: pending }] : []),
    ...(toReview > 0 ? [{ kind: 'review' as const, text: t('sync.indicator.toReviewShort', { count: toReview }) }] : []),
    ...(nextTry ? [{ kind: 'nextTry' as const, text: t('sync.indicator.nextTryShort', { time: nextTry }) }] : []),
    ...(lastShown ? [{ kind: 'lastSync' as const, text: lastSync }] : []),
  ];
  const more = [
    s.firstSync ? t('firstSync.sentence', { complete: s.firstSync.complete, total: s.firstSync.total }) : null,
    nextTry ? t('sync.indicator.slowDownWhy') : null,
    pendingShown ? null : pending,
    lastShown ? null : lastSync ? t('sync.indicator.lastSync', { when: lastSync }) : s.state !== 'disabled' ? t('sync.indicator.neverSynced') : null,
    s.state === 'error' && s.lastError ? (s.lastProblem ? messageText(s.lastProblem, t) : s.lastError) : null,
    s.state === 'off' ? t('sync.indicator.offByOwner') : null,
    s.state === 'disabled' ? (isOwner ? t('sync.indicator.setUp') : t('sync.indicator.offForStaff')) : null,
  ];
  const words = [...shown.map((p) => p.text), ...more.filter((w): w is string => w !== null)];
  return { shown, sentence: t('sync.indicator.sentence', { state: words.join(' · ') }) };
}

/**
 * A new PC's first sync (issue 14), short for the header: every customer is findable already; this
 * says how many have their details here, and the time left ("1,240/10,000 complete · 88 min left").
 */
export function firstSyncWords(p: NonNullable<SyncStatus['firstSync']>, t: TFunction): string {
  const progress = t('firstSync.progress', { complete: p.complete, total: p.total });
  if (p.secondsLeft === null) return progress;
  const left = p.secondsLeft < 60 ? t('firstSync.underAMinute') : t('firstSync.minutesLeft', { count: Math.ceil(p.secondsLeft / 60) });
  return t('firstSync.withTimeLeft', { progress, left });
}
