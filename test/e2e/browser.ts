import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/*
 * Which Chromium the e2e tests run in, so that `npm test` works on a machine without Debian's
 * Chromium. In order: OPTICOUNTER_CHROMIUM, a system Chromium, Playwright's own browser if
 * installed, then (Linux x64 only) the Chromium that @sparticuz/chromium ships inside its npm
 * tarball. OPTICOUNTER_BROWSER_SOURCE=<source> takes that step alone (to run the suite in a given
 * browser, or prove one works). The choice is pure; probing the disk is `findBrowser()` below.
 */

export const BROWSER_SOURCES = ['env', 'system', 'playwright', 'sparticuz'] as const;
export type BrowserSource = (typeof BROWSER_SOURCES)[number];

/** What the disk says, cheap to learn: nothing here unpacks anything. */
export type BrowserFacts = {
  platform: NodeJS.Platform;
  arch: string;
  /** OPTICOUNTER_BROWSER_SOURCE as set (unchecked). */
  forced?: string | undefined;
  /** OPTICOUNTER_CHROMIUM as set, and why it is no browser to run, if it is not. */
  override?: { path: string; problem?: string | undefined } | undefined;
  /** The first system Chromium or Chrome that answers as one. */
  system?: string | undefined;
  /** Playwright's own Chromium, when `npx playwright install chromium` put it there and it answers. */
  playwright?: string | undefined;
  /** @sparticuz/chromium is installed (its binary is unpacked only if it is chosen). */
  sparticuz: boolean;
  /** Candidates that exist but are no browser to run, in the order tried. */
  skipped?: SkippedBrowser[] | undefined;
};

/** A candidate passed over, and why: kept so that the line saying there is no browser can name it. */
export type SkippedBrowser = { source: BrowserSource; path: string; problem: string };

export type BrowserChoice =
  | { ok: true; source: Exclude<BrowserSource, 'sparticuz'>; executablePath: string }
  | { ok: true; source: 'sparticuz' }
  | { ok: false; message: string };

/** Names a system Chromium goes by on PATH, most specific first. */
const LINUX_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** Where a system Chromium may be, in order; the caller keeps the first that exists. */
export function systemCandidates(platform: NodeJS.Platform, env: Record<string, string | undefined>): string[] {
  if (platform === 'win32') {
    const roots = [env['PROGRAMFILES'], env['PROGRAMFILES(X86)'], env['LOCALAPPDATA']].filter((r): r is string => !!r);
    return roots.map((root) => path.win32.join(root, 'Google', 'Chrome', 'Application', 'chrome.exe'));
  }
  if (platform === 'darwin') {
    return ['/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];
  }
  // /usr/bin last of all: it is usually on PATH already, but a test's stripped PATH must not hide it.
  const dirs = [...(env['PATH'] ?? '').split(path.posix.delimiter).filter((d) => d.startsWith('/')), '/usr/bin'];
  return [...new Set(dirs.flatMap((dir) => LINUX_NAMES.map((name) => path.posix.join(dir, name))))];
}

/** The line `npm test` prints when there is no browser: what to install, for this machine. */
export function noBrowserMessage(platform: NodeJS.Platform, arch: string): string {
  const system = platform === 'linux' ? "Debian's chromium (`apt-get install chromium`)" : 'Google Chrome';
  const bundled = platform === 'linux' && arch === 'x64' ? '; `npm install` also brings the bundled @sparticuz/chromium' : '';
  return `No Chromium for the e2e tests: install ${system} or Playwright's (\`npx playwright install chromium\`), or set OPTICOUNTER_CHROMIUM=/path/to/chromium${bundled}.`;
}

const UNAVAILABLE: Record<BrowserSource, string> = {
  env: 'OPTICOUNTER_CHROMIUM is not set',
  system: `no system Chromium (${LINUX_NAMES.join(', ')} on PATH or in /usr/bin, or Google Chrome)`,
  playwright: "Playwright's Chromium is not installed (`npx playwright install chromium`)",
  sparticuz: '@sparticuz/chromium is only for Linux x64 and must be installed (`npm install`)',
};

function sparticuzUsable(facts: BrowserFacts): boolean {
  return facts.sparticuz && facts.platform === 'linux' && facts.arch === 'x64';
}

/** The step `source` yields, or undefined when it has nothing. */
function step(source: BrowserSource, facts: BrowserFacts): BrowserChoice | undefined {
  switch (source) {
    case 'env':
      return facts.override ? { ok: true, source, executablePath: facts.override.path } : undefined;
    case 'system':
      return facts.system ? { ok: true, source, executablePath: facts.system } : undefined;
    case 'playwright':
      return facts.playwright ? { ok: true, source, executablePath: facts.playwright } : undefined;
    case 'sparticuz':
      return sparticuzUsable(facts) ? { ok: true, source } : undefined;
  }
}

/** ` Skipped <path>: <why>; ….` for the candidates of `sources` passed over, or nothing. */
function skippedNote(facts: BrowserFacts, sources: readonly BrowserSource[]): string {
  const skipped = (facts.skipped ?? []).filter((s) => sources.includes(s.source));
  return skipped.length ? ` Skipped ${skipped.map((s) => `${s.path}: ${s.problem}`).join('; ')}.` : '';
}

/** The first source that has a browser, or the one line saying what to install. */
export function chooseBrowser(facts: BrowserFacts): BrowserChoice {
  // A path set on purpose that leads nowhere is a mistake to report, not to paper over with another browser.
  if (facts.override?.problem) return { ok: false, message: `OPTICOUNTER_CHROMIUM=${facts.override.path}: ${facts.override.problem}.` };
  if (facts.forced !== undefined) {
    const forced = BROWSER_SOURCES.find((s) => s === facts.forced);
    if (!forced) return { ok: false, message: `OPTICOUNTER_BROWSER_SOURCE must be one of ${BROWSER_SOURCES.join(', ')} (got '${facts.forced}').` };
    return step(forced, facts) ?? { ok: false, message: `OPTICOUNTER_BROWSER_SOURCE=${forced}, but ${UNAVAILABLE[forced]}.${skippedNote(facts, [forced])}` };
  }
  for (const source of BROWSER_SOURCES) {
    const found = step(source, facts);
    if (found) return found;
  }
  return { ok: false, message: `${noBrowserMessage(facts.platform, facts.arch)}${skippedNote(facts, BROWSER_SOURCES)}` };
}

/** What a file is, as far as running it goes. */
export type FileFacts = { kind: 'missing' | 'directory' | 'other' | 'file'; executable: boolean };

/** Why a file cannot be a browser to launch, or undefined when it can. */
export function fileProblem(file: FileFacts): string | undefined {
  if (file.kind === 'missing') return 'no such file';
  if (file.kind === 'directory') return 'a directory, not a browser';
  if (file.kind === 'other') return 'not a regular file';
  return file.executable ? undefined : 'not executable';
}

/** What `<browser> --version` did. */
export type VersionRun = { status: number | null; stdout: string; error?: string | undefined };

/**
 * Why a `--version` run says this is no Chromium, or undefined. Chromium, Chrome, Edge and Brave all
 * print a four-part version; `ls`, `true` or a script do not, so a wrong path fails here in one line
 * rather than in every test with a launch log.
 */
export function versionProblem(run: VersionRun): string | undefined {
  const why = 'does not answer --version as a Chromium does';
  if (run.error) return `${why} (${run.error})`;
  if (run.status !== 0) return `${why} (exit code ${run.status})`;
  const firstLine = run.stdout.trim().split('\n')[0] ?? '';
  return /\b\d+\.\d+\.\d+\.\d+\b/.test(firstLine) ? undefined : `${why} (it said '${firstLine}')`;
}

/** A folder's metadata, as far as trusting what is in it goes. */
export type DirFacts = { isDirectory: boolean; isSymbolicLink: boolean; uid: number; mode: number };

/** Why nobody but user `uid` may be trusted to have written in this folder, or undefined. */
export function privateDirProblem(dir: DirFacts, uid: number): string | undefined {
  if (dir.isSymbolicLink) return 'a symbolic link, not a directory';
  if (!dir.isDirectory) return 'not a directory';
  if (dir.uid !== uid) return `owned by another user (uid ${dir.uid})`;
  if (dir.mode & 0o022) return `writable by other users (mode ${(dir.mode & 0o777).toString(8)})`;
  return undefined;
}

/**
 * Where the bundled Chromium is unpacked: the user's cache (XDG), one folder per package version so
 * an upgrade never runs the old binary. Not the package's default, a shared /tmp where anyone may
 * have left a `chromium`; not node_modules, which may be shared between checkouts.
 */
export function sparticuzCacheDir(env: Record<string, string | undefined>, version: string): string {
  const xdg = env['XDG_CACHE_HOME'];
  const cache = xdg && path.isAbsolute(xdg) ? xdg : path.join(env['HOME'] || os.homedir(), '.cache');
  return path.join(cache, 'opticounter', `chromium-${version}`);
}

// ---- I/O: probing the disk, and unpacking @sparticuz/chromium when it is the one chosen ----

export type FoundBrowser = {
  ok: true;
  source: BrowserSource;
  executablePath: string;
  /** Extra environment for the browser process (the bundled Chromium's own libraries). */
  env: Record<string, string>;
};

const resolveHere = createRequire(import.meta.url);

/** The folder of @sparticuz/chromium's brotli archives, or undefined when the package is absent. */
function sparticuzBinDir(): string | undefined {
  try {
    const dir = path.join(path.dirname(resolveHere.resolve('@sparticuz/chromium')), '..', 'bin');
    return existsSync(path.join(dir, 'chromium.br')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Where Playwright's Chromium would be (it may not be installed), or nothing. */
async function playwrightCandidates(): Promise<string[]> {
  const { chromium } = await import('@playwright/test');
  try {
    return [chromium.executablePath()];
  } catch {
    return []; // a platform Playwright has no build for
  }
}

function fileFacts(file: string): FileFacts {
  let stats;
  try {
    stats = statSync(file);
  } catch {
    return { kind: 'missing', executable: false };
  }
  const kind = stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : 'other';
  try {
    accessSync(file, constants.X_OK);
    return { kind, executable: true };
  } catch {
    return { kind, executable: false };
  }
}

function askVersion(file: string, env: Record<string, string | undefined>): VersionRun {
  const run = spawnSync(file, ['--version'], { env, timeout: 20_000, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout ?? '', error: run.error?.message };
}

/** Why this file is no browser to launch (not a regular executable, or no Chromium by its --version). */
export function browserFileProblem(file: string): string | undefined {
  const problem = fileProblem(fileFacts(file));
  if (problem) return problem;
  // Chrome on Windows does not answer --version on the console: it would open a window instead.
  return process.platform === 'win32' ? undefined : versionProblem(askVersion(file, process.env));
}

/**
 * The first of `files` that is a browser to launch, and those that exist but are not, with why (a
 * missing one is passed silently: most candidates are). One --version per file, the same file reached
 * through a link asked once, none after the one found.
 */
export function firstBrowser(source: BrowserSource, files: readonly string[]): { found?: string; skipped: SkippedBrowser[] } {
  const skipped: SkippedBrowser[] = [];
  const asked = new Set<string>();
  for (const file of files) {
    if (!existsSync(file)) continue;
    const real = realpathSync(file);
    if (asked.has(real)) continue;
    asked.add(real);
    const problem = browserFileProblem(file);
    if (!problem) return { found: file, skipped };
    skipped.push({ source, path: file, problem });
  }
  return { skipped };
}

/** Creates `dir` (and its missing parents) 0700, then checks that it and its parent are this user's alone. */
export function ensurePrivateDir(dir: string): string | undefined {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const uid = process.getuid?.() ?? 0;
  for (const folder of [path.dirname(dir), dir]) {
    const stats = lstatSync(folder);
    const dirFacts = { isDirectory: stats.isDirectory(), isSymbolicLink: stats.isSymbolicLink(), uid: stats.uid, mode: stats.mode };
    const problem = privateDirProblem(dirFacts, uid);
    if (problem) return `${folder} is ${problem}`;
  }
  return undefined;
}

/**
 * Probes the sources in order, each only while the choice is still open (and, when one is forced,
 * that one alone): a candidate costs a --version run, so nothing is asked past the browser found.
 */
export async function gatherFacts(env: Record<string, string | undefined> = process.env): Promise<BrowserFacts> {
  const override = env['OPTICOUNTER_CHROMIUM'];
  const facts: BrowserFacts = {
    platform: process.platform,
    arch: process.arch,
    forced: env['OPTICOUNTER_BROWSER_SOURCE'] || undefined,
    override: override ? { path: override, problem: browserFileProblem(override) } : undefined,
    sparticuz: sparticuzBinDir() !== undefined,
    skipped: [],
  };
  const earlier = (source: BrowserSource) => BROWSER_SOURCES.slice(0, BROWSER_SOURCES.indexOf(source));
  const open = (source: BrowserSource) =>
    !facts.override?.problem && (facts.forced === undefined ? !earlier(source).some((s) => step(s, facts)) : facts.forced === source);
  for (const [source, candidates] of [
    ['system', async () => systemCandidates(process.platform, env)],
    ['playwright', playwrightCandidates],
  ] as const) {
    if (!open(source)) continue;
    const { found, skipped } = firstBrowser(source, await candidates());
    facts[source] = found;
    facts.skipped?.push(...skipped);
  }
  return facts;
}

/** Runs `fn` with os.tmpdir() answering `dir`: @sparticuz/chromium unpacks to, and reuses from, os.tmpdir(). */
async function withTmpdir<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

/**
 * Unpacks the bundled Chromium from `binDir` into `cacheDir` (`chromium`, once, a few seconds; its
 * fonts and GL libraries beside it) and its NSS libraries (`al2023/lib`, which the package itself
 * unpacks only on AWS), so that it runs on a machine that has no Chromium's libraries either. The
 * package takes any existing `chromium` in os.tmpdir() as its own, so os.tmpdir() is pointed at a
 * folder only this user can write.
 */
export async function unpackSparticuz(binDir: string, cacheDir: string): Promise<FoundBrowser | { ok: false; message: string }> {
  const unsafe = ensurePrivateDir(cacheDir);
  if (unsafe) return { ok: false, message: `Cannot unpack @sparticuz/chromium: ${unsafe}.` };
  const [executablePath, libs] = await withTmpdir(cacheDir, async () => {
    const { default: Chromium, inflate } = await import('@sparticuz/chromium');
    return Promise.all([Chromium.executablePath(binDir), inflate(path.join(binDir, 'al2023.tar.br'))]);
  });
  const browserEnv = { LD_LIBRARY_PATH: [path.join(libs, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(path.delimiter) };
  // An unpack cut short (Ctrl+C on the first run) leaves a file that exists but cannot run.
  if (versionProblem(askVersion(executablePath, { ...process.env, ...browserEnv }))) {
    return { ok: false, message: `${executablePath} (unpacked from @sparticuz/chromium) does not run: delete it and try again.` };
  }
  return { ok: true, source: 'sparticuz', executablePath, env: browserEnv };
}

/** The browser the e2e tests will use, or the one line saying what to install. */
export async function findBrowser(env: Record<string, string | undefined> = process.env): Promise<FoundBrowser | { ok: false; message: string }> {
  const choice = chooseBrowser(await gatherFacts(env));
  if (!choice.ok) return choice;
  if (choice.source === 'sparticuz') {
    const binDir = sparticuzBinDir();
    if (!binDir) return { ok: false, message: UNAVAILABLE.sparticuz };
    const { version } = JSON.parse(readFileSync(path.join(binDir, '..', 'package.json'), 'utf8')) as { version: string };
    return unpackSparticuz(binDir, sparticuzCacheDir(env, version));
  }
  return { ...choice, env: {} };
}
