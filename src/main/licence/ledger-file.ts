import { join } from 'node:path';
import { readSealedJson, writeSealedFile } from '../sealed-file';
import type { SecretBox } from '../secrets';
import { LedgerState, type SealRead } from './ledger';

/** The sealed half of the licence ledger (ledger.ts), beside the database; never in a backup. */
export const LEDGER_FILE = 'licence.sealed';

export function readSealedLedger(dataDir: string, box: SecretBox): SealRead {
  const read = readSealedJson(join(dataDir, LEDGER_FILE), box, LedgerState, 'a licence ledger');
  return read.kind === 'ok' ? { kind: 'ok', state: read.value } : read;
}

/**
 * Seals and writes the ledger durably (a power cut leaves the old file or the new one). Answers false
 * when the SecretBox cannot work on this PC (the database alone then keeps the ledger).
 */
export function writeSealedLedger(dataDir: string, box: SecretBox, state: LedgerState): boolean {
  return writeSealedFile(join(dataDir, LEDGER_FILE), box, JSON.stringify(state));
}
