import { lstatSync, readFileSync } from 'node:fs';
import type { z } from 'zod';
import { AppError } from '../shared/errors';
import { replaceFileDurably } from './durable-file';
import type { SecretBox } from './secrets';

/*
 * A small file beside the database, sealed with the SecretBox (the key file, or the OS keychain in
 * the desktop app), so it cannot be rewritten to agree with an edited database: the licence ledger's
 * second copy (licence/ledger-file.ts) and the audit trail's anchor (audit/anchor.ts).
 */

export type SealedRead =
  | { kind: 'ok'; plain: string }
  | { kind: 'absent' }
  /** There, but it does not open (edited, another install's, damaged). */
  | { kind: 'unreadable'; why: string }
  /** No SecretBox can work on this PC at all (no keychain): nothing can be said of the file. */
  | { kind: 'unavailable'; why: string };

/** Far above what is sealed here (a licence, an audit head, a minute of failed sign-ins). */
const MAX_SEALED_BYTES = 4 * 1024 * 1024;

/** A SecretBox that cannot work on this PC at all (no keychain), as opposed to one that refuses a text. */
function noKeychain(err: unknown): boolean {
  return err instanceof AppError && err.code === 'sync.noKeychain';
}

function readSealedFile(file: string, box: SecretBox): SealedRead {
  let text: string;
  try {
    // Only a plain file of a size the app writes: a FIFO at the name held the start forever (review 28).
    const stat = lstatSync(file);
    if (!stat.isFile()) return { kind: 'unreadable', why: 'it is not a plain file' };
    if (stat.size > MAX_SEALED_BYTES) return { kind: 'unreadable', why: 'it is larger than the app writes' };
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    return { kind: 'unreadable', why: (err as Error).message };
  }
  try {
    return { kind: 'ok', plain: box.open(text.trim()) };
  } catch (err) {
    if (noKeychain(err)) return { kind: 'unavailable', why: (err as Error).message };
    return { kind: 'unreadable', why: 'it does not open with this computer’s secret key' };
  }
}

/** The file's JSON, as `schema` reads it: text that is not JSON, or not of that shape, is unreadable. */
export function readSealedJson<T>(file: string, box: SecretBox, schema: z.ZodType<T>, what: string): SealedJsonRead<T> {
  const read = readSealedFile(file, box);
  if (read.kind !== 'ok') return read;
  let value: unknown;
  try {
    value = JSON.parse(read.plain);
  } catch {
    return { kind: 'unreadable', why: 'it is not JSON' };
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? { kind: 'ok', value: parsed.data } : { kind: 'unreadable', why: `it is not ${what}` };
}

export type SealedJsonRead<T> = { kind: 'ok'; value: T } | Exclude<SealedRead, { kind: 'ok' }>;

/** Seals `plain` and replaces the file durably. False when no SecretBox can work on this PC. */
export function writeSealedFile(file: string, box: SecretBox, plain: string): boolean {
  let sealed: string;
  try {
    sealed = box.seal(plain);
  } catch (err) {
    if (noKeychain(err)) return false;
    throw err;
  }
  replaceFileDurably(file, sealed);
  return true;
}
