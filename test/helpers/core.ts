import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/main/clock';
import { type Core, openCore } from '../../src/main/core';
import type { Logger } from '../../src/main/log';

export function tempDir(prefix = 'opticounter-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
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

export async function openTestCore(opts: { clock?: Clock; dataDir?: string } = {}): Promise<{ core: Core; dir: string; close: () => Promise<void> }> {
  const tmp = opts.dataDir ? null : tempDir();
  const dir = opts.dataDir ?? tmp!.dir;
  const core = await openCore({ dataDir: dir, appVersion: '0.0.0-test', clock: opts.clock, log: memoryLogger() });
  return {
    core,
    dir,
    close: async () => {
      await core.close();
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
