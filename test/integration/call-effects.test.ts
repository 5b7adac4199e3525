import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { WindowSessions } from '../../src/main/shell/ipc';
import { channels } from '../../src/shared/contract';
import { OWNER, openTestCore } from '../helpers/core';

/*
 * Transports are dumb (issue 11, item 3): a call's answer says what it changed for its caller
 * (`effects.session`), and each transport applies that without knowing which channel it was.
 */
let raw: Core;
let close: () => Promise<void>;
beforeEach(async () => {
  ({ raw, close } = await openTestCore());
});
afterEach(() => close());

const signIn = () => raw.handle('auth.login', { username: OWNER.username, password: OWNER.password });

describe('the effects of a call', () => {
  it('gives the session on sign-in, ends it on sign-out, and drops a token that no longer opens one', async () => {
    const login = await signIn();
    expect(login).toMatchObject({ ok: true, effects: { session: expect.any(String) } });
    const token = login.effects!.session!;
    // An ordinary call changes nothing for its caller: no effects at all.
    expect(await raw.handle('customers.list', {}, { sessionToken: token })).not.toHaveProperty('effects');
    expect(await raw.handle('auth.logout', {}, { sessionToken: token })).toMatchObject({ ok: true, effects: { session: null } });
    // The token was kept by some transport after the sign-out (another tab): it is told to drop it.
    expect(await raw.handle('customers.list', {}, { sessionToken: token })).toMatchObject({ ok: false, error: { code: 'auth.required' }, effects: { session: null } });
    expect(await raw.handle('auth.status', {}, { sessionToken: token })).toMatchObject({ ok: true, effects: { session: null } });
  });

  it('ends the session of whoever restored a backup', async () => {
    const token = (await signIn()).effects!.session!;
    const made = await raw.call('backup.create', {}, { sessionToken: token });
    expect(await raw.handle('backup.restore', { name: made.name }, { sessionToken: token })).toMatchObject({ ok: true, effects: { session: null } });
  });
});

describe('the window sessions of the desktop app', () => {
  it('keep the token in main and hand the page an answer without it, whatever the channel', async () => {
    const sessions = new WindowSessions();
    const login = await signIn();
    const token = login.effects!.session!;
    const page = sessions.apply(7, login, null);
    expect(sessions.tokenOf(7)).toBe(token);
    expect(JSON.stringify(page)).not.toContain(token);
    expect(page).not.toHaveProperty('effects');
    expect(sessions.apply(7, await raw.handle('auth.logout', {}, { sessionToken: token }), token)).toMatchObject({ ok: true });
    expect(sessions.tokenOf(7)).toBeNull();
  });
  it('drop only the token the late answer carried: a sign-in that answered meanwhile stays (reviewer D1)', async () => {
    const sessions = new WindowSessions();
    const first = (await signIn()).effects!.session!;
    sessions.apply(7, await signIn(), null);
    const second = sessions.tokenOf(7)!;
    expect(second).not.toBe(first);
    // A call still carrying the first token, now signed out elsewhere, answers after the new sign-in.
    await raw.handle('auth.logout', {}, { sessionToken: first });
    const late = await raw.handle('licence.status', {}, { sessionToken: first });
    expect(late).toMatchObject({ effects: { session: null } });
    sessions.apply(7, late, first);
    expect(sessions.tokenOf(7)).toBe(second);
    expect(await raw.handle('auth.me', {}, { sessionToken: sessions.tokenOf(7) })).toMatchObject({ ok: true });
  });
});

describe('the transports', () => {
  it('name no channel: what a call means is in its answer', () => {
    const transports = ['src/main/shell/ipc.ts', 'src/main/host/server.ts', 'src/renderer/src/api/client.ts', 'src/preload/index.ts'];
    for (const file of transports) {
      const text = readFileSync(file, 'utf8');
      expect([file, channels.filter((c) => text.includes(`'${c}'`))]).toEqual([file, []]);
    }
  });
});
