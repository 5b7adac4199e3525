import { existsSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ChannelOutput } from '../shared/contract';
import { AppError, type Envelope } from '../shared/errors';
import type { Assembly } from './assembly';
import { type AuditHead, anchorRestored, vouchedHead } from './audit/anchor';
import { findBackup } from './backup/folder';
import type { RestoreStep } from './backup/restore';
import { checkBackupSchema } from './backup/integrity';
import { latestGoodBackup, restoreFiles, verifyBackup } from './backup/service';
import { DB_FILE_NAME } from './db/database';
import type { Actor } from './audit/log';
import type { CallOrigin } from './dispatch';
import type { Logger } from './log';
import { privateDir } from './private-files';
import { keyFileSecretBox, type SecretBox } from './secrets';

/** What a call refused during a restore is told to wait before trying again (a restore takes seconds). */
const RESTORE_RETRY_MS = 2000;

export interface RunningStoreOptions {
  dataDir: string;
  secrets: SecretBox;
  log: Logger;
  nativeBinding?: string;
  /** Opens the store on the data dir's files and assembles the app on it. */
  open(): Promise<Assembly>;
}

/**
 * The store the app has open, which a restore swaps whole. Every call passes through here: refused
 * while closing or restoring, counted while it runs, so a restore or a close waits for it.
 */
export class RunningStore {
  private closed = false;
  private restoring = false;
  /** A restore was asked for and is being checked (calls still go on meanwhile). */
  private restoreAsked = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  private constructor(
    private readonly o: RunningStoreOptions,
    public app: Assembly,
  ) {}

  static async open(o: RunningStoreOptions): Promise<RunningStore> {
    return new RunningStore(o, await o.open());
  }

  /** Whether background work (the daily backup) may start now. */
  get idle(): boolean {
    return !this.closed && !this.restoring;
  }

  dispatch(channel: string, rawInput: unknown, origin?: CallOrigin): Promise<Envelope<unknown>> {
    if (this.closed) return Promise.resolve({ ok: false, error: new AppError('app.closing', 'OptiCounter is closing').toShape() });
    if (this.restoring) return Promise.resolve({ ok: false, error: restoringError().toShape() });
    const running = this.app.dispatch(channel, rawInput, origin);
    this.inFlight.add(running);
    void running.finally(() => this.inFlight.delete(running));
    return running;
  }

  /**
   * Restores a backup under a running app. The order is what keeps every acknowledged write: new
   * calls are held off first (store.restoring, with a retry hint), the background writers (sync,
   * licence refresh, the daily backup) stop, the calls under way finish; only then is the safety
   * backup taken, so it holds every write that was ever answered ok. Then the files are swapped
   * (restoreFiles journals the swap: a crash leaves the old store or the new one, never half) and
   * the store reopened.
   */
  async restore(name: string, actor: Actor): Promise<ChannelOutput<'backup.restore'>> {
    // Claimed before the first wait: two restores that both passed this test waited for each other for good (review 20).
    if (this.restoring || this.restoreAsked) throw restoringError();
    this.restoreAsked = true;
    try {
      // Not before the store's start check is over: a store it then finds damaged is neither copied
      // as the safety backup nor swapped (its check's verdict would be taken for the restored one's).
      await this.app.ready;
      const { dataDir, nativeBinding } = this.o;
      // Checked before anyone is held off: an unknown or damaged backup changes nothing.
      verifyBackup(dataDir, name, { nativeBinding });
      // And one this app would refuse to open once in place (a newer schema, other tables) is refused now, not after the swap.
      await checkBackupSchema(dataDir, name, { nativeBinding });
      return await this.swapIn(name, actor);
    } finally {
      this.restoreAsked = false;
    }
  }

  private async swapIn(name: string, actor: Actor): Promise<ChannelOutput<'backup.restore'>> {
    const { dataDir, secrets, nativeBinding } = this.o;
    this.restoring = true;
    try {
      // The background writers stop first: that also cuts a sync round a call under way waits on
      // ("Sync now" on a slow cloud), so the calls under way then finish promptly.
      await this.app.quiesce();
      await this.drain(1); // everything but this call
      let safety;
      try {
        safety = await this.app.backups.create('pre-restore', { spare: [name] });
      } catch (err) {
        // Nothing was swapped: the same store opens again, its background work restarted.
        await this.reopen();
        throw err;
      }
      let swapped = false;
      try {
        const vouched = vouchedHead(this.app.store.sqlite, name);
        await this.app.close();
        restoreFiles(dataDir, name, { nativeBinding, onStep: reanchorAt('db-swapped', dataDir, secrets, name, nativeBinding, vouched) });
        swapped = true;
      } finally {
        if (!swapped) await this.reopen();
      }
      await this.reopenRestored(name, safety.name);
      await this.recordRestore(name, safety.name, actor);
      return { message: 'Backup restored; OptiCounter reopened on it. Please sign in again.', restoredFrom: name, safetyBackup: safety.name };
    } finally {
      this.restoring = false;
    }
  }

  /** Calls under way finish first; later ones are refused, not half-run. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.app.quiesce({ closing: true }); // as in restore, a round a call waits on is cut, not waited for; and the background's reads
    await this.drain(0);
    await this.app.close();
  }

  /** The restored store's own trail says it was restored, from what and by whom (after the reopen: its anchor is in place). */
  private async recordRestore(name: string, safetyBackup: string, actor: Actor) {
    try {
      await this.app.writes.run(actor, async ({ record }) => record({ entity: 'backup', entityId: name, action: 'restore', after: { restoredFrom: name, safetyBackup } }));
    } catch (err) {
      // A backup whose trail was dropped is still restored (it may hold the only copy of the data): said, not refused.
      if (!(err instanceof AppError && err.code === 'audit.trailMissing')) throw err;
      this.o.log.warn(`restored ${name}, whose audit trail is missing: the restore could not be recorded in it`);
    }
  }

  /**
   * Opens the store just restored. Should it fail anyway (the checks before the swap missed
   * something), the safety backup is put back the same way and opened: the app stays alive on the
   * store as it was, and the call says so.
   */
  private async reopenRestored(name: string, safetyBackup: string) {
    try {
      await this.reopen();
      return;
    } catch (err) {
      this.o.log.error(`the restored backup ${name} could not be opened; putting back the safety backup ${safetyBackup}`, err);
      const { dataDir, secrets, nativeBinding } = this.o;
      restoreFiles(dataDir, safetyBackup, { nativeBinding, onStep: reanchorAt('db-swapped', dataDir, secrets, safetyBackup, nativeBinding) });
      await this.reopen();
      const reason = err instanceof Error ? err.message : String(err);
      throw new AppError('backup.failed', `The backup ${name} could not be opened once in place (${reason}); the store was put back as it was before the restore, nothing was lost.`, undefined, {
        safetyBackup,
      });
    }
  }

  private async reopen() {
    await this.app.close();
    this.app = await this.o.open();
  }

  private async drain(leave: number) {
    while (this.inFlight.size > leave) await Promise.race([...this.inFlight].map((p) => p.catch(() => undefined)));
  }
}

function restoringError() {
  return new AppError('store.restoring', 'A backup is being restored: nothing was saved. Try again in a few seconds.', undefined, { retryAfterMs: RESTORE_RETRY_MS });
}

/** After a failed integrity check: puts the latest good backup in place; then open the core again. */
export function restoreLatestGood(dataDir: string, nativeBinding?: string, secrets: SecretBox = keyFileSecretBox(dataDir)): string | null {
  const good = latestGoodBackup(dataDir, { nativeBinding });
  if (!good) return null;
  // The damaged file is kept aside, not lost: someone may still want to recover from it.
  const damaged = join(dataDir, DB_FILE_NAME);
  if (existsSync(damaged)) {
    mkdirSync(join(dataDir, 'backups'), privateDir);
    copyFileSync(damaged, join(dataDir, 'backups', `damaged-${new Date().toISOString().replace(/[:.]/g, '-')}.sqlite3`));
  }
  restoreFiles(dataDir, good.name, { nativeBinding, onStep: reanchorAt('db-swapped', dataDir, secrets, good.name, nativeBinding) });
  return good.name;
}

/**
 * The audit anchor (audit/anchor.ts) follows a restored store: re-anchored from the head the
 * backup recorded, once its database is in place and before the restore's journal is removed (a
 * crash in between is finished, and re-anchored, at the next start).
 */
export function reanchorRestored(dataDir: string, secrets: SecretBox, name: string, nativeBinding?: string, vouched?: AuditHead): void {
  let head = vouched;
  try {
    head ??= findBackup(dataDir, name).manifest?.auditHead;
  } catch {
    head = undefined; // deleted since: the restored file's own head
  }
  anchorRestored(dataDir, secrets, head, join(dataDir, DB_FILE_NAME), nativeBinding);
}

function reanchorAt(at: RestoreStep, dataDir: string, secrets: SecretBox, name: string, nativeBinding?: string, vouched?: AuditHead) {
  return (step: RestoreStep) => {
    if (step === at) reanchorRestored(dataDir, secrets, name, nativeBinding, vouched);
  };
}
