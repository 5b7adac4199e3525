import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';
import type { Channel, ChannelInput, ChannelOutput } from '../../src/shared/contract';
import { SESSION_HEADER } from '../../src/shared/contract';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export type Host = {
  /** e.g. http://127.0.0.1:40123 (no trailing slash). */
  url: string;
  token: string;
  dataDir: string;
  /** The owner's session for callHost (its own sign-in, not the page's). */
  apiSession?: string;
  /**
   * Stops the host and starts it again on the same port and data dir, with `hostArgs` plus these
   * (e.g. `--clock-offset-days 30`). Sessions live in memory: everyone signs in again.
   */
  restart: (extraArgs?: string[]) => Promise<void>;
};

/** The owner every test but the first-start ones starts signed in as. */
export const OWNER = { username: 'owner', displayName: 'Olivia Owner', password: 'owner-password-1', pin: '2468' } as const;

/** Where the page keeps its tokens (src/renderer/src/main.tsx, api/session.ts). */
export const HOST_TOKEN_KEY = 'opticounter.hostToken';
export const SESSION_KEY = 'opticounter.session';
export { SESSION_HEADER };

/**
 * The browser host as the build ships it (electron-vite, beside the renderer it serves): it starts in
 * 0.5–0.7 s, where `node --import tsx src/main/browser-host.ts` took 1.6 s on a quiet machine and
 * 3–5 s on a busy one, once for each of a hundred tests.
 */
const HOST_SCRIPT = join(repoRoot, 'out/main/browser-host.js');

let built = false;

/**
 * The build the tests start, and that it is newer than every source: after a change in src/, a file
 * run with `npx playwright test` alone tested the host and pages built before it (review 30). A
 * change outside src/ (the build's config, a dependency) is not seen.
 */
function assertBuilt(): void {
  if (built) return;
  const outputs = [join(repoRoot, 'out/renderer/index.html'), HOST_SCRIPT];
  if (!outputs.every((f) => existsSync(f))) throw new Error('out/ is not built: run `npx electron-vite build` first (npm test does).');
  const builtAt = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  // The unit tests kept beside their code are not built (review 31).
  const sources = readdirSync(join(repoRoot, 'src'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && !/\.test\.tsx?$/.test(e.name));
  const newer = sources.find((e) => statSync(join(e.parentPath, e.name)).mtimeMs > builtAt);
  if (newer) throw new Error(`out/ is older than ${join(newer.parentPath, newer.name)}: run \`npx electron-vite build\` first (npm test does).`);
  built = true;
}

/** Starts the browser host on a free port and resolves once it prints its address. */
async function startHost(dataDir: string, token: string, log: string[], args: string[] = [], port = 0): Promise<{ child: ChildProcess; url: string }> {
  // Node itself rather than a wrapper (npx): one process, so SIGTERM reaches the host itself.
  const child = spawn(process.execPath, [HOST_SCRIPT, '--port', String(port), '--data-dir', dataDir, ...args], {
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

type Answer<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; status: number; details?: Record<string, unknown> } };

/** POST /api/<channel> as the page would send it: host token, and a session when given. */
export async function postHost<C extends Channel>(
  request: APIRequestContext,
  host: Host,
  channel: C,
  input: ChannelInput<C>,
  session: string | null,
): Promise<{ status: number; body: Answer<ChannelOutput<C>> }> {
  const res = await request.post(`${host.url}/api/${channel}`, {
    headers: { authorization: `Bearer ${host.token}`, ...(session ? { [SESSION_HEADER]: session } : {}) },
    data: input,
  });
  return { status: res.status(), body: (await res.json()) as Answer<ChannelOutput<C>> };
}

async function unwrap<C extends Channel>(channel: C, answer: Promise<{ body: Answer<ChannelOutput<C>> }>): Promise<ChannelOutput<C>> {
  const { body } = await answer;
  if (!body.ok) throw new Error(`${channel} failed: ${body.error.message}`);
  return body.data;
}

/** Creates the owner account (first start) and returns the session it opens. */
export function setupOwner(request: APIRequestContext, host: Host): Promise<ChannelOutput<'auth.setupOwner'>> {
  return unwrap('auth.setupOwner', postHost(request, host, 'auth.setupOwner', { ...OWNER }, null));
}

export function signIn(request: APIRequestContext, host: Host, username: string, password: string): Promise<ChannelOutput<'auth.login'>> {
  return unwrap('auth.login', postHost(request, host, 'auth.login', { username, password }, null));
}

/**
 * Calls a channel on the host directly, to set up data without clicking through the screens: as the
 * owner, in a session of its own (signed in again if a restore ended it).
 */
export async function callHost<C extends Channel>(
  request: APIRequestContext,
  host: Host,
  channel: C,
  input: ChannelInput<C>,
): Promise<ChannelOutput<C>> {
  host.apiSession ??= (await signIn(request, host, OWNER.username, OWNER.password)).sessionToken;
  let answer = await postHost(request, host, channel, input, host.apiSession);
  if (!answer.body.ok && answer.body.error.code === 'auth.required') {
    host.apiSession = (await signIn(request, host, OWNER.username, OWNER.password)).sessionToken;
    answer = await postHost(request, host, channel, input, host.apiSession);
  }
  return unwrap(channel, Promise.resolve(answer));
}

/** The page's own session token (browser host: kept in sessionStorage). */
export function pageSession(page: Page): Promise<string | null> {
  return page.evaluate((key) => sessionStorage.getItem(key), SESSION_KEY);
}

/**
 * Calls a channel from inside the page, the way any script in it could: the host token and the
 * page's session header, with fetch. Resolves with the HTTP status and the envelope.
 */
export function callFromPage(page: Page, channel: Channel, input: unknown): Promise<{ status: number; body: Answer<unknown> }> {
  return page.evaluate(
    async ({ channel, input, keys }) => {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        authorization: `Bearer ${sessionStorage.getItem(keys.host) ?? ''}`,
      };
      const session = sessionStorage.getItem(keys.session);
      if (session) headers[keys.header] = session;
      const res = await fetch(`/api/${channel}`, { method: 'POST', headers, body: JSON.stringify(input) });
      return { status: res.status, body: (await res.json()) as Answer<unknown> };
    },
    { channel, input, keys: { host: HOST_TOKEN_KEY, session: SESSION_KEY, header: SESSION_HEADER } },
  );
}

// Answers the tests provoke on purpose (a duplicate email is a 409, a file lying about its type a 400,
// an oversized one a 413); Chromium logs each one. A spec provoking others (a wrong password's 401, a
// staff member's 403, a locked session's 423, the rate limit's 429) says so with `allowedStatuses`.
const EXPECTED_STATUSES = [400, 404, 409, 413];

type Fixtures = {
  host: Host;
  consoleErrors: string[];
  /** Who the page starts signed in as: the owner (set up through the API), or nobody on a fresh install. */
  account: 'owner' | 'none';
  /** Error statuses the test provokes on purpose, besides the usual ones. */
  allowedStatuses: number[];
  /** Extra browser-host arguments, e.g. `--trust-licence-key FILE`. */
  hostArgs: string[];
};

export const test = base.extend<Fixtures>({
  account: ['owner', { option: true }],
  allowedStatuses: [[], { option: true }],
  hostArgs: [[], { option: true }],
  // One host per test: a fresh data dir, a fresh token, nothing shared between tests.
  host: async ({ hostArgs }, use, testInfo) => {
    assertBuilt();
    const dataDir = await mkdtemp(join(tmpdir(), 'opticounter-e2e-'));
    const token = randomBytes(24).toString('base64url');
    const log: string[] = [];
    let child: ChildProcess | undefined;
    try {
      const started = await startHost(dataDir, token, log, hostArgs);
      child = started.child;
      const port = Number(new URL(started.url).port);
      const restart = async (extraArgs: string[] = []) => {
        if (child) await stopHost(child);
        child = (await startHost(dataDir, token, log, [...hostArgs, ...extraArgs], port)).child;
      };
      await use({ url: started.url, token, dataDir, restart });
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
  // Every test starts on the app, opened the way staff open it: the host's address with its token;
  // signed in as the owner unless the test asks for a fresh install.
  page: async ({ page, host, consoleErrors, account, allowedStatuses, request }, use) => {
    const expected = new RegExp(`Failed to load resource: the server responded with a status of (${[...EXPECTED_STATUSES, ...allowedStatuses].join('|')})`);
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !expected.test(msg.text())) consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(String(err)));
    if (account === 'owner') {
      const { sessionToken } = await setupOwner(request, host);
      // As if the owner had just signed in in this tab: once only, so a sign-out stays signed out.
      await page.addInitScript(
        ({ keys, hostToken, session }) => {
          try {
            if (sessionStorage.getItem('e2e.seeded')) return;
            sessionStorage.setItem('e2e.seeded', '1');
            sessionStorage.setItem(keys.host, hostToken);
            sessionStorage.setItem(keys.session, session);
          } catch {
            // about:blank and the like have no storage.
          }
        },
        { keys: { host: HOST_TOKEN_KEY, session: SESSION_KEY }, hostToken: host.token, session: sessionToken },
      );
    }
    await page.goto(`${host.url}/#token=${host.token}`);
    if (account === 'owner') await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    await use(page);
    // A CSP violation or an uncaught error shows up here even when the screens look fine.
    expect(consoleErrors, 'errors in the browser console').toEqual([]);
  },
});

export { expect };

// ---- screen helpers: fields are found by their labels, as staff (and screen readers) see them ----

export type CustomerEntry = {
  firstName: string;
  lastName: string;
  email: string;
  phoneNumber: string;
  dateOfBirth: string;
  sex: 'Female' | 'Male';
  address?: { street: string; city: string; zipCode: string };
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
    // A store with no country set writes addresses without a state (issue 12, item 11).
    await page.getByLabel('Postal code', { exact: true }).fill(c.address.zipCode);
  }
}

// ---- signing in and out through the screens ----

export async function signInThroughUi(page: Page, username: string, password: string): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

export async function signOutThroughUi(page: Page): Promise<void> {
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
}

/** The lock screen (a modal dialog over the counter screens). */
export function lockScreen(page: Page) {
  return page.getByRole('dialog', { name: 'Screen locked' });
}

/**
 * A counter PC too slow to finish a render at once: React's after-paint work (run from MessagePort
 * tasks) held 400 ms from the next load of the page on, so the first keys come before it.
 */
export async function slowAfterPaint(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const post = MessagePort.prototype.postMessage;
    MessagePort.prototype.postMessage = function (this: MessagePort, ...args: Parameters<MessagePort['postMessage']>) {
      setTimeout(() => post.apply(this, args), 400);
    } as MessagePort['postMessage'];
  });
}

/** Set OPTICOUNTER_SHOTS to a folder to keep screenshots of the screens the tests walk through. */
export async function shot(page: Page, name: string) {
  const dir = process.env.OPTICOUNTER_SHOTS;
  if (dir) await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}
