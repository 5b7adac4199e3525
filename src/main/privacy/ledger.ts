import { closeSync, existsSync, fchmodSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { fsyncDirSync } from '../durable-file';

export const PURGE_LEDGER_FILE = 'purged.jsonl';

const Entry = z.object({ customerId: z.string().min(1).max(100), purgedAt: z.string().min(1).max(40) });
export type PurgeEntry = z.infer<typeof Entry>;

/**
 * The customers erased for good, kept OUTSIDE the database (`<dataDir>/purged.jsonl`) so that no
 * restore brings one back: backups are copies of the database taken before the purge, and their
 * checksums make them unchangeable, so the erasure is re-applied to whatever database is opened
 * (core.ts, after every restore and at every start). One JSON line per purge, `{customerId,
 * purgedAt}`: ids and times only, nothing personal. Appended and fsynced before the purge commits
 * (a crash in between leaves a deleted customer the owner asked to erase: erased at the next start),
 * readable by this user only.
 */
export class PurgeLedger {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, PURGE_LEDGER_FILE);
  }

  record(entry: PurgeEntry): void {
    const created = !existsSync(this.file);
    const fd = openSync(this.file, 'a+', 0o600);
    try {
      // An existing file keeps its mode on open: make sure it is this user's only.
      if (process.platform !== 'win32') fchmodSync(fd, 0o600);
      // A line torn by a power cut must not swallow this one.
      const size = fstatSync(fd).size;
      const last = Buffer.alloc(1);
      const torn = size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
      writeSync(fd, `${torn ? '\n' : ''}${JSON.stringify(Entry.parse(entry))}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (created) fsyncDirSync(dirname(this.file));
  }

  /** Every purge recorded; a line that does not parse (one torn by a power cut) is skipped. */
  entries(): PurgeEntry[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    const out: PurgeEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = Entry.safeParse(JSON.parse(line));
        if (parsed.success) out.push(parsed.data);
      } catch {
        // torn line
      }
    }
    return out;
  }
}
