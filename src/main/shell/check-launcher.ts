import { utilityProcess } from 'electron';
import { type CheckLauncher, answerFrom, lowerPriority } from '../backup/check-process';

/**
 * The start's integrity check in an Electron utility process (the runAsNode fuse is off, so the app
 * cannot start itself as Node): `entry` is the built shell/check-entry.ts. Killed on stop, and by
 * Electron when the app quits.
 */
export function utilityCheckLauncher(entry: string): CheckLauncher {
  return (job) => {
    const child = utilityProcess.fork(entry, [JSON.stringify(job)], { serviceName: 'OptiCounter database check', stdio: 'ignore' });
    child.once('spawn', () => lowerPriority(child.pid));
    return { answer: answerFrom(child, 'exit'), stop: () => void child.kill() };
  };
}
