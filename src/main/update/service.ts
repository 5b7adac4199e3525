import { AppError } from '../../shared/errors';
import type { UpdateStatus } from '../../shared/update/schema';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import {
  type FeedPlatform,
  type Timing,
  type UpdateModel,
  type UpdaterEvent,
  defaultTiming,
  feedPlatform,
  feedUrl,
  feedUrlProblem,
  initialModel,
  offersRestart,
  reduce,
  reportBusy,
  shouldCheck,
  startCheck,
} from './policy';

/** Seed 001's production cloud; the update feed lives under it (cloud-api.md, "Updates"). */
export const DEFAULT_CLOUD_BASE_URL = 'https://joptic.jethings.com';
/** How often the service asks itself whether a check is due (the policy decides; this is cheap). */
const TICK_MS = 60_000;

/**
 * What the core needs of an updater. The desktop shell implements it with electron-updater
 * (shell/updater.ts); without one (development builds, the browser host, tests) updates are
 * `unsupported`.
 */
export interface UpdaterAdapter {
  /**
   * Asks the feed whether there is a newer version (generic provider at `feedUrl`); a newer one is
   * downloaded in the background. What happens is reported through `onEvent`. Settles once the
   * check itself is answered; rejects when it fails.
   */
  check(feedUrl: string): Promise<void>;
  /** Quits the app and installs the downloaded update. Only ever on staff's click. */
  quitAndInstall(): void;
  onEvent(listener: (event: UpdaterEvent) => void): void;
  /** Whether the PC has a network connection at all (Electron's `net.isOnline()`). */
  isOnline(): boolean;
}

export interface UpdateServiceOptions {
  updater: UpdaterAdapter | null;
  clock: Clock;
  log: Logger;
  /** Whether the cloud can be reached; defaults to the updater's own idea of it. */
  isOnline?(): boolean;
  /** The cloud's base URL (the licence/sync settings, once read); the feed is `<base>/updates/<platform>/`. */
  cloudBaseUrl?(): string | Promise<string>;
  /** `process.platform` unless a test says otherwise. */
  platform?: string;
  timing?: Timing;
  tickMs?: number;
}

/** Runs the update policy (policy.ts) against an updater, on a timer. */
export class UpdateService {
  private model: UpdateModel;
  private readonly platform: FeedPlatform | null;
  private readonly timing: Timing;
  private timer: ReturnType<typeof setInterval> | null = null;
  private checking: Promise<void> | null = null;

  constructor(private readonly opts: UpdateServiceOptions) {
    this.platform = feedPlatform(opts.platform ?? process.platform);
    this.timing = opts.timing ?? defaultTiming;
    this.model = initialModel(opts.updater !== null && this.platform !== null);
    opts.updater?.onEvent((event) => this.apply(event));
  }

  /** Checks at once when due, then every tick; the policy decides whether a tick checks. */
  start(): void {
    if (this.model.state === 'unsupported' || this.timer) return;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.opts.tickMs ?? TICK_MS);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.checking?.catch(() => undefined);
  }

  /** Starts a check if one is due and allowed; resolves when it is answered (or at once). */
  tick(): Promise<void> {
    const updater = this.opts.updater;
    if (!updater || !this.platform || this.checking) return this.checking ?? Promise.resolve();
    const now = this.now();
    if (!shouldCheck(this.model, now, this.gates(), this.timing)) return Promise.resolve();

    this.model = startCheck(this.model, now);
    const platform = this.platform;
    this.checking = (async () => {
      try {
        const url = feedUrl((await this.opts.cloudBaseUrl?.()) ?? DEFAULT_CLOUD_BASE_URL, platform);
        const refused = feedUrlProblem(url);
        if (refused) {
          // Counted as a failed check: tried again later, when the cloud address may have been fixed.
          this.apply({ type: 'error', message: refused });
          return;
        }
        await updater.check(url);
        // No event told us otherwise: the feed had nothing newer.
        if (this.model.state === 'checking') this.apply({ type: 'not-available' });
      } catch (err) {
        // electron-updater reports a failed check both as an event and as this rejection.
        if (this.model.state === 'checking') this.apply({ type: 'error', message: err instanceof Error ? err.message : String(err) });
      } finally {
        this.checking = null;
      }
    })();
    return this.checking;
  }

  /** The status for staff; `busy`, when given, is staff's report of whether they are serving someone. */
  status(busy?: boolean): UpdateStatus {
    const now = this.now();
    if (busy !== undefined) this.model = reportBusy(this.model, busy, now);
    const m = this.model;
    return {
      state: m.state,
      ...(m.version !== null ? { version: m.version } : {}),
      ...(m.releaseNotes.length > 0 ? { releaseNotes: m.releaseNotes } : {}),
      ...(m.progress !== null ? { progress: m.progress } : {}),
      ...(m.lastCheckedAt !== null ? { lastCheckedAt: new Date(m.lastCheckedAt).toISOString() } : {}),
      ...(m.error !== null ? { error: m.error } : {}),
      offerRestart: offersRestart(m, now),
    };
  }

  /**
   * Staff clicked "Restart to update". The answer goes back first; the updater then quits the app
   * (the shell closes the store cleanly on quit) and the installer runs.
   */
  restart(): { message: string } {
    const updater = this.opts.updater;
    if (!updater || this.model.state !== 'ready') throw new AppError('update.notReady', 'No update is ready to install');
    this.opts.log.info(`update: restarting to install ${this.model.version ?? 'the update'}`);
    setTimeout(() => updater.quitAndInstall(), 100);
    return { message: 'OptiCounter restarts to install the update.' };
  }

  private apply(event: UpdaterEvent): void {
    const before = this.model.state;
    this.model = reduce(this.model, event, this.now());
    if (event.type === 'error' && before !== 'ready') this.opts.log.warn(`update: ${this.model.error ?? 'check failed'}`);
    else if (this.model.state !== before) this.opts.log.info(`update: ${before} -> ${this.model.state}${this.model.version ? ` (${this.model.version})` : ''}`);
  }

  private gates() {
    return { online: safely(() => (this.opts.isOnline ?? (() => this.opts.updater?.isOnline() ?? false))()) };
  }

  private now(): number {
    return this.opts.clock.now().getTime();
  }
}

function safely(fn: () => boolean): boolean {
  try {
    return fn();
  } catch {
    return false;
  }
}
