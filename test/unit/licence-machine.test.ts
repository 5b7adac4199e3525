import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  type MachineIo,
  currentMachineId,
  machineIdOf,
  nodeMachineIo,
  parseLinuxMachineId,
  parseMacPlatformUuid,
  parseWindowsMachineGuid,
  readMachineIdentity,
  readOsInstallId,
} from '../../src/main/licence/machine';
import { AppError } from '../../src/shared/errors';

// What the OS reports about the network and the host name, switchable per test: the machine id
// must not depend on either (a counter PC whose network is down is still the same PC).
const net = vi.hoisted(() => ({ interfaces: {} as Record<string, unknown[]>, hostname: 'counter-1' }));
vi.mock('node:os', async (importOriginal) => {
  const os = await importOriginal<typeof import('node:os')>();
  return { ...os, default: os, networkInterfaces: () => net.interfaces, hostname: () => net.hostname };
});

const UP = {
  eth0: [{ address: '192.168.1.20', netmask: '255.255.255.0', family: 'IPv4', mac: '02:42:ac:11:00:02', internal: false, cidr: '192.168.1.20/24' }],
};

const WINDOWS_OUTPUT = '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Cryptography\r\n    MachineGuid    REG_SZ    4C4C4544-0042-3510-8052-B4C04F4A4E32\r\n\r\n';
const MAC_OUTPUT = `+-o MacBookPro18,3  <class IOPlatformExpertDevice, id 0x100000220, registered, matched, active, busy 0 (0 ms), retain 42>
    {
      "IOPlatformSystemSleepPolicy" = <534c505402000a00>
      "IOPlatformSerialNumber" = "C02XXXXXXXXX"
      "IOPlatformUUID" = "8A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9"
      "model" = <"MacBookPro18,3">
    }
`;
const LINUX_ID = '0123456789abcdef0123456789abcdef';

/** An OS as the readers see it: the programs' outputs and the files, by path. */
function fakeOs(platform: NodeJS.Platform, outputs: { run?: string | Error; files?: Record<string, string>; systemDir?: string } = {}): MachineIo & { calls: string[] } {
  const calls: string[] = [];
  return {
    platform,
    arch: 'x64',
    calls,
    windowsSystemDir: () => outputs.systemDir ?? 'C:\\Windows\\System32',
    run: (file, args) => {
      calls.push([file, ...args].join(' '));
      if (outputs.run instanceof Error) throw outputs.run;
      if (outputs.run === undefined) throw new Error(`spawn ${file} ENOENT`);
      return outputs.run;
    },
    readFile: (path) => {
      const text = outputs.files?.[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
  };
}

function expectUnreadable(fn: () => unknown, words: string) {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(AppError);
  expect((caught as AppError).code).toBe('licence.machineUnreadable');
  expect((caught as AppError).message).toContain(words);
}

describe('the OS install id readers', () => {
  it('Windows: reads MachineGuid from the 64-bit registry view', () => {
    expect(parseWindowsMachineGuid(WINDOWS_OUTPUT)).toBe('4c4c4544-0042-3510-8052-b4c04f4a4e32');
    const os = fakeOs('win32', { run: WINDOWS_OUTPUT });
    expect(readOsInstallId(os)).toBe('4c4c4544-0042-3510-8052-b4c04f4a4e32');
    expect(os.calls[0]).toMatch(/reg\.exe query HKLM\\SOFTWARE\\Microsoft\\Cryptography \/v MachineGuid \/reg:64$/);
  });

  it('Windows: runs reg.exe from the system directory by absolute path, never from %SystemRoot% or %windir%', () => {
    // Any user sets their own environment: SystemRoot pointing at a folder with a fake reg.exe would
    // give any MachineGuid without admin rights (another PC's licence copied here).
    const saved = { SystemRoot: process.env.SystemRoot, windir: process.env.windir };
    process.env.SystemRoot = 'C:\\Users\\eve\\fake';
    process.env.windir = 'C:\\Users\\eve\\fake';
    try {
      const os = fakeOs('win32', { run: WINDOWS_OUTPUT, systemDir: 'D:\\Windows\\System32' });
      expect(readOsInstallId(os)).toBe('4c4c4544-0042-3510-8052-b4c04f4a4e32');
      expect(os.calls).toEqual(['D:\\Windows\\System32\\reg.exe query HKLM\\SOFTWARE\\Microsoft\\Cryptography /v MachineGuid /reg:64']);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('an all-zero id is no id, on every OS (a placeholder some firmware and VM images carry)', () => {
    expectUnreadable(() => parseWindowsMachineGuid(WINDOWS_OUTPUT.replace('4C4C4544-0042-3510-8052-B4C04F4A4E32', '00000000-0000-0000-0000-000000000000')), 'MachineGuid');
    expectUnreadable(() => parseMacPlatformUuid(MAC_OUTPUT.replace('8A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9', '00000000-0000-0000-0000-000000000000')), 'IOPlatformUUID');
    expectUnreadable(() => parseLinuxMachineId('0'.repeat(32)), 'machine-id');
  });

  it('Windows: odd output or a failing reg.exe is a clear error, never another id', () => {
    expectUnreadable(() => parseWindowsMachineGuid(''), 'MachineGuid');
    expectUnreadable(() => parseWindowsMachineGuid('ERROR: The system was unable to find the specified registry key or value.'), 'MachineGuid');
    expectUnreadable(() => parseWindowsMachineGuid('    MachineGuid    REG_DWORD    0x1'), 'MachineGuid');
    expectUnreadable(() => parseWindowsMachineGuid('    MachineGuid    REG_SZ    not-a-guid'), 'MachineGuid');
    expectUnreadable(() => readOsInstallId(fakeOs('win32', { run: new Error('Command failed: reg.exe\nAccess is denied.') })), 'reg.exe failed (Command failed: reg.exe)');
  });

  it('macOS: reads IOPlatformUUID from ioreg', () => {
    expect(parseMacPlatformUuid(MAC_OUTPUT)).toBe('8a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9');
    const os = fakeOs('darwin', { run: MAC_OUTPUT });
    expect(readOsInstallId(os)).toBe('8a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9');
    expect(os.calls).toEqual(['/usr/sbin/ioreg -rd1 -c IOPlatformExpertDevice']);
  });

  it('macOS: odd output or a failing ioreg is a clear error', () => {
    expectUnreadable(() => parseMacPlatformUuid(''), 'IOPlatformUUID');
    expectUnreadable(() => parseMacPlatformUuid('"IOPlatformUUID" = ""'), 'IOPlatformUUID');
    expectUnreadable(() => parseMacPlatformUuid(MAC_OUTPUT.replace('"IOPlatformUUID"', '"IOPlatformSerial"')), 'IOPlatformUUID');
    expectUnreadable(() => readOsInstallId(fakeOs('darwin')), '/usr/sbin/ioreg failed');
  });

  it('Linux: /etc/machine-id, then /var/lib/dbus/machine-id', () => {
    expect(parseLinuxMachineId(`${LINUX_ID}\n`)).toBe(LINUX_ID);
    expect(readOsInstallId(fakeOs('linux', { files: { '/etc/machine-id': `${LINUX_ID}\n`, '/var/lib/dbus/machine-id': 'f'.repeat(32) } }))).toBe(LINUX_ID);
    expect(readOsInstallId(fakeOs('linux', { files: { '/var/lib/dbus/machine-id': `${LINUX_ID}\n` } }))).toBe(LINUX_ID);
    expect(readOsInstallId(fakeOs('linux', { files: { '/etc/machine-id': 'uninitialized\n', '/var/lib/dbus/machine-id': LINUX_ID } }))).toBe(LINUX_ID);
  });

  it('Linux: no file, an empty one or "uninitialized" is a clear error', () => {
    expectUnreadable(() => parseLinuxMachineId(''), 'machine-id');
    expectUnreadable(() => parseLinuxMachineId('uninitialized'), 'machine-id');
    expectUnreadable(() => parseLinuxMachineId('0'.repeat(32)), 'machine-id');
    expectUnreadable(() => readOsInstallId(fakeOs('linux')), '/etc/machine-id: cannot be read; /var/lib/dbus/machine-id: cannot be read');
    expectUnreadable(() => readOsInstallId(fakeOs('linux', { files: { '/etc/machine-id': '' } })), '/etc/machine-id: no machine id in it');
  });
});

describe('the machine id', () => {
  it('is a SHA-256 hex that never contains the raw id; another install id is another machine', () => {
    const id = machineIdOf({ platform: 'linux', arch: 'x64' }, LINUX_ID);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(id).not.toContain(LINUX_ID);
    expect(machineIdOf({ platform: 'linux', arch: 'x64' }, 'f'.repeat(32))).not.toBe(id);
  });

  it('keeps the id Linux PCs were activated with (the formula of the previous machine.ts)', () => {
    const before = createHash('sha256').update(`OptiCounter|licence-machine|linux|x64|os:${LINUX_ID}`).digest('hex');
    expect(machineIdOf({ platform: 'linux', arch: 'x64' }, LINUX_ID)).toBe(before);
  });

  it.each([
    ['win32', { run: WINDOWS_OUTPUT }, '4c4c4544-0042-3510-8052-b4c04f4a4e32'],
    ['darwin', { run: MAC_OUTPUT }, '8a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9'],
    ['linux', { files: { '/etc/machine-id': LINUX_ID } }, LINUX_ID],
  ] as const)('on %s comes from the install id only: the same with no network interface up or the PC renamed', (platform, outputs, installId) => {
    net.interfaces = UP;
    net.hostname = 'counter-1';
    const withNetwork = currentMachineId(fakeOs(platform, outputs));
    expect(withNetwork).toBe(machineIdOf({ platform, arch: 'x64' }, installId));
    net.interfaces = {};
    net.hostname = 'renamed-pc';
    expect(currentMachineId(fakeOs(platform, outputs))).toBe(withNetwork);
  });

  it('reads this machine for real the same with and without a network', () => {
    net.interfaces = UP;
    const before = readMachineIdentity(nodeMachineIo);
    net.interfaces = {};
    expect(readMachineIdentity(nodeMachineIo)).toEqual(before);
  });

  it('says why when the install id cannot be read, rather than falling back to a MAC or the host name', () => {
    net.interfaces = UP;
    const identity = readMachineIdentity(fakeOs('win32', { run: 'ERROR: Access is denied.' }));
    expect(identity).toEqual({ id: null, problem: expect.stringContaining('MachineGuid') as string });
  });
});
