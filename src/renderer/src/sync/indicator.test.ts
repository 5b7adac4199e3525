import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import en from '../i18n/en.json';
import fr from '../i18n/fr.json';
import { firstSyncWords, indicatorWords } from './indicator';

const i18n = i18next.createInstance();
await i18n.init({ resources: { en: { translation: en }, fr: { translation: fr } }, lng: 'en', interpolation: { escapeValue: false }, showSupportNotice: false });
const t = i18n.t.bind(i18n);
const tFr = i18n.getFixedT('fr');

const base = { state: 'idle' as const, pending: 0, conflicts: 0, parked: 0, lastError: null, lastProblem: null };
const none = { lastSync: null, nextTry: null, isOwner: true };

/** The words axe compares: letters and digits, in order (label-content-name-mismatch). */
function words(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}
function startsWithShown(sentence: string, shown: { text: string }[]): boolean {
  const name = words(sentence);
  const seen = shown.flatMap((p) => words(p.text));
  // After the "Sync:" prefix, the shown words come first and together.
  return name.slice(1, 1 + seen.length).join(' ') === seen.join(' ');
}

describe('the sync pill’s words', () => {
  it('names what it shows first, in its order, then what only the tooltip says (offline, changes waiting)', () => {
    const { shown, sentence } = indicatorWords({ ...base, state: 'offline', pending: 3 }, none, t);
    expect(shown.map((p) => p.text)).toEqual(['Offline', '3 pending']);
    expect(sentence).toBe('Sync: Offline · 3 pending · never synced yet');
    expect(startsWithShown(sentence, shown)).toBe(true);
  });

  it('keeps the last sync, changes to review and the next try in the shown order', () => {
    const online = indicatorWords({ ...base, pending: 2, conflicts: 1, parked: 1 }, { ...none, lastSync: '5 minutes ago' }, t);
    expect(online.shown.map((p) => p.kind)).toEqual(['state', 'pending', 'review', 'lastSync']);
    expect(online.sentence).toBe('Sync: Online · 2 pending · 2 to review · 5 minutes ago');
    const slowed = indicatorWords({ ...base, state: 'rateLimited', pending: 4 }, { ...none, lastSync: '5 minutes ago', nextTry: '15:47' }, t);
    expect(slowed.shown.map((p) => p.text)).toEqual(['Slowed down', '4 pending', 'next try at 15:47']);
    expect(slowed.sentence).toBe('Sync: Slowed down · 4 pending · next try at 15:47 · the cloud asked us to slow down · last sync 5 minutes ago');
    expect(startsWithShown(slowed.sentence, slowed.shown)).toBe(true);
  });

  it('says what it does not show: nothing waiting, the error, who can set it up', () => {
    expect(indicatorWords(base, none, t).sentence).toBe('Sync: Online · 0 pending · never synced yet');
    expect(indicatorWords({ ...base, state: 'error', lastError: 'HTTP 500' }, none, t).sentence).toBe('Sync: Sync error · 0 pending · never synced yet · HTTP 500');
    expect(indicatorWords({ ...base, state: 'disabled' }, none, t).sentence).toBe('Sync: Sync off · click to set it up');
    expect(indicatorWords({ ...base, state: 'disabled' }, { ...none, isOwner: false }, t).sentence).toBe('Sync: Sync off · the owner can set it up');
  });

  it('holds in French too', () => {
    const { shown, sentence } = indicatorWords({ ...base, state: 'offline', pending: 3, conflicts: 1 }, none, tFr);
    expect(startsWithShown(sentence, shown)).toBe(true);
    expect(sentence.startsWith('Synchro : ')).toBe(true);
  });
});

describe('a new PC’s first sync in the pill (issue 14)', () => {
  const firstSync = { complete: 1240, total: 10000, secondsLeft: 5250 };
  it('shows how many customers are complete and the time left, short; the name says the rest', () => {
    expect(firstSyncWords(firstSync, t)).toBe('1,240/10,000 complete · 88 min left');
    expect(firstSyncWords({ ...firstSync, secondsLeft: 30 }, t)).toBe('1,240/10,000 complete · under 1 min left');
    expect(firstSyncWords({ ...firstSync, secondsLeft: null }, t)).toBe('1,240/10,000 complete');
    expect(firstSyncWords(firstSync, tFr)).toMatch(/^1\s240\/10\s000 complets · ≈ 88 min$/);
    // While syncing, the progress stands for the state; any other state is still said first.
    const syncing = indicatorWords({ ...base, state: 'syncing', firstSync }, none, t);
    expect(syncing.shown.map((p) => p.kind)).toEqual(['firstSync']);
    expect(startsWithShown(syncing.sentence, syncing.shown)).toBe(true);
    expect(syncing.sentence).toContain('1,240 of 10,000 customers have their details here; every one can already be found by name and email');
    const offline = indicatorWords({ ...base, state: 'offline', firstSync }, none, t);
    expect(offline.shown.map((p) => p.kind)).toEqual(['state', 'firstSync', 'pending']);
    expect(startsWithShown(offline.sentence, offline.shown)).toBe(true);
  });
});
