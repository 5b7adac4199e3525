import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Channel, ChannelInput, ChannelOutput } from '../../src/shared/contract';
import { SESSION_HEADER } from '../../src/shared/contract';
import type { ErrorShape } from '../../src/shared/errors';
import { OWNER } from './core';
import { type HostCommand, bundledHostCommand } from './host-bundle';
import { afterAll, beforeAll } from 'vitest';

/*
 * The browser host (src/main/browser-host.ts) as a child process, the way a counter PC runs the
 * core: tests call it over HTTP, kill it with SIGKILL and start it again on the same data dir. It is
 * started from a bundle (host-bundle.ts), built once per suite.
 */

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const START_TIMEOUT_MS = 30_000;
const HOST_TOKEN = 'fault-suite-host-token';

export type Answer<T> = { ok: true; data: T } | { ok: false; error: ErrorShape };

export class HostCallError extends Error {
  constructor(
    readonly channel: string,
    readonly status: number,
    readonly error: ErrorShape,
  ) {
    super(`${channel} failed (${status} ${error.code}): ${error.message}`);
    this.name = 'HostCallError';
  }
}

/** One running host process. */
export class HostProcess {
  /** The owner's session (sessions live in the host's memory: a restart needs a new sign-in). */
  session: string | null = null;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly dataDir: string,
    private readonly output: string[],
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
      else child.once('exit', (code, signal) => resolve({ code, signal }));
    });
  }

  /** Starts a host on `dataDir` and resolves once it listens. `output` collects its stdout/stderr; `env` adds to this process's. */
  static async start(command: HostCommand, dataDir: string, output: string[] = [], env: Record<string, string> = {}): Promise<HostProcess> {
    const child = spawn(process.execPath, [...command.args, '--port', '0', '--data-dir', dataDir], {
      cwd: repoRoot,
      env: { ...process.env, ...env, OPTICOUNTER_HOST_TOKEN: HOST_TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the host did not listen within ${START_TIMEOUT_MS} ms:\n${output.join('')}`));
      }, START_TIMEOUT_MS);
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        output.push(chunk);
        buffered += chunk;
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(buffered);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the host exited before listening (code ${code}, signal ${signal}):\n${output.join('')}`));
      });
    });
    return new HostProcess(child, url, dataDir, output);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  log(): string {
    return this.output.join('');
  }

  /** POST /api/<channel> with the host token and the owner's session; never throws for an error reply. */
  async post<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<{ status: number; body: Answer<ChannelOutput<C>> }> {
    const res = await fetch(`${this.url}/api/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${HOST_TOKEN}`, ...(this.session ? { [SESSION_HEADER]: this.session } : {}) },
      body: JSON.stringify(input),
    });
    return { status: res.status, body: (await res.json()) as Answer<ChannelOutput<C>> };
  }

  /** Calls a channel; throws HostCallError for an error reply (and whatever fetch throws if the host is gone). */
  async call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
    const { status, body } = await this.post(channel, input);
    if (!body.ok) throw new HostCallError(channel, status, body.error);
    return body.data;
  }

  /** Signs the owner in, creating the owner first on a fresh data dir. */
  async signIn(): Promise<void> {
    this.session = null;
    const { ownerExists } = await this.call('auth.status', {});
    const session = ownerExists ? await this.call('auth.login', { username: OWNER.username, password: OWNER.password }) : await this.call('auth.setupOwner', OWNER);
    this.session = session.sessionToken;
  }

  /** kill -9: no chance to close the database or finish a request. Resolves once the process is gone. */
  async kill9(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** A clean stop (SIGTERM closes the database); SIGKILL if it hangs. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** A bundled host on a fresh temp data dir, signed in as the owner; `close` removes all of it. */
export async function startSignedInHost(prefix: string): Promise<{ host: HostProcess; close(): Promise<void> }> {
  const command = await bundledHostCommand();
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const close = async () => {
    await host?.stop();
    command.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  };
  let host: HostProcess | undefined;
  try {
    host = await HostProcess.start(command, dataDir);
    await host.signIn();
    return { host, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** A signed-in bundled host for the enclosing describe block (or file): started before its tests, removed after. */
export function signedInHostFor(prefix: string): { readonly host: HostProcess } {
  let started: Awaited<ReturnType<typeof startSignedInHost>> | undefined;
  beforeAll(async () => {
    started = await startSignedInHost(prefix);
  }, 60_000);
  afterAll(() => started?.close());
  return {
    get host() {
      if (!started) throw new Error('the host has not started');
      return started.host;
    },
  };
}
