import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type BrowserFacts,
  browserFileProblem,
  chooseBrowser,
  ensurePrivateDir,
  fileProblem,
  findBrowser,
  firstBrowser,
  gatherFacts,
  noBrowserMessage,
  privateDirProblem,
  sparticuzCacheDir,
  systemCandidates,
  unpackSparticuz,
  versionProblem,
} from '../e2e/browser';

/** A Linux x64 machine that has every source; each test takes some away. */
const ALL: BrowserFacts = {
  platform: 'linux',
  arch: 'x64',
  override: { path: '/opt/my-chromium/chrome' },
  system: '/usr/bin/chromium',
  playwright: '/home/dev/.cache/ms-playwright/chromium-1255/chrome-linux/chrome',
  sparticuz: true,
};
const NONE: BrowserFacts = { platform: 'linux', arch: 'x64', sparticuz: false };

describe('which Chromium the e2e tests run in', () => {
  it('takes OPTICOUNTER_CHROMIUM first, then the system Chromium, then Playwright’s, then @sparticuz/chromium', () => {
    expect(chooseBrowser(ALL)).toEqual({ ok: true, source: 'env', executablePath: '/opt/my-chromium/chrome' });
    expect(chooseBrowser({ ...ALL, override: undefined })).toEqual({ ok: true, source: 'system', executablePath: '/usr/bin/chromium' });
    expect(chooseBrowser({ ...ALL, override: undefined, system: undefined })).toEqual({ ok: true, source: 'playwright', executablePath: ALL.playwright });
    expect(chooseBrowser({ ...NONE, sparticuz: true })).toEqual({ ok: true, source: 'sparticuz' });
  });

  it('uses @sparticuz/chromium on Linux x64 only', () => {
    for (const [platform, arch] of [['linux', 'arm64'], ['darwin', 'x64'], ['win32', 'x64']] as const) {
      expect(chooseBrowser({ ...NONE, platform, arch, sparticuz: true })).toEqual({ ok: false, message: noBrowserMessage(platform, arch) });
    }
  });

  it('says in one line what to install when there is none', () => {
    const choice = chooseBrowser(NONE);
    expect(choice).toEqual({ ok: false, message: noBrowserMessage('linux', 'x64') });
    const message = noBrowserMessage('linux', 'x64');
    expect(message).not.toContain('\n');
    expect(message).toContain('apt-get install chromium');
    expect(message).toContain('npx playwright install chromium');
    expect(message).toContain('OPTICOUNTER_CHROMIUM');
    expect(message).toContain('@sparticuz/chromium');
    // Elsewhere no Debian package and no bundled Chromium to point at.
    expect(noBrowserMessage('darwin', 'arm64')).not.toMatch(/apt-get|sparticuz/);
    expect(noBrowserMessage('linux', 'arm64')).not.toContain('sparticuz');
  });

  it('reports an OPTICOUNTER_CHROMIUM that leads nowhere rather than quietly taking another browser', () => {
    expect(chooseBrowser({ ...ALL, override: { path: '/nope/chrome', problem: 'no such file' } })).toEqual({
      ok: false,
      message: 'OPTICOUNTER_CHROMIUM=/nope/chrome: no such file.',
    });
  });

  it('takes only the source OPTICOUNTER_BROWSER_SOURCE names, and says when it has no browser', () => {
    expect(chooseBrowser({ ...ALL, forced: 'sparticuz' })).toEqual({ ok: true, source: 'sparticuz' });
    expect(chooseBrowser({ ...ALL, forced: 'system' })).toEqual({ ok: true, source: 'system', executablePath: '/usr/bin/chromium' });
    expect(chooseBrowser({ ...ALL, forced: 'playwright' })).toMatchObject({ ok: true, source: 'playwright' });
    expect(chooseBrowser({ ...ALL, forced: 'env' })).toMatchObject({ ok: true, source: 'env' });
    expect(chooseBrowser({ ...ALL, playwright: undefined, forced: 'playwright' })).toEqual({
      ok: false,
      message: "OPTICOUNTER_BROWSER_SOURCE=playwright, but Playwright's Chromium is not installed (`npx playwright install chromium`).",
    });
    expect(chooseBrowser({ ...ALL, platform: 'darwin', forced: 'sparticuz' })).toMatchObject({ ok: false, message: expect.stringContaining('only for Linux x64') });
    expect(chooseBrowser({ ...ALL, forced: 'firefox' })).toEqual({
      ok: false,
      message: "OPTICOUNTER_BROWSER_SOURCE must be one of env, system, playwright, sparticuz (got 'firefox').",
    });
  });

  it('looks for a system Chromium on PATH, then in /usr/bin, under its usual names', () => {
    expect(systemCandidates('linux', { PATH: '/home/dev/bin:relative/bin:/usr/bin' })).toEqual([
      '/home/dev/bin/chromium',
      '/home/dev/bin/chromium-browser',
      '/home/dev/bin/google-chrome',
      '/home/dev/bin/google-chrome-stable',
      '/usr/bin/chromium',
      '/usr/bin/chromium-browser',
      '/usr/bin/google-chrome',
      '/usr/bin/google-chrome-stable',
    ]);
    expect(systemCandidates('linux', {})).toEqual(['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable']);
    expect(systemCandidates('win32', { PROGRAMFILES: 'C:\\Program Files', LOCALAPPDATA: 'C:\\Users\\dev\\AppData\\Local' })).toEqual([
      'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
      'C:\\Users\\dev\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe',
    ]);
    expect(systemCandidates('darwin', {})[0]).toBe('/Applications/Chromium.app/Contents/MacOS/Chromium');
  });
});

describe('what counts as a browser to run (pure)', () => {
  it('wants a regular, executable file', () => {
    expect(fileProblem({ kind: 'missing', executable: false })).toBe('no such file');
    expect(fileProblem({ kind: 'directory', executable: true })).toBe('a directory, not a browser');
    expect(fileProblem({ kind: 'other', executable: false })).toBe('not a regular file');
    expect(fileProblem({ kind: 'file', executable: false })).toBe('not executable');
    expect(fileProblem({ kind: 'file', executable: true })).toBeUndefined();
  });

  it('wants --version answered with success and a Chromium-style four-part version', () => {
    expect(versionProblem({ status: 0, stdout: 'Chromium 156.0.8078.114 built on Debian GNU/Linux 12 (bookworm)\n' })).toBeUndefined();
    expect(versionProblem({ status: 0, stdout: 'Google Chrome 131.0.6778.86 \n' })).toBeUndefined();
    expect(versionProblem({ status: 0, stdout: 'ls (GNU coreutils) 9.1\nCopyright...\n' })).toBe(
      "does not answer --version as a Chromium does (it said 'ls (GNU coreutils) 9.1')",
    );
    expect(versionProblem({ status: 2, stdout: '' })).toBe('does not answer --version as a Chromium does (exit code 2)');
    expect(versionProblem({ status: null, stdout: '', error: 'spawnSync x ETIMEDOUT' })).toBe(
      'does not answer --version as a Chromium does (spawnSync x ETIMEDOUT)',
    );
  });

  it('reports why OPTICOUNTER_CHROMIUM is not a browser, in one line naming the variable', () => {
    expect(chooseBrowser({ ...ALL, override: { path: '/etc/passwd', problem: 'not executable' } })).toEqual({
      ok: false,
      message: 'OPTICOUNTER_CHROMIUM=/etc/passwd: not executable.',
    });
    // Even when another source is forced: the variable was set on purpose.
    expect(chooseBrowser({ ...ALL, forced: 'system', override: { path: '/tmp', problem: 'a directory, not a browser' } })).toEqual({
      ok: false,
      message: 'OPTICOUNTER_CHROMIUM=/tmp: a directory, not a browser.',
    });
  });

  it('says, in the same one line, which candidates it passed over and why', () => {
    const skipped = [
      { source: 'system', path: '/usr/bin/chromium', problem: 'does not answer --version as a Chromium does (exit code 1)' },
      { source: 'playwright', path: '/home/dev/.cache/ms-playwright/chromium-1255/chrome-linux/chrome', problem: 'not executable' },
    ] as const;
    const message = `${noBrowserMessage('linux', 'x64')} Skipped /usr/bin/chromium: does not answer --version as a Chromium does (exit code 1); /home/dev/.cache/ms-playwright/chromium-1255/chrome-linux/chrome: not executable.`;
    expect(chooseBrowser({ ...NONE, skipped: [...skipped] })).toEqual({ ok: false, message });
    expect(message).not.toContain('\n');
    // A forced source names only its own candidates.
    expect(chooseBrowser({ ...NONE, forced: 'system', skipped: [...skipped] })).toEqual({
      ok: false,
      message: `OPTICOUNTER_BROWSER_SOURCE=system, but no system Chromium (chromium, chromium-browser, google-chrome, google-chrome-stable on PATH or in /usr/bin, or Google Chrome). Skipped /usr/bin/chromium: does not answer --version as a Chromium does (exit code 1).`,
    });
    // One that was passed over does not stop the next source from being taken.
    expect(chooseBrowser({ ...ALL, override: undefined, system: undefined, skipped: [skipped[0]] })).toEqual({
      ok: true,
      source: 'playwright',
      executablePath: ALL.playwright,
    });
  });

  it('unpacks the bundled Chromium under the user’s cache, one folder per package version', () => {
    expect(sparticuzCacheDir({ HOME: '/home/dev' }, '153.0.0')).toBe('/home/dev/.cache/opticounter/chromium-153.0.0');
    expect(sparticuzCacheDir({ HOME: '/home/dev', XDG_CACHE_HOME: '/var/cache/dev' }, '153.0.0')).toBe('/var/cache/dev/opticounter/chromium-153.0.0');
    // The XDG spec ignores a relative XDG_CACHE_HOME; so do we (it would depend on the working directory).
    expect(sparticuzCacheDir({ HOME: '/home/dev', XDG_CACHE_HOME: 'cache' }, '153.0.0')).toBe('/home/dev/.cache/opticounter/chromium-153.0.0');
  });

  it('takes as private only a real directory of this user that nobody else can write', () => {
    const mine = { isDirectory: true, isSymbolicLink: false, uid: 1000, mode: 0o40700 };
    expect(privateDirProblem(mine, 1000)).toBeUndefined();
    expect(privateDirProblem({ ...mine, mode: 0o40755 }, 1000)).toBeUndefined();
    expect(privateDirProblem({ ...mine, uid: 1001 }, 1000)).toBe('owned by another user (uid 1001)');
    expect(privateDirProblem({ ...mine, mode: 0o40777 }, 1000)).toBe('writable by other users (mode 777)');
    expect(privateDirProblem({ ...mine, mode: 0o40770 }, 1000)).toBe('writable by other users (mode 770)');
    expect(privateDirProblem({ ...mine, isDirectory: false, isSymbolicLink: true }, 1000)).toBe('a symbolic link, not a directory');
    expect(privateDirProblem({ ...mine, isDirectory: false }, 1000)).toBe('not a directory');
  });
});

describe('probing the disk for a browser (temp files)', () => {
  let root: string;
  const savedTmpdir = process.env.TMPDIR;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'e2e-browser-'));
  });
  afterEach(() => {
    if (savedTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmpdir;
    rmSync(root, { recursive: true, force: true });
  });

  function script(name: string, body: string, mode = 0o755): string {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode });
    return file;
  }

  it('refuses a directory, a file that is not executable, and an executable that is not a Chromium', () => {
    expect(browserFileProblem(path.join(root, 'nope'))).toBe('no such file');
    expect(browserFileProblem(root)).toBe('a directory, not a browser');
    const passwd = path.join(root, 'passwd');
    writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/bash\n', { mode: 0o644 });
    expect(browserFileProblem(passwd)).toBe('not executable');
    expect(browserFileProblem(script('failing', 'exit 3'))).toBe('does not answer --version as a Chromium does (exit code 3)');
    expect(browserFileProblem(script('ls', "echo 'ls (GNU coreutils) 9.1'"))).toBe(
      "does not answer --version as a Chromium does (it said 'ls (GNU coreutils) 9.1')",
    );
    expect(browserFileProblem(script('chrome', 'echo "Chromium 153.0.8010.0"'))).toBeUndefined();
  });

  it('stops at an OPTICOUNTER_CHROMIUM that is not a browser, saying why', async () => {
    for (const [file, why] of [
      [root, 'a directory, not a browser'],
      [script('passwd', 'echo', 0o644), 'not executable'],
    ] as const) {
      expect(await findBrowser({ PATH: '/usr/bin', OPTICOUNTER_CHROMIUM: file })).toEqual({ ok: false, message: `OPTICOUNTER_CHROMIUM=${file}: ${why}.` });
    }
    const chrome = script('chrome', 'echo "Chromium 153.0.8010.0"');
    expect(await findBrowser({ PATH: '/usr/bin', OPTICOUNTER_CHROMIUM: chrome })).toEqual({ ok: true, source: 'env', executablePath: chrome, env: {} });
  });

  it('passes over a system or Playwright candidate that is no browser, saying why, and takes the next', () => {
    const failing = script('fakebin/chromium', `echo ran >> ${root}/failing.txt\nexit 1`);
    mkdirSync(path.join(root, 'dirbin', 'chromium'), { recursive: true });
    const passwd = script('plainbin/chromium-browser', 'echo', 0o644);
    const chrome = script('goodbin/google-chrome', `echo ran >> ${root}/good.txt\necho "Chromium 153.0.8010.0"`);
    script('laterbin/chromium', `echo ran >> ${root}/later.txt\necho "Chromium 153.0.8010.0"`);
    symlinkSync(path.join(root, 'fakebin'), path.join(root, 'fakelink'));
    const dirs = ['fakebin', 'fakelink', 'dirbin', 'plainbin', 'goodbin', 'laterbin'].map((d) => path.join(root, d));

    expect(firstBrowser('system', systemCandidates('linux', { PATH: dirs.join(':') }))).toEqual({
      found: chrome,
      skipped: [
        { source: 'system', path: failing, problem: 'does not answer --version as a Chromium does (exit code 1)' },
        { source: 'system', path: path.join(root, 'dirbin', 'chromium'), problem: 'a directory, not a browser' },
        { source: 'system', path: passwd, problem: 'not executable' },
      ],
    });
    // One --version per file, the same file reached by a link included, and none after the one found.
    expect(readFileSync(path.join(root, 'failing.txt'), 'utf8')).toBe('ran\n');
    expect(readFileSync(path.join(root, 'good.txt'), 'utf8')).toBe('ran\n');
    expect(existsSync(path.join(root, 'later.txt'))).toBe(false);
    // Playwright's one candidate goes through the same check.
    expect(firstBrowser('playwright', [failing])).toEqual({
      skipped: [{ source: 'playwright', path: failing, problem: 'does not answer --version as a Chromium does (exit code 1)' }],
    });
    expect(firstBrowser('playwright', [path.join(root, 'nope')])).toEqual({ skipped: [] });
  });

  it('does not take a `chromium` on PATH that exits 1 (the reviewer’s repro), and probes no further than needed', async () => {
    const failing = script('fakebin/chromium', 'exit 1');
    const chrome = script('goodbin/chromium', `echo ran >> ${root}/good.txt\necho "Chromium 153.0.8010.0"`);
    const PATH = `${path.join(root, 'fakebin')}:${path.join(root, 'goodbin')}:${process.env.PATH}`;
    const facts = await gatherFacts({ ...process.env, OPTICOUNTER_CHROMIUM: undefined, OPTICOUNTER_BROWSER_SOURCE: undefined, PATH });
    expect(facts).toMatchObject({
      system: chrome,
      skipped: [{ source: 'system', path: failing, problem: 'does not answer --version as a Chromium does (exit code 1)' }],
    });
    expect(chooseBrowser(facts)).toEqual({ ok: true, source: 'system', executablePath: chrome });

    // Once OPTICOUNTER_CHROMIUM answers, or another source is forced, the system candidates are not run.
    rmSync(path.join(root, 'good.txt'));
    const env = script('env/chrome', 'echo "Chromium 153.0.8010.0"');
    for (const facts of [await gatherFacts({ PATH, OPTICOUNTER_CHROMIUM: env }), await gatherFacts({ PATH, OPTICOUNTER_BROWSER_SOURCE: 'playwright' })]) {
      expect(facts.system).toBeUndefined();
      expect(facts.skipped).toEqual([]);
    }
    expect(existsSync(path.join(root, 'good.txt'))).toBe(false);
  });

  it('creates the private folder 0700, and refuses one that others can write or that is a link', () => {
    const dir = path.join(root, 'cache', 'opticounter', 'chromium-1');
    expect(ensurePrivateDir(dir)).toBeUndefined();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.dirname(dir)).mode & 0o777).toBe(0o700);
    expect(ensurePrivateDir(dir)).toBeUndefined(); // a second run takes it as it is
    chmodSync(dir, 0o777);
    expect(ensurePrivateDir(dir)).toBe(`${dir} is writable by other users (mode 777)`);
    chmodSync(dir, 0o700);
    chmodSync(path.dirname(dir), 0o777);
    expect(ensurePrivateDir(dir)).toBe(`${path.dirname(dir)} is writable by other users (mode 777)`);
  });

  /** A stand-in for @sparticuz/chromium's bin folder: tiny archives laid out as the real ones. */
  function fakeSparticuzBin(): string {
    const bin = path.join(root, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'chromium.br'), brotliCompressSync(`#!/bin/sh\necho ran >> "$(dirname "$0")/ran.txt"\necho "Chromium 153.0.8010.0"\n`));
    const tarBr = (name: string, files: Record<string, string>) => {
      const src = path.join(root, `src-${name}`);
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(src, file)), { recursive: true });
        writeFileSync(path.join(src, file), text);
      }
      const tar = spawnSync('tar', ['-cf', '-', '-C', src, '.']);
      expect(tar.status).toBe(0);
      writeFileSync(path.join(bin, `${name}.tar.br`), brotliCompressSync(tar.stdout));
    };
    tarBr('fonts', { 'NotoSans.ttf': 'font' });
    tarBr('swiftshader', { 'libGLESv2.so': 'gl', 'libEGL.so': 'egl' });
    tarBr('al2023', { 'lib/libnss3.so': 'nss' });
    return bin;
  }

  it('unpacks the bundled Chromium into the private folder, never running what sits in $TMPDIR', async () => {
    // The reviewer's repro: someone else's `chromium` in a shared temp folder.
    const shared = path.join(root, 'shared');
    const planted = script('shared/chromium', `echo ran >> ${shared}/ran.txt\necho "Chromium 1.0.0.0"`);
    process.env.TMPDIR = shared;
    const bin = fakeSparticuzBin();
    const cache = path.join(root, 'cache', 'opticounter', 'chromium-153.0.0');

    const found = await unpackSparticuz(bin, cache);
    expect(found).toEqual({
      ok: true,
      source: 'sparticuz',
      executablePath: path.join(cache, 'chromium'),
      env: { LD_LIBRARY_PATH: expect.stringMatching(new RegExp(`^${path.join(cache, 'al2023', 'lib')}($|:)`)) },
    });
    expect(existsSync(path.join(shared, 'ran.txt'))).toBe(false);
    expect(readdirSync(shared)).toEqual([path.basename(planted)]);
    // All of it lands in the private folder: the fonts, the GL libraries beside the binary, the NSS libraries.
    for (const file of ['fonts/NotoSans.ttf', 'libGLESv2.so', 'libEGL.so', 'al2023/lib/libnss3.so']) expect(existsSync(path.join(cache, file))).toBe(true);
    expect(process.env.TMPDIR).toBe(shared);

    // A second run reuses the unpacked binary: the archives are not read again.
    const inode = statSync(path.join(cache, 'chromium')).ino;
    rmSync(bin, { recursive: true });
    expect(await unpackSparticuz(bin, cache)).toMatchObject({ ok: true, executablePath: path.join(cache, 'chromium') });
    expect(statSync(path.join(cache, 'chromium')).ino).toBe(inode);
  });

  it('refuses to unpack into a folder others can write, and says to delete a binary that does not run', async () => {
    const bin = fakeSparticuzBin();
    const cache = path.join(root, 'cache', 'chromium-153.0.0');
    mkdirSync(cache, { recursive: true, mode: 0o700 });
    chmodSync(cache, 0o777);
    expect(await unpackSparticuz(bin, cache)).toEqual({
      ok: false,
      message: `Cannot unpack @sparticuz/chromium: ${cache} is writable by other users (mode 777).`,
    });
    expect(existsSync(path.join(cache, 'chromium'))).toBe(false);

    chmodSync(cache, 0o700);
    writeFileSync(path.join(cache, 'chromium'), '#!/bin/sh\nexit 1\n', { mode: 0o700 }); // as left by an unpack cut short
    expect(await unpackSparticuz(bin, cache)).toEqual({
      ok: false,
      message: `${path.join(cache, 'chromium')} (unpacked from @sparticuz/chromium) does not run: delete it and try again.`,
    });
  });
});
