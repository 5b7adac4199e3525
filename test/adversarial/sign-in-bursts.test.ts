import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { SecretHasher } from '../../src/main/staff/secrets';
import type { ErrorShape } from '../../src/shared/errors';
import { OWNER, openTestCore, tempDir } from '../helpers/core';
import { serveHost } from '../helpers/host-server';

/*
 * The attacker's way in: hundreds of sign-in and PIN requests at once over the browser host's real
 * HTTP, counting the argon2 checks the core actually ran and timing another call during the burst.
 */

const TOKEN = 'burst-token-123';
const hasher = new SecretHasher();
const staticDir = tempDir('opticounter-static-');
let core: Core;
let closeCore: () => Promise<void>;
let closeServer: () => Promise<void>;
let base: string;

beforeAll(async () => {
  ({ core, close: closeCore } = await openTestCore({ core: { secretHasher: hasher } }));
  ({ base, close: closeServer } = await serveHost({ core, token: TOKEN, staticDir: staticDir.dir }));
});
afterAll(async () => {
  await closeServer();
  await closeCore();
  staticDir.remove();
});

interface Answer {
  status: number;
  body: { ok: boolean; data?: unknown; error?: ErrorShape };
}

async function api(channel: string, body: unknown, session: string | null = null): Promise<Answer> {
  const res = await fetch(`${base}/api/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...(session ? { 'x-opticounter-session': session } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

const tally = (answers: Answer[]) => {
  const out: Record<string, number> = {};
  for (const a of answers) {
    const key = `${a.status} ${a.body.ok ? 'ok' : a.body.error?.code}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
};

/** Sends the burst, and from a timer during it asks `auth.status`, timing the answer. */
async function burstWithProbe(requests: (() => Promise<Answer>)[]) {
  const running = Promise.all(requests.map((r) => r()));
  const asked = performance.now();
  const probe = await new Promise<Answer>((resolve, reject) => setTimeout(() => api('auth.status', {}).then(resolve, reject), 20));
  const probeMs = performance.now() - asked;
  return { answers: await running, probe, probeMs };
}

describe('sign-in bursts over the browser host', () => {
  it('checks 5 of 1000 parallel PIN guesses against a locked session, and keeps answering', async () => {
    const owner = (await api('auth.login', { username: OWNER.username, password: OWNER.password })).body.data as { sessionToken: string };
    await api('staff.create', { username: 'sami', displayName: 'Sami', password: 'staff-password-1', pin: '4321' }, owner.sessionToken);
    const staff = (await api('auth.login', { username: 'sami', password: 'staff-password-1' })).body.data as { sessionToken: string };
    await api('auth.lock', {}, staff.sessionToken);

    const before = hasher.counts.verified;
    const pins = Array.from({ length: 1000 }, (_, i) => (i === 700 ? '4321' : String(5000 + i)));
    const { answers, probe, probeMs } = await burstWithProbe(pins.map((pin) => () => api('auth.unlock', { pin }, staff.sessionToken)));

    expect(tally(answers)).toEqual({ '401 auth.invalidCredentials': 5, '429 auth.rateLimited': 995 });
    expect(hasher.counts.verified - before).toBe(5);
    for (const a of answers) if (a.status === 429) expect(a.body.error?.details?.retryAfterSeconds).toBeGreaterThan(0);
    expect((await api('auth.me', {}, staff.sessionToken)).body.data).toMatchObject({ locked: true });
    expect(probe.status).toBe(200);
    expect(probeMs).toBeLessThan(2000);
  }, 120_000);

  it('checks 5 of 60 parallel sign-ins to one account, the right password among them refused', async () => {
    const before = hasher.counts.verified;
    const passwords = Array.from({ length: 60 }, (_, i) => (i === 30 ? 'staff-password-1' : `guess-number-${i}`));
    const { answers, probe, probeMs } = await burstWithProbe(passwords.map((password) => () => api('auth.login', { username: 'Sami', password })));
    expect(tally(answers)).toEqual({ '401 auth.invalidCredentials': 5, '429 auth.rateLimited': 55 });
    expect(hasher.counts.verified - before).toBe(5);
    expect(probe.status).toBe(200);
    expect(probeMs).toBeLessThan(2000);
  }, 120_000);
});
