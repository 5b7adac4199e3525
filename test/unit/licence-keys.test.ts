import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { licenceKeysForLaunch } from '../../src/main/licence/keys';
import { SHIPPED_LICENCE_KEYS } from '../../src/main/licence/trusted-keys';
import { trustedKeys, verifyLicence } from '../../src/main/licence/verify';
import { AppError } from '../../src/shared/errors';
import { TEST_MACHINE, makeLicence, signLicence, testSigner } from '../helpers/licence';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanups.reverse()) fn();
  cleanups = [];
});

/** Someone drops their own public key where the keys used to ship, beside app.asar. */
function dropForgedKey(root: string) {
  const forger = testSigner(`forged-${process.pid}-${Date.now()}`);
  const dir = join(root, 'resources', 'licence-keys');
  const made = !existsSync(dir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${forger.kid}.pem`);
  writeFileSync(file, forger.trusted.pem);
  cleanups.push(() => {
    rmSync(file, { force: true });
    if (made && readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
  });
  return { forger, file };
}

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('the licence keys a launch trusts', () => {
  it('are the compiled-in keys: valid Ed25519 public keys, by key id', () => {
    expect(SHIPPED_LICENCE_KEYS.map((k) => k.kid)).toEqual(['opticounter-2026-1']);
    expect([...trustedKeys(SHIPPED_LICENCE_KEYS).keys()]).toEqual(['opticounter-2026-1']);
    expect(licenceKeysForLaunch({ packaged: true, args: [] })).toEqual(SHIPPED_LICENCE_KEYS);
  });

  it('never include a key file dropped into resources/licence-keys (installed or not)', () => {
    // Where an installed app's resources are (a temp dir standing for process.resourcesPath), and
    // the development tree's resources folder.
    const installed = mkdtempSync(join(tmpdir(), 'opticounter-resources-'));
    cleanups.push(() => rmSync(installed, { recursive: true, force: true }));
    const { forger } = dropForgedKey(installed);
    const dev = dropForgedKey(repoRoot);
    for (const packaged of [true, false]) {
      const keys = licenceKeysForLaunch({ packaged, args: ['/opt/OptiCounter/opticounter', '--no-sandbox'] });
      expect(keys.map((k) => k.kid)).not.toContain(forger.kid);
      expect(keys.map((k) => k.kid)).not.toContain(dev.forger.kid);
      // A licence the forger signed for this PC does not verify.
      const forged = signLicence(dev.forger, makeLicence({}, new Date()));
      const verdict = verifyLicence(forged, { keys: trustedKeys(keys), machineId: TEST_MACHINE, now: new Date(), lastSeenAt: null });
      expect(verdict).toMatchObject({ ok: false, reasonCode: 'unknownKid' });
    }
  });

  it('refuses --trust-licence-key in an installed build, in either spelling', () => {
    const { file } = dropForgedKey(mkdtempSync(join(tmpdir(), 'opticounter-keys-')));
    for (const args of [['--trust-licence-key', file], [`--trust-licence-key=${file}`], ['--port', '0', '--trust-licence-key', file]]) {
      const err = refusal(() => licenceKeysForLaunch({ packaged: true, args }));
      expect(err.code).toBe('licence.keyRefused');
      expect(err.status).toBe(403);
      expect(err.message).toContain('installed build');
    }
  });

  it('takes --trust-licence-key in development and tests (the browser host, npm run dev)', () => {
    const { forger, file } = dropForgedKey(mkdtempSync(join(tmpdir(), 'opticounter-keys-')));
    const keys = licenceKeysForLaunch({ packaged: false, args: ['--trust-licence-key', file] });
    expect(keys.map((k) => k.kid)).toEqual([...SHIPPED_LICENCE_KEYS.map((k) => k.kid), forger.kid]);
    expect(refusal(() => licenceKeysForLaunch({ packaged: false, args: ['--trust-licence-key'] })).code).toBe('validation');
  });
});
