#!/usr/bin/env node
/*
 * `npm start`: OptiCounter as a desktop app when Electron's binary is here (fetching it first when
 * this machine can), otherwise the same app served to the browser by the browser host.
 * Arguments after `--` go to the browser host (`npm start -- --port 8080 --data-dir ./data`).
 *
 * Electron's own postinstall is denied in package.json (allowScripts) so that `npm install` works
 * offline and in CI; its binary is fetched here, when it is first needed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const args = process.argv.slice(2);
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

const electronDir = dirname(require.resolve('electron/package.json'));

/** The binary's path, or null. (Requiring 'electron' would try a download as a side effect.) */
function electronBinary() {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

/** Tries Electron's own installer; returns why it could not, or null on success. */
function fetchElectron() {
  if (process.env.OPTICOUNTER_BROWSER === '1') return 'OPTICOUNTER_BROWSER=1 is set';
  console.log('Fetching Electron (first start only)…');
  const res = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'ignore', timeout: 300_000 });
  return res.status === 0 && electronBinary() ? null : 'it could not be downloaded from here';
}

/**
 * Tests and the browser host use better-sqlite3 built for Node; Electron needs its own ABI. Build a
 * copy for Electron beside the app instead of rebuilding node_modules (which would break `npm test`).
 */
function electronSqlite() {
  const out = join(root, '.electron-native', 'better_sqlite3.node');
  const stamp = join(root, '.electron-native', 'built-for.txt');
  const version = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
  const builtFor = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : null;
  // Rebuilt when Electron (its ABI) or better-sqlite3 changes.
  const want = `electron ${version}, better-sqlite3 ${JSON.parse(readFileSync(require.resolve('better-sqlite3/package.json'), 'utf8')).version}`;
  if (existsSync(out) && builtFor === want) return null;
  const src = join(root, '.electron-native', 'better-sqlite3');
  rmSync(src, { recursive: true, force: true });
  cpSync(dirname(require.resolve('better-sqlite3/package.json')), src, { recursive: true, filter: (p) => !p.includes(`${join('better-sqlite3', 'build')}`) });
  console.log(`Building the SQLite addon for Electron ${version} (first start only)…`);
  const gyp = process.env.npm_config_node_gyp ? [process.execPath, [process.env.npm_config_node_gyp]] : [npx, ['--yes', 'node-gyp']];
  const res = spawnSync(gyp[0], [...gyp[1], 'rebuild', '--release', `--target=${version}`, '--dist-url=https://electronjs.org/headers'], {
    cwd: src,
    stdio: 'inherit',
  });
  if (res.status !== 0) return 'the SQLite addon could not be built for Electron';
  mkdirSync(dirname(out), { recursive: true });
  copyFileSync(join(src, 'build', 'Release', 'better_sqlite3.node'), out);
  writeFileSync(stamp, want);
  return null;
}

function run(cmd, argv) {
  const child = spawn(cmd, argv, { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function build() {
  const res = spawnSync(npx, ['electron-vite', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

const missing = electronBinary() ? null : fetchElectron();
const blocker = missing ?? electronSqlite();

build();
if (!blocker) {
  run(electronBinary(), ['.']);
} else {
  console.log(`Electron's binary is not available (${blocker}); serving OptiCounter in your browser instead.`);
  run(process.execPath, ['--import', 'tsx', join(root, 'src/main/browser-host.ts'), ...args]);
}
