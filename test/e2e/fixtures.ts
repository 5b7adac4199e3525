import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';
import type { Channel, ChannelInput, ChannelOutput } from '../../src/shared/contract';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export type Host = {
  /** e.g. http://127.0.0.1:40123 (no trailing slash). */
  url: string;
  token: string;
  dataDir: string;
};

/** Starts `src/main/browser-host.ts` on a free port and resolves once it prints its address. */
async function startHost(dataDir: string, token: string, log: string[]): Promise<{ child: ChildProcess; url: string }> {
  // `node --import tsx` rather than `npx tsx`: one process, so SIGTERM reaches the host itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/browser-host.ts', '--port', '0', '--data-dir', dataDir], {
    cwd: repoRoot,
    env: { ...process.env, OPTICOUNTER_HOST_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      reject(new Error(`the browser host did not print "listening on" within ${START_TIMEOUT_MS} ms:\n${log.join('')}`));
    }, START_TIMEOUT_MS);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      log.push(chunk);
      buffered += chunk;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(buffered);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => log.push(chunk));
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the browser host exited before listening (code ${code}, signal ${signal}):\n${log.join('')}`));
    });
  });
  return { child, url };
}

async function stopHost(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Calls a channel on the host directly, to set up data without clicking through the screens. */
export async function callHost<C extends Channel>(
  request: APIRequestContext,
  host: Host,
  channel: C,
  input: ChannelInput<C>,
): Promise<ChannelOutput<C>> {
  const res = await request.post(`${host.url}/api/${channel}`, {
    headers: { authorization: `Bearer ${host.token}` },
    data: input,
  });
  const body = (await res.json()) as { ok: true; data: ChannelOutput<C> } | { ok: false; error: { message: string } };
  if (!body.ok) throw new Error(`${channel} failed: ${body.error.message}`);
  return body.data;
}

// Answers the tests provoke on purpose (a duplicate email is a 409); Chromium logs each one.
const EXPECTED_CONSOLE = /Failed to load resource: the server responded with a status of (400|404|409)/;

export const test = base.extend<{ host: Host; consoleErrors: string[] }>({
  // One host per test: a fresh data dir, a fresh token, nothing shared between tests.
  host: async ({}, use, testInfo) => {
    if (!existsSync(join(repoRoot, 'out/renderer/index.html'))) {
      throw new Error('out/renderer is not built: run `npx electron-vite build` first (npm test does).');
    }
    const dataDir = await mkdtemp(join(tmpdir(), 'opticounter-e2e-'));
    const token = randomBytes(24).toString('base64url');
    const log: string[] = [];
    let child: ChildProcess | undefined;
    try {
      const started = await startHost(dataDir, token, log);
      child = started.child;
      await use({ url: started.url, token, dataDir });
    } finally {
      if (child) await stopHost(child);
      if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('host.log', { body: log.join(''), contentType: 'text/plain' });
      await rm(dataDir, { recursive: true, force: true });
    }
  },
  baseURL: async ({ host }, use) => {
    await use(host.url);
  },
  consoleErrors: async ({}, use) => {
    await use([]);
  },
  // Every test starts on the app, opened the way staff open it: the host's address with its token.
  page: async ({ page, host, consoleErrors }, use) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !EXPECTED_CONSOLE.test(msg.text())) consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(String(err)));
    await page.goto(`${host.url}/#token=${host.token}`);
    await use(page);
    // A CSP violation or an uncaught error shows up here even when the screens look fine.
    expect(consoleErrors, 'errors in the browser console').toEqual([]);
  },
});

export { expect };

// ---- screen helpers: fields are found by their labels, as staff (and screen readers) see them ----

export const visions = { distance: 'Distance vision', intermediate: 'Intermediate vision', near: 'Near vision' } as const;
export const eyes = { OD: 'OD (right eye)', OS: 'OS (left eye)' } as const;
export const measures = { sph: 'SPH', cyl: 'CYL', axis: 'Axis' } as const;

export type VisionName = keyof typeof visions;
export type EyeName = keyof typeof eyes;

export function opticCell(page: Page, vision: VisionName, eye: EyeName, measure: keyof typeof measures) {
  return page.getByLabel(`${visions[vision]}, ${eyes[eye]}, ${measures[measure]}`, { exact: true });
}

export type EyeValues = { sph: string; cyl: string; axis: string };
export type CustomerEntry = {
  firstName: string;
  lastName: string;
  email: string;
  phoneNumber: string;
  dateOfBirth: string;
  sex: 'Female' | 'Male';
  address?: { street: string; city: string; zipCode: string; state: string };
  optic?: Partial<Record<VisionName, Partial<Record<EyeName, EyeValues>>>>;
};

export function searchBox(page: Page) {
  return page.getByRole('searchbox', { name: 'Search customers' });
}

/** The rows of the search results (the language switch has options too). */
export function results(page: Page) {
  return page.getByRole('listbox', { name: 'Customers' }).getByRole('option');
}

export async function fillCustomer(page: Page, c: CustomerEntry): Promise<void> {
  await page.getByLabel('First name', { exact: true }).fill(c.firstName);
  await page.getByLabel('Last name', { exact: true }).fill(c.lastName);
  await page.getByLabel('Email', { exact: true }).fill(c.email);
  await page.getByLabel('Phone number', { exact: true }).fill(c.phoneNumber);
  await page.getByLabel('Date of birth', { exact: true }).fill(c.dateOfBirth);
  await page.getByLabel('Sex', { exact: true }).selectOption({ label: c.sex });
  if (c.address) {
    await page.getByLabel('Street', { exact: true }).fill(c.address.street);
    await page.getByLabel('City', { exact: true }).fill(c.address.city);
    await page.getByLabel('ZIP code', { exact: true }).fill(c.address.zipCode);
    await page.getByLabel('State', { exact: true }).fill(c.address.state);
  }
  for (const vision of Object.keys(visions) as VisionName[]) {
    for (const eye of Object.keys(eyes) as EyeName[]) {
      const values = c.optic?.[vision]?.[eye];
      if (!values) continue;
      for (const m of ['sph', 'cyl', 'axis'] as const) await opticCell(page, vision, eye, m).fill(values[m]);
    }
  }
}
