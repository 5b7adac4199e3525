import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { AppError } from '../../shared/errors';
import { PRODUCT_NAME } from '../paths';
import { MAC_IOREG, currentWindowsSystemDir, windowsProgram } from '../system-programs';

/*
 * This PC's id for licences comes from the OS install id only: Windows' MachineGuid, macOS'
 * IOPlatformUUID, Linux's machine-id. Each is set when the OS is installed and does not move with
 * the network, the host name or a new network card; a MAC address did (a counter PC whose network
 * was down read as another machine and went read-only). No fallback: an id that cannot be read is an
 * error that says so, never a quieter id that changes later.
 *
 * The readers are pure parsers of what the OS prints, plus a thin I/O layer (MachineIo) the tests
 * replace. ~40 lines did not justify node-machine-id, which also hashes the id its own way, falls back
 * silently on errors and runs its commands through a shell.
 */

/** The few OS facilities the readers use; tests pass their own. */
export interface MachineIo {
  platform: NodeJS.Platform;
  arch: string;
  /** Runs a program (no shell) and answers its standard output; throws when it fails. */
  run(file: string, args: string[]): string;
  readFile(path: string): string;
  /** Windows' system directory, found in a way the PC's user cannot redirect (system-programs.ts). */
  windowsSystemDir(): string;
}

export const nodeMachineIo: MachineIo = {
  platform: platform(),
  arch: arch(),
  run: (file, args) => execFileSync(file, args, { encoding: 'utf8', timeout: 10_000, windowsHide: true, stdio: ['ignore', 'pipe', 'pipe'] }),
  readFile: (path) => readFileSync(path, 'utf8'),
  windowsSystemDir: currentWindowsSystemDir,
};

const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

/** A GUID, lower case; an all-zero one is a placeholder (firmware, VM images), no id: the same rule as Linux's. */
function guidOf(text: string): string | undefined {
  const guid = GUID.exec(text)?.[1]?.toLowerCase();
  return guid && /[1-9a-f]/.test(guid) ? guid : undefined;
}

/** `reg query HKLM\SOFTWARE\Microsoft\Cryptography /v MachineGuid` -> the GUID, lower case. */
export function parseWindowsMachineGuid(output: string): string {
  const line = output.split(/\r?\n/).find((l) => /^\s*MachineGuid\s/i.test(l));
  const value = line?.trim().split(/\s+/);
  const guid = value && value[1]?.toUpperCase() === 'REG_SZ' ? guidOf(value[2] ?? '') : undefined;
  if (!guid) throw unreadable('Windows did not give its MachineGuid (registry HKLM\\SOFTWARE\\Microsoft\\Cryptography)');
  return guid;
}

/** `ioreg -rd1 -c IOPlatformExpertDevice` -> the IOPlatformUUID, lower case. */
export function parseMacPlatformUuid(output: string): string {
  const found = /"IOPlatformUUID"\s*=\s*"([^"]*)"/.exec(output)?.[1];
  const uuid = found ? guidOf(found) : undefined;
  if (!uuid) throw unreadable('macOS did not give its IOPlatformUUID (ioreg -c IOPlatformExpertDevice)');
  return uuid;
}

/** The contents of /etc/machine-id: 32 hex digits (systemd writes "uninitialized" before first boot ends). */
export function parseLinuxMachineId(text: string): string {
  const id = text.trim().toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(id) || /^0+$/.test(id)) throw unreadable('the machine-id file does not hold a machine id');
  return id;
}

const LINUX_FILES = ['/etc/machine-id', '/var/lib/dbus/machine-id'];

/** The OS install id, read the way each OS keeps it; throws licence.machineUnreadable. */
export function readOsInstallId(io: MachineIo = nodeMachineIo): string {
  if (io.platform === 'win32') {
    // reg.exe by absolute path, never via %SystemRoot% (system-programs.ts says why). The 64-bit
    // registry view: a 32-bit process would otherwise read a redirected key.
    const reg = windowsProgram('reg.exe', io.windowsSystemDir());
    return parseWindowsMachineGuid(runOrExplain(io, reg, ['query', 'HKLM\\SOFTWARE\\Microsoft\\Cryptography', '/v', 'MachineGuid', '/reg:64']));
  }
  if (io.platform === 'darwin') {
    return parseMacPlatformUuid(runOrExplain(io, MAC_IOREG, ['-rd1', '-c', 'IOPlatformExpertDevice']));
  }
  const problems: string[] = [];
  for (const file of LINUX_FILES) {
    try {
      return parseLinuxMachineId(io.readFile(file));
    } catch (err) {
      problems.push(`${file}: ${err instanceof AppError ? 'no machine id in it' : 'cannot be read'}`);
    }
  }
  throw unreadable(`no machine id was found (${problems.join('; ')})`);
}

/**
 * This PC's id for licences: the SHA-256 (hex) of the OS install id salted with the product name,
 * never the raw id. The formula is the one Linux PCs were already activated with.
 */
export function machineIdOf(io: Pick<MachineIo, 'platform' | 'arch'>, installId: string): string {
  return createHash('sha256').update(`${PRODUCT_NAME}|licence-machine|${io.platform}|${io.arch}|os:${installId}`).digest('hex');
}

export function currentMachineId(io: MachineIo = nodeMachineIo): string {
  return machineIdOf(io, readOsInstallId(io));
}

/** The machine id, or why it could not be read: the app still opens (reading, the trial) without it. */
export type MachineIdentity = { id: string; problem: null } | { id: null; problem: string };

export function readMachineIdentity(io: MachineIo = nodeMachineIo): MachineIdentity {
  try {
    return { id: currentMachineId(io), problem: null };
  } catch (err) {
    return { id: null, problem: err instanceof Error ? err.message : String(err) };
  }
}

function runOrExplain(io: MachineIo, file: string, args: string[]): string {
  try {
    return io.run(file, args);
  } catch (err) {
    throw unreadable(`${file} failed (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
}

function unreadable(why: string): AppError {
  return new AppError('licence.machineUnreadable', `This computer's install id cannot be read, so no licence can be tied to it: ${why}`);
}
