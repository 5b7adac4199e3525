import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AppError } from '../shared/errors';
import { type GoodBackup, describeGoodBackup } from './backup/service';
import { systemClock } from './clock';
import { scaledTimeline } from './sync/timeline';
import { openCore, restoreLatestGood } from './core';
import { lockDataDir, unlockDataDir } from './data-dir-lock';
import { preferSmallHeap } from './heap';
import { createHostServer } from './host/server';
import { licenceKeysForLaunch } from './licence/keys';
import { defaultDataDir } from './paths';

/**
 * `npm run start:browser -- --port N --data-dir DIR`: the same core as the desktop app, in plain
 * Node, on 127.0.0.1 only, serving the built renderer and every channel as POST /api/<channel>.
 */
async function main() {
  preferSmallHeap();
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'data-dir': { type: 'string' },
      'restore-latest-backup': { type: 'boolean', default: false },
      // DEVELOPMENT/TEST ONLY: a licence public key to trust besides the compiled-in ones (SPKI PEM;
      // key id = base name without .pem). Refused when NODE_ENV=production (licence/keys.ts).
      'trust-licence-key': { type: 'string', multiple: true, default: [] },
      // TEST/DEMO KNOB ONLY: moves the core's clock by N days (e.g. past the trial's end).
      'clock-offset-days': { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a whole number from 0 to 65535 (got "${values.port}")`);
    process.exit(2);
  }
  const dataDir = values['data-dir'] ?? process.env.OPTICOUNTER_DATA_DIR ?? defaultDataDir();
  const fixedToken = process.env.OPTICOUNTER_HOST_TOKEN;
  const token = fixedToken || randomBytes(24).toString('base64url');
  const root = new URL('../../', import.meta.url);
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };

  try {
    lockDataDir(dataDir);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }

  if (values['restore-latest-backup']) {
    const name = restoreLatestGood(dataDir);
    console.log(name ? `restored the latest good backup: ${name}` : 'no good backup was found');
  }
  let trustedLicenceKeys;
  try {
    trustedLicenceKeys = licenceKeysForLaunch({ packaged: process.env.NODE_ENV === 'production', args: process.argv.slice(2) });
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  }
  const offsetDays = Number(values['clock-offset-days'] ?? process.env.OPTICOUNTER_CLOCK_OFFSET_DAYS ?? 0);
  if (!Number.isFinite(offsetDays)) {
    console.error(`--clock-offset-days must be a number of days (got "${values['clock-offset-days']}")`);
    process.exit(2);
  }
  if (offsetDays !== 0) console.log(`TEST CLOCK: the core's time is moved by ${offsetDays} days (--clock-offset-days / OPTICOUNTER_CLOCK_OFFSET_DAYS)`);
  const clock = offsetDays === 0 ? systemClock : { now: () => new Date(Date.now() + offsetDays * 86_400_000) };
  // TEST KNOB ONLY (env): sync's rate limiter and timers run N times faster, for tests of long syncs
  // against a test cloud whose rate limiter runs on the same scale (sync/timeline.ts).
  const syncTimeScale = Number(process.env.OPTICOUNTER_SYNC_TIME_SCALE ?? 1);
  if (!(syncTimeScale > 0)) {
    console.error(`OPTICOUNTER_SYNC_TIME_SCALE must be a positive number (got "${process.env.OPTICOUNTER_SYNC_TIME_SCALE}")`);
    process.exit(2);
  }
  if (syncTimeScale !== 1) console.log(`TEST CLOCK: sync's timers run ${syncTimeScale} times faster (OPTICOUNTER_SYNC_TIME_SCALE)`);
  const syncTimeline = scaledTimeline(syncTimeScale);

  // Told to stop from the start on: during the opening (which may wait for the start's check, 20–70 s
  // on a cold disk) the check is ended and the host exits as it does once open (review 22).
  let stopping = false;
  let stopOpen: (() => void) | null = null;
  const opening = new AbortController();
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing the database`);
    if (stopOpen) stopOpen();
    else opening.abort();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const core = await openCore({ dataDir, appVersion: pkg.version, trustedLicenceKeys, clock, syncTimeline, abandon: opening.signal }).catch((err: unknown) => {
    if (stopping) {
      unlockDataDir();
      process.exit(0);
    }
    if (err instanceof AppError && err.code === 'db.corrupt') exitDamaged(err);
    throw err;
  });
  const server = createHostServer({ core, token, staticDir: fileURLToPath(new URL('out/renderer', root)) });
  stopOpen = () => {
    server.close();
    server.closeAllConnections();
    void core.close().then(() => {
      unlockDataDir();
      process.exit(0);
    });
  };
  if (stopping) return stopOpen();
  // The check runs on while the host answers (searches meanwhile, writes wait): found damaged, it stops as above.
  core.checked.catch(async (err: unknown) => {
    if (!(err instanceof AppError && err.code === 'db.corrupt')) return;
    server.close();
    server.closeAllConnections();
    await core.close();
    unlockDataDir();
    exitDamaged(err);
  });

  server.listen(port, '127.0.0.1', () => {
    const { port: actual } = server.address() as AddressInfo;
    console.log(`OptiCounter data: ${dataDir}`);
    // The token travels in the URL fragment, which browsers never send to the server or log.
    if (!fixedToken) console.log(`open http://127.0.0.1:${actual}/#token=${token}`);
    console.log(`listening on http://127.0.0.1:${actual}`);
  });
}

/** A damaged database: says which backup would bring it back, rather than a stack trace, and exits. */
function exitDamaged(err: AppError): never {
  const latest = err.details?.latestGoodBackup as GoodBackup | null;
  console.error(`${err.message}.${latest ? ` Start again with --restore-latest-backup to restore ${describeGoodBackup(latest)}` : ' No good backup was found.'}`);
  // What the check found (SQLite's lines: pages and tables, never a customer's data), for whoever looks into it.
  for (const problem of (err.details?.problems as string[] | undefined) ?? []) console.error(`  ${problem}`);
  process.exit(1);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
