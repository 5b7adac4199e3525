/*
 * When to look for an update, and when to offer it: pure functions over a small model, so the rules
 * are tested without Electron (test/unit/update-policy.test.ts). The service (service.ts) runs them
 * on a timer; the shell (shell/updater.ts) only turns electron-updater's events into UpdaterEvents.
 *
 * The rules:
 * - look whenever the PC is online, licensed or not: a security fix must reach every install, a
 *   read-only one too (installing stays staff's choice); at start, then every CHECK_INTERVAL_MS
 *   after the last answered check (never more often); a failed check is tried again sooner, after
 *   RETRY_BASE_MS doubling with each failure in a row, but never later than the interval;
 * - the feed is asked over https only (loopback excepted, for tests): see feedUrlProblem;
 * - nothing is looked for while a check or a download is under way, or once an update is ready;
 * - a downloaded update is offered ("Restart to update") only while the counter is idle: staff report
 *   whether they are busy (a customer's screen is open), and a report lapses after BUSY_LEASE_MS so a
 *   closed or crashed window never hides the offer for good;
 * - it is installed only when staff click it, or when the app quits (electron-updater's
 *   autoInstallOnAppQuit): never in the middle of serving a customer.
 */

import { checkServerUrl } from '../../shared/server-url';

export const CHECK_INTERVAL_MS = 4 * 60 * 60_000;
export const RETRY_BASE_MS = 15 * 60_000;
export const BUSY_LEASE_MS = 3 * 60_000;
/** Release notes are shown, not stored: enough for a few screens of text. */
const MAX_NOTES = 20;
const MAX_NOTE_CHARS = 4000;
const MAX_ERROR_CHARS = 300;

export type UpdateState = 'unsupported' | 'idle' | 'checking' | 'downloading' | 'ready' | 'error';

export interface ReleaseNote {
  /** The version the note is about, when the feed gives notes per version. */
  version: string | null;
  /** Plain text (tags removed, entities decoded), lines kept. */
  text: string;
}

/** Release notes as electron-updater gives them: one string (often HTML), or one per version. */
export type RawReleaseNotes = string | ReadonlyArray<{ version: string; note: string | null }> | null | undefined;

/** What the updater reports, whatever the updater is (electron-updater in the shell, a fake in tests). */
export type UpdaterEvent =
  | { type: 'checking' }
  | { type: 'available'; version: string; releaseNotes?: RawReleaseNotes }
  | { type: 'not-available' }
  | { type: 'progress'; percent: number }
  | { type: 'downloaded'; version: string; releaseNotes?: RawReleaseNotes }
  | { type: 'error'; message: string };

export interface UpdateModel {
  state: UpdateState;
  /** The version available (downloading) or downloaded (ready). */
  version: string | null;
  releaseNotes: ReleaseNote[];
  /** Download progress, 0–100. */
  progress: number | null;
  /** When a check last got an answer (update or not), ms since the epoch. */
  lastCheckedAt: number | null;
  /** When a check last started. */
  lastAttemptAt: number | null;
  /** Failed checks or downloads in a row. */
  failures: number;
  error: string | null;
  /** Staff's last report that they are busy, and when; it lapses after BUSY_LEASE_MS. */
  busy: boolean;
  busyReportedAt: number | null;
}

export interface Gates {
  online: boolean;
}

export interface Timing {
  intervalMs: number;
  retryBaseMs: number;
}

export const defaultTiming: Timing = { intervalMs: CHECK_INTERVAL_MS, retryBaseMs: RETRY_BASE_MS };

export function initialModel(supported: boolean): UpdateModel {
  return {
    state: supported ? 'idle' : 'unsupported',
    version: null,
    releaseNotes: [],
    progress: null,
    lastCheckedAt: null,
    lastAttemptAt: null,
    failures: 0,
    error: null,
    busy: false,
    busyReportedAt: null,
  };
}

/** When the next check is due (ms since the epoch; 0 = now), or null when none should start. */
export function nextCheckAt(m: UpdateModel, timing: Timing = defaultTiming): number | null {
  if (m.state === 'unsupported' || m.state === 'checking' || m.state === 'downloading' || m.state === 'ready') return null;
  if (m.state === 'error' && m.lastAttemptAt !== null) {
    const delay = Math.min(timing.intervalMs, timing.retryBaseMs * 2 ** Math.max(0, m.failures - 1));
    return m.lastAttemptAt + delay;
  }
  // Counted from the last check that got an answer, and from the last attempt: never more often.
  const since = Math.max(m.lastCheckedAt ?? -Infinity, m.lastAttemptAt ?? -Infinity);
  return since === -Infinity ? 0 : since + timing.intervalMs;
}

/** Whether to start a check now. */
export function shouldCheck(m: UpdateModel, now: number, gates: Gates, timing: Timing = defaultTiming): boolean {
  if (!gates.online) return false;
  const due = nextCheckAt(m, timing);
  return due !== null && now >= due;
}

/** A check the app starts (the updater then reports what it finds). */
export function startCheck(m: UpdateModel, now: number): UpdateModel {
  return { ...m, state: 'checking', lastAttemptAt: now, error: null, progress: null };
}

/** The model after an updater event. */
export function reduce(m: UpdateModel, event: UpdaterEvent, now: number): UpdateModel {
  if (m.state === 'unsupported') return m;
  switch (event.type) {
    case 'checking':
      return m.state === 'checking' ? m : startCheck(m, now);
    case 'available':
      return {
        ...m,
        state: 'downloading',
        version: event.version,
        releaseNotes: normaliseReleaseNotes(event.releaseNotes),
        progress: 0,
        lastCheckedAt: now,
        error: null,
      };
    case 'not-available':
      return { ...m, state: 'idle', version: null, releaseNotes: [], progress: null, lastCheckedAt: now, failures: 0, error: null };
    case 'progress':
      return m.state === 'downloading' ? { ...m, progress: clampPercent(event.percent) } : m;
    case 'downloaded':
      return {
        ...m,
        state: 'ready',
        version: event.version,
        // The downloaded event carries the notes too; keep the earlier ones if it has none.
        releaseNotes: event.releaseNotes ? normaliseReleaseNotes(event.releaseNotes) : m.releaseNotes,
        progress: 100,
        failures: 0,
        error: null,
      };
    case 'error':
      // An update already downloaded stays ready: a later hiccup does not take the offer away.
      if (m.state === 'ready') return m;
      return { ...m, state: 'error', progress: null, failures: m.failures + 1, error: shortError(event.message) };
  }
}

/** Staff report whether they are busy with a customer. */
export function reportBusy(m: UpdateModel, busy: boolean, now: number): UpdateModel {
  return { ...m, busy, busyReportedAt: now };
}

export function isBusy(m: UpdateModel, now: number): boolean {
  return m.busy && m.busyReportedAt !== null && now - m.busyReportedAt < BUSY_LEASE_MS;
}

/** Whether to show "Restart to update": an update is ready and nobody is being served. */
export function offersRestart(m: UpdateModel, now: number): boolean {
  return m.state === 'ready' && !isBusy(m, now);
}

/**
 * Release notes for display: plain text whatever the feed held (HTML from a release page, markdown,
 * or one note per version), bounded in size. React prints it as text, so nothing in it can run.
 */
export function normaliseReleaseNotes(raw: RawReleaseNotes): ReleaseNote[] {
  if (raw === null || raw === undefined) return [];
  const entries: ReleaseNote[] = typeof raw === 'string' ? [{ version: null, text: plainText(raw) }] : raw.map((n) => ({ version: n.version, text: plainText(n.note ?? '') }));
  return entries.filter((n) => n.text !== '').slice(0, MAX_NOTES);
}

function plainText(input: string): string {
  const text = input
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/(p|div|ul|ol|h[1-6])\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => decodeEntity(entity, name))
    // Control characters other than newline and tab have no place on screen.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text.length > MAX_NOTE_CHARS ? `${text.slice(0, MAX_NOTE_CHARS - 1).trimEnd()}…` : text;
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntity(entity: string, name: string): string {
  const lower = name.toLowerCase();
  if (lower.startsWith('#')) {
    const code = lower.startsWith('#x') ? Number.parseInt(lower.slice(2), 16) : Number.parseInt(lower.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  }
  return NAMED_ENTITIES[lower] ?? entity;
}

function clampPercent(percent: number): number {
  return Number.isFinite(percent) ? Math.min(100, Math.max(0, Math.round(percent))) : 0;
}

/** An updater's error for the status: its first line, bounded (a server may answer a whole HTML page). */
function shortError(message: string): string {
  const first = (message.split('\n')[0] ?? '').trim() || 'The update check failed';
  return first.length > MAX_ERROR_CHARS ? `${first.slice(0, MAX_ERROR_CHARS - 1)}…` : first;
}

/** The update feed's folder names: `win`, `mac`, `linux` (electron-builder's `${os}`). */
export type FeedPlatform = 'win' | 'mac' | 'linux';

export function feedPlatform(nodePlatform: string): FeedPlatform | null {
  if (nodePlatform === 'win32') return 'win';
  if (nodePlatform === 'darwin') return 'mac';
  if (nodePlatform === 'linux') return 'linux';
  return null;
}

/**
 * Why an update feed must not be asked, or null when it may. Only https: over plain http anyone on
 * the path could answer "a newer version" (on Linux and macOS the installer's checksum comes from
 * that same feed). Loopback http stays allowed for the test cloud; nothing off the PC can answer
 * there. The address is parsed (not prefix-matched), so `http://127.0.0.1.evil.example` is refused.
 */
export function feedUrlProblem(url: string): string | null {
  return checkServerUrl(url).ok ? null : 'The update feed must be an https:// address (http:// only on this computer: 127.0.0.1, ::1, localhost)';
}

/** `<cloud base URL>/updates/<win|mac|linux>/` (cloud-api.md, "Updates"). */
export function feedUrl(baseUrl: string, platform: FeedPlatform): string {
  return `${baseUrl.replace(/\/+$/, '')}/updates/${platform}/`;
}
