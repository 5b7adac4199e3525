import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { replaceFileDurably } from '../durable-file';
import { backupsDir } from './folder';

/*
 * Which backups the live store descends from.
 *
 * "The latest good backup" (offered when the database fails its integrity check) must be a state
 * the data actually went through. After a restore of backup X, the safety copy taken just before
 * (and any backup made after X in the branch rolled away from) is the newest on disk, yet it is the
 * state the owner chose to leave: offering it would undo the restore. So every backup is placed on
 * the store's history:
 *
 *   backups/lineage.json   { format: 1, ancestors: [names…] }  the backups the live store descends
 *                          from, oldest first. A backup (any kind) is appended once it is on disk; a
 *                          restore of X replaces the list with X's own ancestors + X.
 *   backup.json            each backup's manifest records `ancestors` as they were when it was made,
 *                          which is what a restore of it needs.
 *
 * A file beside the database, not a row in it: the question is asked precisely when the database
 * cannot be read. It holds backup names only. Names are unique (a stamp and a kind), so membership
 * needs no clock comparison, and a clock set back cannot reorder the history.
 */

export const LINEAGE_FILE = 'lineage.json';
/** Only the newest 14 backups are kept; a long tail of names that no longer exist is no use. */
const MAX_ANCESTORS = 200;

const Lineage = z.object({ format: z.literal(1), ancestors: z.array(z.string()) });

/** The backups the live store descends from, oldest first; null when not recorded (an older install, a lost file). */
export function readLineage(dataDir: string): string[] | null {
  try {
    const parsed = Lineage.safeParse(JSON.parse(readFileSync(join(backupsDir(dataDir), LINEAGE_FILE), 'utf8')));
    return parsed.success ? parsed.data.ancestors : null;
  } catch {
    return null;
  }
}

/** Replaces the record durably. */
export function writeLineage(dataDir: string, ancestors: string[]): void {
  const dir = backupsDir(dataDir);
  mkdirSync(dir, { recursive: true });
  replaceFileDurably(join(dir, LINEAGE_FILE), `${JSON.stringify({ format: 1, ancestors: ancestors.slice(-MAX_ANCESTORS) })}\n`);
}

/** The live store now descends from `name` too (a backup just made of it, or openDatabase's pre-migration copy). */
export function appendToLineage(dataDir: string, name: string): void {
  const current = readLineage(dataDir) ?? [];
  if (current.at(-1) !== name) writeLineage(dataDir, [...current, name]);
}

/**
 * The history of the store once backup `name` is restored: the ancestors its manifest recorded, then
 * itself. A pre-migration copy has no manifest: its ancestors are those the current record lists
 * before it (it was taken of this store), none when it is not listed.
 */
export function lineageOfRestored(dataDir: string, name: string, recorded: string[] | undefined): string[] {
  if (recorded) return [...recorded, name];
  const current = readLineage(dataDir) ?? [];
  const at = current.indexOf(name);
  return at >= 0 ? current.slice(0, at + 1) : [name];
}
