import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import type { Envelope, ErrorShape } from '../../src/shared/errors';
import { type CloudServer, startCloud } from '../cloud/server';
import { OWNER, manualClock, openTestCore, tempDir } from '../helpers/core';
import { signedInHostFor } from '../helpers/host-process';
import { TEST_MACHINE } from '../helpers/licence';

/*
 * Bursts on every rate-limited channel: sign-in (per account), PIN unlock (per account's PIN),
 * licence activation (the licence server's limit). Black-box: the core is asked nothing it does not
 * already answer. How many secrets were actually checked is counted from the answers (a wrong secret
 * answered "wrong" was checked; one answered "too many attempts" was not), and the decisive probe is
 * the right secret sent last in the burst: once the limit is hit it must be refused with
 * auth.rateLimited until the window has passed, whatever the concurrency.
 */

/** Five failed attempts a minute per account (or per PIN): README "Staff, roles and the audit trail". */
const MAX_CHECKS_PER_WINDOW = 5;
const WINDOW_MS = 60_000;
/**
 * "Another channel answers within ~1 s during the burst": 1 s asked; the half second on top is for
 * the two cores this suite shares with everything else on a CI machine.
 */
const LIVENESS_MS = 1_500;
// On today's code every attempt of a burst is checked (~45 ms of argon2 each, one after the other),
// so a burst can take a minute or more before its answers can be counted.
const BURST_TIMEOUT_MS = 240_000;

const SAM = { username: 'sam', displayName: 'Sam Counter', password: 'sam-password-1', role: 'staff' as const, pin: '1357' };

type Answer = Envelope<unknown>;

function errorOf(a: Answer): ErrorShape | null {
  return a.ok ? null : a.error;
}

/** How the burst's answers split: checked and wrong, refused by the limit, anything else. */
function tally(answers: Answer[]) {
  const checkedWrong = answers.filter((a) => errorOf(a)?.code === 'auth.invalidCredentials').length;
  const limited = answers.filter((a) => errorOf(a)?.code === 'auth.rateLimited');
  const other = answers.filter((a) => a.ok || !['auth.invalidCredentials', 'auth.rateLimited'].includes(a.error.code));
  return { checkedWrong, limited, other: other.map((a) => (a.ok ? 'ok' : `${a.error.code} ${a.error.status}`)) };
}

/** Runs `probe` while `burst` is under way and returns how long the probe's answer took. */
async function timedProbe(probe: () => Promise<Answer>): Promise<{ ms: number; answer: Answer }> {
  const t0 = performance.now();
  const answer = await probe();
  return { ms: performance.now() - t0, answer };
}

/**
 * A burst whose last attempt is the right secret was held: at most the window's checks ran, the rest
 * were refused 429 with a wait, the right one too, and the app answered someone else meanwhile.
 */
async function expectBurstHeld(answers: Answer[], probe: ReturnType<typeof timedProbe>, what: { wrong: string; right: string }) {
  const { ms, answer } = await probe;
  const { checkedWrong, limited, other } = tally(answers);
  expect.soft(other, 'answers other than "wrong" or "too many attempts"').toEqual([]);
  expect.soft(checkedWrong, `${checkedWrong} of ${answers.length - 1} ${what.wrong} were checked`).toBeLessThanOrEqual(MAX_CHECKS_PER_WINDOW);
  for (const l of limited) expect(errorOf(l)).toMatchObject({ status: 429, details: { retryAfterSeconds: expect.any(Number) } });
  expect(answers.at(-1), what.right).toMatchObject({ ok: false, error: { code: 'auth.rateLimited', status: 429 } });
  expect.soft(answer.ok, 'customers.list during the burst').toBe(true);
  expect.soft(ms, 'customers.list answered during the burst within').toBeLessThan(LIVENESS_MS);
}

function as(sessionToken: string) {
  return { sessionToken };
}

describe('sign-in bursts (in process, the window moved by hand)', () => {
  it(
    'checks at most 5 passwords a minute per account, refuses the right one sent last, and lets it in once the window has passed',
    async () => {
      const clock = manualClock('2026-03-02T09:00:00.000Z');
      const t = await openTestCore({ clock });
      try {
        await t.core.call('staff.create', SAM);
        const N = 300;
        const passwords = Array.from({ length: N }, (_, i) => (i === N - 1 ? SAM.password : `wrong-password-${i}`));
        // All issued before any is answered: the attacker does not wait for the first "wrong".
        const burst = passwords.map((password) => t.raw.handle('auth.login', { username: SAM.username, password }));
        const probe = timedProbe(() => t.core.handle('customers.list', {}));
        const answers = await Promise.all(burst);
        await expectBurstHeld(answers, probe, { wrong: 'wrong passwords', right: 'the right password, sent last in the burst' });

        // Still refused after the burst, until the window has passed; then the owner of the account gets in.
        expect(await t.raw.handle('auth.login', { username: SAM.username, password: SAM.password })).toMatchObject({ ok: false, error: { code: 'auth.rateLimited' } });
        clock.advance(WINDOW_MS + 1_000);
        expect(await t.raw.handle('auth.login', { username: SAM.username, password: SAM.password })).toMatchObject({ ok: true });
      } finally {
        await t.close();
      }
    },
    BURST_TIMEOUT_MS,
  );

  it(
    'limits each account on its own, a made-up username included (the decoy check counts too)',
    async () => {
      const clock = manualClock('2026-03-02T09:00:00.000Z');
      const t = await openTestCore({ clock });
      try {
        await t.core.call('staff.create', SAM);
        const N = 150;
        const sam = Array.from({ length: N }, (_, i) => t.raw.handle('auth.login', { username: SAM.username, password: `wrong-${i}-password` }));
        const ghost = Array.from({ length: N }, (_, i) => t.raw.handle('auth.login', { username: 'nobody-here', password: `wrong-${i}-password` }));
        // Case and spaces do not make another account.
        const shouting = Array.from({ length: N }, (_, i) => t.raw.handle('auth.login', { username: ` ${SAM.username.toUpperCase()} `, password: `other-${i}-password` }));
        const [a, b, c] = await Promise.all([Promise.all(sam), Promise.all(ghost), Promise.all(shouting)]);
        const samChecked = tally([...a, ...c]).checkedWrong;
        expect.soft(samChecked, `${samChecked} wrong passwords checked for "sam" (as "sam" and " SAM ")`).toBeLessThanOrEqual(MAX_CHECKS_PER_WINDOW);
        expect.soft(tally(b).checkedWrong, 'wrong passwords checked for a made-up username').toBeLessThanOrEqual(MAX_CHECKS_PER_WINDOW);
        expect([...tally(a).other, ...tally(b).other, ...tally(c).other]).toEqual([]);
        // The owner's own account was never the target: it still signs in at once.
        expect(await t.raw.handle('auth.login', { username: OWNER.username, password: OWNER.password })).toMatchObject({ ok: true });
      } finally {
        await t.close();
      }
    },
    BURST_TIMEOUT_MS,
  );
});

describe('the limit across restarts and restores (review 27)', () => {
  /** Five wrong passwords for Sam, each answered "wrong": the window is full. */
  async function fillWindow(raw: Core) {
    for (let i = 0; i < MAX_CHECKS_PER_WINDOW; i++) {
      expect(await raw.handle('auth.login', { username: SAM.username, password: `wrong-${i}-password` })).toMatchObject({ ok: false, error: { code: 'auth.invalidCredentials' } });
    }
  }

  it('still refuses the account after the app is closed and started again, until the window has passed', async () => {
    const clock = manualClock('2026-03-02T09:00:00.000Z');
    const folder = tempDir();
    try {
      let t = await openTestCore({ clock, dataDir: folder.dir });
      await t.core.call('staff.create', SAM);
      await fillWindow(t.raw);
      await t.close();
      // Three starts in a row, as review 27 did: each one must find the window still full.
      for (let start = 0; start < 3; start++) {
        clock.advance(5_000);
        t = await openTestCore({ clock, dataDir: folder.dir });
        const refused = await t.raw.handle('auth.login', { username: SAM.username, password: SAM.password });
        expect(refused, `start ${start + 1}: the right password`).toMatchObject({ ok: false, error: { code: 'auth.rateLimited', status: 429 } });
        expect(errorOf(refused)?.details).toMatchObject({ retryAfterSeconds: 60 - 5 * (start + 1) });
        await t.close();
      }
      clock.advance(WINDOW_MS);
      t = await openTestCore({ clock, dataDir: folder.dir });
      expect(await t.raw.handle('auth.login', { username: SAM.username, password: SAM.password })).toMatchObject({ ok: true });
      await t.close();
    } finally {
      folder.remove();
    }
  });

  it('keeps no username in the clear on disk (one typed into the wrong box may be a password)', async () => {
    const clock = manualClock('2026-03-02T09:00:00.000Z');
    const folder = tempDir();
    try {
      const t = await openTestCore({ clock, dataDir: folder.dir });
      const typedAsUsername = 'Tr0ub4dor-and-3';
      expect(await t.raw.handle('auth.login', { username: typedAsUsername, password: 'x-password-1' })).toMatchObject({ ok: false, error: { code: 'auth.invalidCredentials' } });
      await t.close();
      const found = readdirSync(folder.dir, { recursive: true, encoding: 'utf8' })
        .map((name) => join(folder.dir, name))
        .filter((file) => statSync(file).isFile() && readFileSync(file).includes(typedAsUsername.toLowerCase()));
      expect(found).toEqual([]);
    } finally {
      folder.remove();
    }
  });

  it('still refuses the account after a restore', async () => {
    const clock = manualClock('2026-03-02T09:00:00.000Z');
    const t = await openTestCore({ clock });
    try {
      await t.core.call('staff.create', SAM);
      const backup = await t.core.call('backup.create', {});
      await fillWindow(t.raw);
      await t.core.call('backup.restore', { name: backup.name });
      const again = await t.raw.call('auth.login', { username: OWNER.username, password: OWNER.password });
      expect(again.sessionToken).toBeTruthy();
      expect(await t.raw.handle('auth.login', { username: SAM.username, password: SAM.password })).toMatchObject({ ok: false, error: { code: 'auth.rateLimited' } });
    } finally {
      await t.close();
    }
  });
});

describe('PIN bursts against a locked screen (in process)', () => {
  it(
    'checks at most 5 PINs a minute per account across its sessions; the right PIN sent as the 1000th stays refused until the window has passed',
    async () => {
      const clock = manualClock('2026-03-02T09:00:00.000Z');
      const t = await openTestCore({ clock });
      try {
        await t.core.call('staff.create', SAM);
        // Two locked sessions of the same person: the limit is the PIN's, not a session's.
        const s1 = (await t.raw.call('auth.login', { username: SAM.username, password: SAM.password })).sessionToken;
        const s2 = (await t.raw.call('auth.login', { username: SAM.username, password: SAM.password })).sessionToken;
        await t.raw.call('auth.lock', {}, as(s1));
        await t.raw.call('auth.lock', {}, as(s2));

        const N = 1000;
        const pins = Array.from({ length: N }, (_, i) => (i === N - 1 ? SAM.pin : String(i).padStart(4, '0') === SAM.pin ? '9999' : String(i).padStart(4, '0')));
        const burst = pins.map((pin, i) => t.raw.handle('auth.unlock', { pin }, as(i % 2 === 0 ? s1 : s2)));
        const probe = timedProbe(() => t.core.handle('customers.list', {}));
        const answers = await Promise.all(burst);
        await expectBurstHeld(answers, probe, { wrong: 'wrong PINs', right: 'the right PIN, sent as the 1000th' });
        expect((await t.raw.call('auth.me', {}, as(s1))).locked).toBe(true);
        expect((await t.raw.call('auth.me', {}, as(s2))).locked).toBe(true);

        expect(await t.raw.handle('auth.unlock', { pin: SAM.pin }, as(s1))).toMatchObject({ ok: false, error: { code: 'auth.rateLimited' } });
        clock.advance(WINDOW_MS + 1_000);
        expect(await t.raw.handle('auth.unlock', { pin: SAM.pin }, as(s1))).toMatchObject({ ok: true, data: { locked: false } });
      } finally {
        await t.close();
      }
    },
    BURST_TIMEOUT_MS,
  );
});

describe('bursts over HTTP against the browser host', () => {
  const started = signedInHostFor('opticounter-adv-burst-');

  /** POST /api/<channel> as whoever `session` is (null: nobody). */
  async function post(channel: string, input: unknown, session: string | null): Promise<Answer> {
    const res = await fetch(`${started.host.url}/api/${channel}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer fault-suite-host-token',
        ...(session ? { 'x-opticounter-session': session } : {}),
      },
      body: JSON.stringify(input),
    });
    return (await res.json()) as Answer;
  }

  it(
    'keeps answering other channels within ~1 s while hundreds of sign-ins and PINs arrive at once, and checks at most 5 of each',
    async () => {
      const N = 300;
      const logins = Array.from({ length: N }, (_, i) => post('auth.login', { username: OWNER.username, password: i === N - 1 ? OWNER.password : `wrong-password-${i}` }, null));
      // The owner's own session (signed in before the burst) locks its screen; its PIN is guessed.
      const session = started.host.session!;
      await post('auth.lock', {}, session);
      const pins = Array.from({ length: N }, (_, i) => post('auth.unlock', { pin: i === N - 1 ? OWNER.pin : String(1000 + i) }, session));
      const probe = timedProbe(() => post('auth.status', {}, null));
      const [loginAnswers, pinAnswers] = await Promise.all([Promise.all(logins), Promise.all(pins)]);
      const { ms, answer } = await probe;

      expect.soft(answer.ok, 'auth.status during the burst').toBe(true);
      expect.soft(ms, 'auth.status answered during the burst within').toBeLessThan(LIVENESS_MS);
      const l = tally(loginAnswers);
      const p = tally(pinAnswers);
      expect.soft([...l.other, ...p.other], 'answers other than "wrong" or "too many attempts"').toEqual([]);
      expect.soft(l.checkedWrong, `${l.checkedWrong} wrong passwords checked over HTTP`).toBeLessThanOrEqual(MAX_CHECKS_PER_WINDOW);
      expect.soft(p.checkedWrong, `${p.checkedWrong} wrong PINs checked over HTTP`).toBeLessThanOrEqual(MAX_CHECKS_PER_WINDOW);
      expect(loginAnswers[N - 1]).toMatchObject({ ok: false, error: { code: 'auth.rateLimited' } });
      expect(pinAnswers[N - 1]).toMatchObject({ ok: false, error: { code: 'auth.rateLimited' } });
    },
    BURST_TIMEOUT_MS,
  );
});

describe('licence activation bursts through the test cloud (its own rate limit on)', () => {
  const STORE = 'store-adv-burst';
  let cloud: CloudServer;

  beforeAll(async () => {
    // The cloud's default limit (100 requests a minute per caller, sliding window).
    cloud = await startCloud({});
  });
  afterAll(async () => {
    await cloud?.close();
  });

  async function licensedCore(): Promise<{ core: Core; raw: Core; close: () => Promise<void> }> {
    const t = await openTestCore({ core: { trustedLicenceKeys: [{ kid: cloud.licenceKid, pem: cloud.licencePublicKeyPem }], machineId: TEST_MACHINE } });
    await t.core.call('licence.configure', { baseUrl: cloud.url, storeId: STORE });
    return t;
  }

  it(
    'answers hundreds of parallel activations with the licence or a clear "busy, retry in N s", takes one seat, and stays responsive',
    async () => {
      const key = cloud.addLicence({ storeId: STORE, maxActivations: 1 });
      const t = await licensedCore();
      try {
        cloud.clearRequestLog();
        const N = 300;
        // Public: the activation screen comes before any sign-in.
        const burst = Array.from({ length: N }, () => t.raw.handle('licence.activate', { key }));
        const probe = timedProbe(() => t.core.handle('customers.list', {}));
        const answers = await Promise.all(burst);
        const { ms, answer } = await probe;

        const odd = answers.filter((a) => !a.ok && a.error.code !== 'licence.rateLimited').map((a) => (a.ok ? 'ok' : `${a.error.code} ${a.error.status}: ${a.error.message}`));
        expect(odd, 'answers other than the licence or licence.rateLimited').toEqual([]);
        for (const a of answers) if (!a.ok) expect(a.error).toMatchObject({ status: 429, details: { retryAfterSeconds: expect.any(Number) } });
        expect(answers.some((a) => a.ok)).toBe(true);
        expect(cloud.licences(STORE).find((l) => l.key === key)?.activations).toEqual([TEST_MACHINE]);
        expect(await t.raw.call('licence.status', {})).toMatchObject({ state: 'active', canWrite: true });
        // A burst is not amplified: no call sends more than one request (no retry storm against a 429).
        const activations = cloud.requestLog().filter((r) => r.path === '/licenses/activate');
        expect(activations.length).toBeLessThanOrEqual(N);
        expect.soft(answer.ok, 'customers.list during the burst').toBe(true);
        expect.soft(ms, 'customers.list answered during the burst within').toBeLessThan(LIVENESS_MS);
      } finally {
        await t.close();
      }
    },
    BURST_TIMEOUT_MS,
  );

  it(
    'answers a burst of made-up keys with "unknown key" or "busy", never an internal error, and nothing is activated',
    async () => {
      const t = await licensedCore();
      try {
        const { keyFromData } = await import('../../src/shared/licence/key');
        const N = 300;
        const keys = Array.from({ length: N }, (_, i) => keyFromData(String(i).padStart(15, '7')));
        const answers = await Promise.all(keys.map((key) => t.raw.handle('licence.activate', { key })));
        const codes = new Set(answers.map((a) => (a.ok ? 'ok' : a.error.code)));
        for (const code of codes) expect(['licence.unknownKey', 'licence.rateLimited']).toContain(code);
        expect(await t.raw.call('licence.status', {})).toMatchObject({ state: 'trial' });
      } finally {
        await t.close();
      }
    },
    BURST_TIMEOUT_MS,
  );
});
