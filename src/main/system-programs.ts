import { z } from 'zod';

/*
 * The OS programs the app runs (reg.exe for the licence's machine id, PowerShell for update
 * signatures, ioreg on macOS), always by absolute path. Never by bare name: Windows looks in the
 * current folder and then PATH first. Never from %SystemRoot% or %windir%: any user starts a program
 * with the environment they like. Either would let a program the PC's user planted answer in the
 * OS's place — a fake reg.exe gives any MachineGuid (one licence copied onto many PCs), a fake
 * powershell.exe calls any update validly signed.
 *
 * Where Windows lives: Node has no call for GetSystemDirectory, but every process has ntdll.dll
 * mapped by the kernel from the system directory itself (it is loaded before any code of the app
 * runs; no environment variable, PATH or user-writable folder redirects it), and Node's diagnostic
 * report lists the loaded modules with their paths. Without that list (a runtime without
 * process.report), C:\Windows\System32, where Windows installs itself unless told otherwise; on a PC
 * with Windows elsewhere the program is then not found and the caller says so, which fails closed.
 */

export const FALLBACK_WINDOWS_SYSTEM_DIR = 'C:\\Windows\\System32';
export const MAC_IOREG = '/usr/sbin/ioreg';

/** An absolute drive path ending in `\ntdll.dll`: the folder before it is the system directory. */
const NTDLL = /^([a-z]:\\(?:[^\\/:*?"<>|\r\n]+\\)*[^\\/:*?"<>|\r\n]+)\\ntdll\.dll$/i;

/** The system directory, from the paths of the modules loaded in this process (null: unknown). */
export function windowsSystemDirOf(modules: readonly string[] | null): string {
  for (const path of modules ?? []) {
    const dir = NTDLL.exec(path)?.[1];
    if (dir) return dir;
  }
  return FALLBACK_WINDOWS_SYSTEM_DIR;
}

const Report = z.object({ sharedObjects: z.array(z.string()) });

/** The paths of the modules loaded in this process, as Node's diagnostic report lists them. */
function loadedModules(): string[] | null {
  const report = (process as { report?: NodeJS.ProcessReport }).report;
  if (!report) return null;
  const settings = report as { excludeNetwork?: boolean };
  const excluded = settings.excludeNetwork;
  try {
    // No network section: it may resolve host names, and nothing of it is wanted here.
    if (excluded !== undefined) settings.excludeNetwork = true;
    return Report.safeParse(report.getReport()).data?.sharedObjects ?? null;
  } catch {
    return null;
  } finally {
    if (excluded !== undefined) settings.excludeNetwork = excluded;
  }
}

let systemDir: string | null = null;

/** This PC's Windows system directory (found once: the report costs a few milliseconds). */
export function currentWindowsSystemDir(): string {
  systemDir ??= windowsSystemDirOf(loadedModules());
  return systemDir;
}

/** A program under the Windows system directory, e.g. `windowsProgram('reg.exe')`. */
export function windowsProgram(relative: string, dir: string = currentWindowsSystemDir()): string {
  return `${dir.replace(/\\+$/, '')}\\${relative}`;
}
