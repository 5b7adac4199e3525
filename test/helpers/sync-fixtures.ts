import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from 'vitest';
import type { CoreOptions } from '../../src/main/core';
import type { CloudOptions, CloudServer } from '../cloud/server';
import { openTestCore } from './core';
import { type HostCommand, bundledHostCommand } from './host-bundle';
import { HostProcess } from './host-process';
import { NetLink } from './net-link';
import { cloudWithStore, connect, connectHost } from './sync';

/*
 * vitest fixtures (`test.extend`) for the sync suites: a test names what it needs — `cloud`, `pc`,
 * `startPc` — and gets it set up, then closed, killed or removed after it, pass or fail. A file sets
 * what all its tests share by extending `cloudOptions` / `coreOptions` / `hostEnv`; a describe block
 * by `test.override`.
 */

export type TestCore = Awaited<ReturnType<typeof openTestCore>>;

export interface SyncFixtures {
  /** What every cloud of the test starts with (e.g. a time-scaled rate-limit clock). */
  cloudOptions: CloudOptions;
  /** Starts a test cloud with the store's owner (`STORE`), these options over `cloudOptions`. */
  startCloud: (opts?: CloudOptions) => Promise<CloudServer>;
  /** The test's cloud. */
  cloud: CloudServer;
  /** The options of `signedInCore` (a request timeout, automatic sync off…). */
  coreOptions: Partial<CoreOptions>;
  /** A core in this process on a fresh data dir, signed in as its owner; sync not set up. */
  signedInCore: TestCore;
  /** A counter PC: `signedInCore` with sync set up to `cloud` as the store's owner. */
  pc: TestCore;
}

export const syncTest = base.extend<SyncFixtures>({
  cloudOptions: {},
  startCloud: async ({ cloudOptions }, use) => {
    const clouds: CloudServer[] = [];
    await use(async (opts = {}) => {
      const cloud = await cloudWithStore({ ...cloudOptions, ...opts });
      clouds.push(cloud);
      return cloud;
    });
    for (const cloud of clouds.reverse()) await cloud.close();
  },
  cloud: async ({ startCloud }, use) => {
    await use(await startCloud());
  },
  coreOptions: {},
  signedInCore: async ({ coreOptions }, use) => {
    const t = await openTestCore({ core: coreOptions });
    await use(t);
    await t.close();
  },
  // `cloud` first: it is set up before the core, so it is closed after it (fixtures end in reverse).
  pc: async ({ cloud, signedInCore }, use) => {
    await connect(signedInCore.core, cloud);
    await use(signedInCore);
  },
});

/** Two PCs on the same store, each with its own line to the cloud (to choose who comes back online first). */
export type TwoPcs = { a: HostProcess; b: HostProcess; lineA: NetLink; lineB: NetLink };

export interface HostFixtures {
  /** Environment of every host the file starts, over this process's (e.g. OPTICOUNTER_SYNC_TIME_SCALE). */
  hostEnv: Record<string, string>;
  /** The browser host bundled once per file (restarts in well under a second). */
  hostCommand: HostCommand;
  /** A fresh data dir; removed once the file is done. */
  dataDir: (name: string) => string;
  /** A host (the browser host, a child process) on `dir`, its owner signed in; killed -9 after the test. */
  startPc: (dir: string, output?: string[]) => Promise<HostProcess>;
  /** Two PCs, each on its own line to `cloud`, synced with it; the lines are cut after the test. */
  twoPcsOn: (cloud: CloudServer) => Promise<TwoPcs>;
}

/** The sync fixtures plus counter PCs as child processes (the browser host), killed at will. */
export const hostSyncTest = syncTest.extend<HostFixtures>({
  hostEnv: [{}, { scope: 'file' }],
  hostCommand: [
    // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern: none
    async ({}, use) => {
      const command = await bundledHostCommand();
      await use(command);
      command.dispose();
    },
    { scope: 'file' },
  ],
  dataDir: [
    // eslint-disable-next-line no-empty-pattern -- as above
    async ({}, use) => {
      const dirs: string[] = [];
      await use((name) => {
        const dir = mkdtempSync(join(tmpdir(), `opticounter-faults-${name}-`));
        dirs.push(dir);
        return dir;
      });
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'file' },
  ],
  startPc: async ({ hostCommand, hostEnv }, use) => {
    const running = new Set<HostProcess>();
    await use(async (dir, output = []) => {
      const h = await HostProcess.start(hostCommand, dir, output, hostEnv);
      running.add(h);
      void h.exited.then(() => running.delete(h));
      await h.signIn();
      return h;
    });
    for (const h of running) await h.kill9();
  },
  twoPcsOn: async ({ startPc, dataDir }, use) => {
    const lines: NetLink[] = [];
    await use(async (cloud) => {
      const [a, b] = await Promise.all([startPc(dataDir('pc-a')), startPc(dataDir('pc-b'))]);
      const [lineA, lineB] = await Promise.all([NetLink.open(cloud.port), NetLink.open(cloud.port)]);
      lines.push(lineA, lineB);
      await connectHost(a, lineA);
      await connectHost(b, lineB);
      return { a, b, lineA, lineB };
    });
    for (const line of lines) await line.down();
  },
});
