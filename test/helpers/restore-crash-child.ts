/*
 * `node --import tsx test/helpers/restore-crash-child.ts <dataDir> <backup> <step>`: runs restoreFiles
 * and kills itself with SIGKILL at <step>, as a power cut or `kill -9` would (no finally blocks, no
 * exit handlers). Used by test/integration/backup.test.ts.
 */
import { type RestoreStep, restoreFiles } from '../../src/main/backup/restore';

const [dataDir, name, at] = process.argv.slice(2) as [string, string, RestoreStep];
restoreFiles(dataDir, name, {
  onStep: (step) => {
    if (step === at) process.kill(process.pid, 'SIGKILL');
  },
});
// Reaching here means the step was never passed: the test sees a normal exit and fails.
