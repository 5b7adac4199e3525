import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { arch, hostname, networkInterfaces, platform } from 'node:os';
import { PRODUCT_NAME } from '../paths';

/** What identifies the machine; injectable so tests can be "another PC". */
export interface MachineFacts {
  platform: string;
  arch: string;
  /** The OS's own install id (Linux /etc/machine-id), when there is one. */
  osMachineId: string | null;
  /** The first non-internal network interface's MAC, when there is one. */
  mac: string | null;
  hostname: string;
}

export function readMachineFacts(): MachineFacts {
  return { platform: platform(), arch: arch(), osMachineId: readOsMachineId(), mac: firstMac(), hostname: hostname() };
}

/**
 * This PC's id for licences: the SHA-256 (hex) of the machine's facts salted with the product name,
 * never the raw id. The most stable fact wins: the OS's install id, else the first MAC, else the host
 * name — a renamed PC must not lose its licence (and burn a seat) when something steadier exists.
 */
export function machineIdOf(facts: MachineFacts): string {
  const anchor = facts.osMachineId ? `os:${facts.osMachineId}` : facts.mac ? `mac:${facts.mac}` : `host:${facts.hostname}`;
  return createHash('sha256').update(`${PRODUCT_NAME}|licence-machine|${facts.platform}|${facts.arch}|${anchor}`).digest('hex');
}

export function currentMachineId(): string {
  return machineIdOf(readMachineFacts());
}

function readOsMachineId(): string | null {
  for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      const id = readFileSync(file, 'utf8').trim();
      if (id) return id;
    } catch {
      // not Linux, or not there
    }
  }
  return null;
}

function firstMac(): string | null {
  const all = Object.entries(networkInterfaces()).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [, addresses] of all) {
    for (const a of addresses ?? []) {
      if (!a.internal && a.mac && a.mac !== '00:00:00:00:00:00') return a.mac;
    }
  }
  return null;
}
