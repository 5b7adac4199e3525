/*
 * `node --import tsx test/helpers/restore-crash-child.ts <dataDir> <backup> <step>`: runs restoreFiles
 * and kills itself with SIGKILL at <step>, as a power cut or `kill -9` would (no finally blocks, no
 * exit handlers). Used by test/integration/backup.test.ts.
 *
 * <step> is one of restoreFiles' RestoreStep names, or `rename:<text>`: just before the first
 * renameSync whose source path contains <text> (the fs call itself is intercepted, so this works on
 * any version of restoreFiles, with or without step hooks).
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { type RestoreStep, restoreFiles } from '../../src/main/backup/restore';

const [dataDir, name, at] = process.argv.slice(2) as [string, string, string];
const die = () => process.kill(process.pid, 'SIGKILL');
if (at.startsWith('rename:')) {
  const text = at.slice('rename:'.length);
  const rename = fs.renameSync;
  fs.renameSync = (from, to) => {
    if (String(from).includes(text)) die();
    rename(from, to);
  };
  syncBuiltinESMExports();
}
restoreFiles(dataDir, name, {
  onStep: (step: RestoreStep) => {
    if (step === at) die();
  },
});
// Reaching here means the step was never passed: the test sees a normal exit and fails.
