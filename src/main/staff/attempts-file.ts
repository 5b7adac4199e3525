import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../log';
import { readSealedJson, writeSealedFile } from '../sealed-file';
import type { SecretBox } from '../secrets';
import type { KeptFailures } from './attempts';

/**
 * The failed sign-in, PIN and recovery-code checks of the last minute, beside the database (never in
 * a backup: a restore must not bring back an empty window). Sealed, because a key holds what was
 * typed as a username, and a password typed into the wrong box is one.
 */
export const ATTEMPTS_FILE = 'attempts.sealed';

const Failures = z.record(z.string(), z.array(z.number().finite()));

export function attemptsFile(dataDir: string, box: SecretBox, log: Logger): KeptFailures {
  const file = join(dataDir, ATTEMPTS_FILE);
  return {
    load() {
      const read = readSealedJson(file, box, Failures, 'a list of attempts');
      if (read.kind === 'ok') return new Map(Object.entries(read.value));
      // Replaced at the next failure; until then the window starts empty, as before this file existed.
      if (read.kind !== 'absent') log.warn(`sign-in attempts: ${ATTEMPTS_FILE} not read (${read.why})`);
      return new Map();
    },
    save(failures) {
      try {
        if (!writeSealedFile(file, box, JSON.stringify(Object.fromEntries(failures)))) log.warn('sign-in attempts: not kept across restarts (no keychain on this computer)');
      } catch (err) {
        // A full disk: the limit still holds until the app is closed.
        log.warn('sign-in attempts: not kept across restarts', err);
      }
    },
  };
}
