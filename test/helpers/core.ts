import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Clock } from '../../src/main/clock';
import { type Core, type CoreOptions, openCore } from '../../src/main/core';
import type { Logger } from '../../src/main/log';
import type { ErrorShape } from '../../src/shared/errors';

export function tempDir(prefix = 'opticounter-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Temp dirs made as a test needs them, all removed by `removeAll` (in an afterEach). */
export function tempDirs(): { make(): string; removeAll(): void } {
  const removes: (() => void)[] = [];
  return {
    make() {
      const { dir, remove } = tempDir();
      removes.push(remove);
      return dir;
    },
    removeAll: () => removes.splice(0).forEach((remove) => remove()),
  };
}

/** A clock tests move by hand. */
export function manualClock(start = '2026-01-15T10:00:00.000Z'): Clock & { advance(ms: number): void; set(iso: string): void } {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    advance: (ms) => {
      t += ms;
    },
    set: (iso) => {
      t = new Date(iso).getTime();
    },
  };
}

/** Collects log lines, so tests can check what was (and was not) logged. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (m: string, err?: unknown) => lines.push(`${level} ${m} ${err instanceof Error ? err.message : (err ?? '')}`);
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}

export const OWNER = { username: 'owner', displayName: 'Store Owner', password: 'owner-password-1', pin: '2468' };

/**
 * A core on a fresh data dir with its owner set up (through auth.setupOwner); `core.handle` and
 * `core.call` act as that owner unless given another session. `raw` is the same core without it.
 */
export async function openTestCore(
  opts: { clock?: Clock; dataDir?: string; log?: Logger; /** Licence keys, machine id (licence tests). */ core?: Partial<CoreOptions> } = {},
): Promise<{
  core: Core;
  raw: Core;
  dir: string;
  ownerToken: string;
  close: () => Promise<void>;
}> {
  const tmp = opts.dataDir ? null : tempDir();
  const dir = opts.dataDir ?? tmp!.dir;
  const raw = await openCore({ dataDir: dir, appVersion: '0.0.0-test', clock: opts.clock, log: opts.log ?? memoryLogger(), ...opts.core });
  // As the opening was before its integrity check ran beside it: checked, the audit trail settled.
  await raw.checked;
  const status = await raw.call('auth.status', {});
  const session = status.ownerExists
    ? await raw.call('auth.login', { username: OWNER.username, password: OWNER.password })
    : await raw.call('auth.setupOwner', OWNER);
  const origin = { sessionToken: session.sessionToken };
  const core: Core = {
    ...raw,
    handle: (channel, input, o) => raw.handle(channel, input, o ?? origin),
    call: (channel, input, o) => raw.call(channel, input, o ?? origin),
  };
  return {
    core,
    raw,
    dir,
    ownerToken: session.sessionToken,
    close: async () => {
      await raw.close();
      tmp?.remove();
    },
  };
}

/** Seed 001's example 1: Layla Hassan with full optical data. */
export const layla = {
  customerData: {
    firstName: 'Layla',
    lastName: 'Hassan',
    email: 'layla@example.com',
    phoneNumber: '+1-555-0199',
    dateOfBirth: '1992-05-12T00:00:00.000Z',
    sex: 'female',
  },
  address: { street: '123 Vision Ave', city: 'Casablanca', zipCode: '20000', state: 'MA' },
  opticData: {
    distanceVision: {
      rightEye: { sph: '-1.25', cyl: '-0.25', axis: '90' },
      leftEye: { sph: '-1.00', cyl: '-0.25', axis: '85' },
    },
    intermediateVision: {
      rightEye: { sph: '-0.75', cyl: '0', axis: '0' },
      leftEye: { sph: '-0.75', cyl: '0', axis: '0' },
    },
    nearVision: {
      rightEye: { sph: '-0.50', cyl: '0', axis: '0' },
      leftEye: { sph: '-0.50', cyl: '0', axis: '0' },
    },
  },
} as const;

/** Seed 001's example 2: Ahmed Benali, minimal data. */
export const ahmed = {
  customerData: {
    firstName: 'Ahmed',
    lastName: 'Benali',
    email: 'ahmed.benali@example.com',
    phoneNumber: '+212-6-12345678',
    dateOfBirth: '1985-08-20T00:00:00.000Z',
    sex: 'male',
  },
} as const;

export function person(first: string, last: string, extra: Partial<Record<'email' | 'phoneNumber', string>> = {}) {
  return {
    customerData: {
      firstName: first,
      lastName: last,
      email: extra.email ?? `${first}.${last}@example.com`.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s/g, ''),
      phoneNumber: extra.phoneNumber ?? '+33 6 12 34 56 78',
      dateOfBirth: '1980-01-01',
      sex: 'female' as const,
    },
  };
}

/** Calls a channel that must fail; checks its code (and status, when given) and returns the error. */
export async function expectFailure(core: Core, channel: string, input: unknown, code: string, status?: number): Promise<ErrorShape> {
  const res = await core.handle(channel, input);
  if (res.ok) throw new Error(`${channel} succeeded; expected ${code}`);
  expect(res.error.code).toBe(code);
  if (status !== undefined) expect(res.error.status).toBe(status);
  return res.error;
}
