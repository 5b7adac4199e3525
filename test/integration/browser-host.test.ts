import { type ChildProcess, spawn } from 'node:child_process';
import { lockDataDir, unlockDataDir } from '../../src/main/data-dir-lock';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { DB_FILE_NAME } from '../../src/main/db/database';
import type { ErrorShape } from '../../src/shared/errors';
import { layla, openTestCore, tempDir } from '../helpers/core';
import { serveHost } from '../helpers/host-server';

const bodyOf = async (res: Response) => (await res.json()) as { ok: boolean; data?: unknown; error: ErrorShape };

const TOKEN = 'test-token-123';
let core: Core;
let ownerToken: string;
let closeCore: () => Promise<void>;
let closeServer: () => Promise<void>;
let base: string;
const staticDir = tempDir('opticounter-static-');

beforeAll(async () => {
  // The host passes on the session header itself: give it the core without the test's default owner.
  ({ raw: core, ownerToken, close: closeCore } = await openTestCore());
  mkdirSync(join(staticDir.dir, 'assets'));
  writeFileSync(join(staticDir.dir, 'index.html'), '<!doctype html><title>OptiCounter</title>');
  writeFileSync(join(staticDir.dir, 'assets', 'app.js'), 'console.log(1)');
  ({ base, close: closeServer } = await serveHost({ core, token: TOKEN, staticDir: staticDir.dir, maxBodyBytes: 10_000 }));
});
afterAll(async () => {
  await closeServer();
  await closeCore();
  staticDir.remove();
});

function api(channel: string, body: unknown, token: string | null = TOKEN, session: string | null = ownerToken) {
  return fetch(`${base}/api/${channel}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(session ? { 'x-opticounter-session': session } : {}),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('browser host /api', () => {
  it('runs a channel and answers the envelope with 200', async () => {
    const res = await api('customers.create', layla);
    expect(res.status).toBe(200);
    const body = await bodyOf(res);
    expect(body).toMatchObject({ ok: true, data: { localData: { email: 'layla@example.com' } } });
  });

  it("uses the error's status as the HTTP status", async () => {
    const dup = await api('customers.create', layla);
    expect(dup.status).toBe(409);
    expect(await bodyOf(dup)).toMatchObject({ ok: false, error: { code: 'customer.emailTaken', status: 409 } });
    const missing = await api('customers.get', { id: 'nope' });
    expect(missing.status).toBe(404);
    const invalid = await api('customers.create', { customerData: { firstName: 'A' } });
    expect(invalid.status).toBe(400);
    expect((await bodyOf(invalid)).error.fieldErrors?.['customerData.email']).toEqual(['Give a phone number or an email']);
  });

  it('needs a signed-in session for all but the public channels', async () => {
    const res = await api('customers.list', {}, TOKEN, null);
    expect(res.status).toBe(401);
    expect((await bodyOf(res)).error.code).toBe('auth.required');
    expect((await api('auth.status', {}, TOKEN, null)).status).toBe(200);
    const wrong = await api('customers.list', {}, TOKEN, 'not-a-session');
    expect((await bodyOf(wrong)).error.code).toBe('auth.required');
  });

  it('refuses calls without the right bearer token', async () => {
    for (const token of [null, 'wrong', `${TOKEN}x`]) {
      const res = await api('app.info', {}, token);
      expect(res.status).toBe(401);
      expect(await bodyOf(res)).toMatchObject({ ok: false, error: { code: 'host.unauthorized' } });
    }
  });

  it('answers bad JSON, unknown channels, GET and oversized bodies with clear errors', async () => {
    const bad = await api('app.info', '{nope');
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad)).error.message).toBe('The request body must be JSON');
    const unknown = await api('customers.nuke', {});
    expect(unknown.status).toBe(404);
    expect((await bodyOf(unknown)).error.code).toBe('channel.unknown');
    const get = await fetch(`${base}/api/app.info`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(get.status).toBe(405);
    const big = await api('customers.list', { search: 'x'.repeat(20_000) });
    expect(big.status).toBe(413);
    expect((await bodyOf(big)).error.code).toBe('host.bodyTooLarge');
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${base}/api/app.info`, { method: 'POST', headers: { host: 'evil.example', authorization: `Bearer ${TOKEN}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(421);
  });
});

describe('browser host static files', () => {
  it('serves the renderer with the CSP and the app for client-side paths', async () => {
    const root = await fetch(`${base}/`);
    expect(root.status).toBe(200);
    expect(root.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(root.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await root.text()).toContain('<title>OptiCounter</title>');
    const js = await fetch(`${base}/assets/app.js`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${base}/customers/123`)).status).toBe(200);
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
  });

  it('answers malformed URL encoding with 400 and keeps running', async () => {
    for (const path of ['/%', '/%E0%A4%A', '/api/%E0']) {
      const res = await fetch(`${base}${path}`, { method: path.startsWith('/api') ? 'POST' : 'GET', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(400);
      expect((await bodyOf(res)).error.code).toBe('validation');
    }
    expect((await api('app.info', {})).status).toBe(200);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const path of ['/../package.json', '/..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd']) {
      const res = await fetch(`${base}${path}`);
      expect(await res.text()).not.toMatch(/root:|"name"/);
    }
  });
});

describe('browser host process', () => {
  let child: ChildProcess | null = null;
  const data = tempDir('opticounter-host-');
  afterAll(() => {
    child?.kill('SIGKILL');
    data.remove();
  });

  it('prints its address, serves calls, and closes the database cleanly on SIGTERM', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main/browser-host.ts', '--port', '0', '--data-dir', data.dir], {
      env: { ...process.env, OPTICOUNTER_HOST_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening on" line; output: ${out}`)), 20_000);
      child!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1] as string);
        }
      });
      child!.on('exit', (code) => reject(new Error(`host exited ${code}: ${out}`)));
    });
    expect(out).not.toContain(TOKEN); // a fixed token is the caller's; it is not echoed

    const post = (channel: string, body: unknown, session?: string) =>
      fetch(`${url}/api/${channel}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, ...(session ? { 'x-opticounter-session': session } : {}) },
        body: JSON.stringify(body),
      });
    const setup = await post('auth.setupOwner', { username: 'owner', displayName: 'Owner', password: 'owner-password-1' });
    const { sessionToken } = (await bodyOf(setup)).data as { sessionToken: string };
    const res = await post('customers.create', layla, sessionToken);
    expect(res.status).toBe(200);

    // A second host on the same store is refused: each would act on its own idea of what runs.
    const second = spawn(process.execPath, ['--import', 'tsx', 'src/main/browser-host.ts', '--port', '0', '--data-dir', data.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let secondErr = '';
    second.stderr!.on('data', (d: Buffer) => (secondErr += d.toString()));
    expect(await new Promise<number | null>((r) => second.on('exit', r))).toBe(1);
    expect(secondErr).toContain(`Another OptiCounter has ${data.dir} open: close it first`);
    expect((await post('customers.list', {}, sessionToken)).status).toBe(200);

    const exited = new Promise<number | null>((r) => child!.on('exit', r));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    child = null;
    expect(existsSync(join(data.dir, DB_FILE_NAME))).toBe(true);
    // Its store is free again.
    lockDataDir(data.dir);
    unlockDataDir();
    // A clean close folds the write-ahead log into the database file.
    const wal = join(data.dir, `${DB_FILE_NAME}-wal`);
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
  });
});
