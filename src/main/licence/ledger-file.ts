import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import type { SecretBox } from '../secrets';
import { LedgerState, type SealRead } from './ledger';

/** The sealed half of the licence ledger (ledger.ts), beside the database; never in a backup. */
export const LEDGER_FILE = 'licence.sealed';

/** A SecretBox that cannot work on this PC at all (no keychain), as opposed to one that refuses a text. */
function unavailable(err: unknown): boolean {
  return err instanceof AppError && err.code === 'sync.noKeychain';
}

export function readSealedLedger(dataDir: string, box: SecretBox): SealRead {
  let text: string;
  try {
    text = readFileSync(join(dataDir, LEDGER_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    return { kind: 'unreadable', why: (err as Error).message };
  }
  let plain: string;
  try {
    plain = box.open(text.trim());
  } catch (err) {
    if (unavailable(err)) return { kind: 'unavailable', why: (err as Error).message };
    return { kind: 'unreadable', why: 'it does not open with this computer’s secret key' };
  }
  let value: unknown;
  try {
    value = JSON.parse(plain);
  } catch {
    return { kind: 'unreadable', why: 'it is not JSON' };
  }
  const parsed = LedgerState.safeParse(value);
  return parsed.success ? { kind: 'ok', state: parsed.data } : { kind: 'unreadable', why: 'it is not a licence ledger' };
}

/**
 * Seals and writes the ledger: a temp file (only this user may read it), fsynced, renamed over the
 * old one, so a power cut leaves the old file or the new one. Answers false when the SecretBox cannot
 * work on this PC (the database alone then keeps the ledger).
 */
export function writeSealedLedger(dataDir: string, box: SecretBox, state: LedgerState): boolean {
  let sealed: string;
  try {
    sealed = box.seal(JSON.stringify(state));
  } catch (err) {
    if (unavailable(err)) return false;
    throw err;
  }
  const file = join(dataDir, LEDGER_FILE);
  const temp = `${file}.${randomUUID()}.tmp`;
  try {
    writeFileSync(temp, sealed, { mode: 0o600 });
    const fd = openSync(temp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
  try {
    const dir = openSync(dataDir, 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // Windows cannot open a directory to fsync it; the rename is durable there once it returns.
  }
  return true;
}
