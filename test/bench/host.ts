import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';

/*
 * The browser host in its own process, as the benchmarks measure it: the bundled build
 * (out/main/browser-host.js, from `npx electron-vite build`) under plain node, as the app ships its
 * main process; tsx's on-the-fly compiling alone adds ~100 MB of memory and slows the start. Without
 * a build, the sources under tsx, said in the report.
 */
export const BUILT_HOST = 'out/main/browser-host.js';

export interface BenchHost {
  child: ChildProcessByStdio<null, Readable, null>;
  url: string;
  /** "built" or "tsx (no build: npx electron-vite build)". */
  how: string;
  /** Settles once the host logs its search index ready (searches before are answered from the store, more slowly). */
  indexReady: Promise<void>;
  /** Settles once the start-up's background work is over too: the index, and the audit chain's check. */
  settled: Promise<void>;
}

export async function startBenchHost(dir: string, token: string, nodeFlags: string[] = []): Promise<BenchHost> {
  const built = existsSync(BUILT_HOST);
  const entry = built ? [BUILT_HOST] : ['--import', 'tsx', 'src/main/browser-host.ts'];
  const child = spawn(process.execPath, [...nodeFlags, ...entry, '--port', '0', '--data-dir', dir], {
    env: { ...process.env, OPTICOUNTER_HOST_TOKEN: token },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  let indexed: () => void = () => undefined;
  const indexReady = new Promise<void>((resolve) => {
    indexed = resolve;
  });
  let checked: () => void = () => undefined;
  const chainChecked = new Promise<void>((resolve) => {
    checked = resolve;
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1] as string);
      if (out.includes('search index ready')) indexed();
      if (out.includes('audit trail: hash chain intact')) checked();
    });
    child.on('exit', (code) => reject(new Error(`host exited with ${code}`)));
  });
  const settled = Promise.all([indexReady, chainChecked]).then(() => undefined);
  return { child, url, how: built ? 'built' : 'tsx (no build: npx electron-vite build)', indexReady, settled };
}
