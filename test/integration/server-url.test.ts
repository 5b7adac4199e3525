import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { expectFailure, openTestCore } from '../helpers/core';

/*
 * sync.configure and licence.configure through the channel: plain http:// reaches the cloud or the
 * licence server only on this computer; every trick that looks like loopback but is not is refused
 * with a field error naming the rule, and nothing is saved.
 */
let core: Core;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ core, close } = await openTestCore());
});
afterAll(() => close());

const notLoopback = [
  'http://joptic.jethings.com',
  'http://127.0.0.1.evil.com',
  'http://localhost.evil.com',
  'http://[::ffff:127.0.0.1]:4010',
  'HTTP://CLOUD.EXAMPLE.COM',
  'http://10.0.0.5:4010',
];
const SYNC = { storeId: 'store-1', email: 'owner@example.com', password: 'cloud-password-1' };

describe('a server address over plain http:// to another computer', () => {
  it.each(notLoopback)('sync.configure refuses %s with a field error on baseUrl', async (baseUrl) => {
    const err = await expectFailure(core, 'sync.configure', { baseUrl, ...SYNC }, 'validation', 400);
    expect(Object.keys(err.fieldErrors ?? {})).toEqual(['baseUrl']);
    expect(err.fieldErrors?.baseUrl?.[0]).toMatch(/must start with https:\/\/.*only for this computer/);
    expect((await core.call('sync.status', {})).config).toBeNull();
  });

  it.each(notLoopback)('licence.configure refuses %s with a field error on baseUrl', async (baseUrl) => {
    const before = (await core.call('licence.status', {})).server.baseUrl;
    const err = await expectFailure(core, 'licence.configure', { baseUrl }, 'validation', 400);
    expect(err.fieldErrors?.baseUrl?.[0]).toMatch(/must start with https:\/\/.*only for this computer/);
    expect((await core.call('licence.status', {})).server.baseUrl).toBe(before);
  });

  it('refuses credentials hidden in the address (http://127.0.0.1@evil.com is evil.com)', async () => {
    const err = await expectFailure(core, 'licence.configure', { baseUrl: 'http://127.0.0.1@evil.com' }, 'validation', 400);
    expect(err.fieldErrors?.baseUrl?.[0]).toMatch(/user name or password/);
  });

  it('keeps https:// anywhere and http:// on loopback, as the parser reads them', async () => {
    expect((await core.call('licence.configure', { baseUrl: 'HTTPS://Licences.Example.com/' })).server.baseUrl).toBe('https://licences.example.com');
    expect((await core.call('licence.configure', { baseUrl: 'http://0x7f.1:4010' })).server.baseUrl).toBe('http://127.0.0.1:4010');
    expect((await core.call('licence.configure', { baseUrl: 'http://[::1]:4010/' })).server.baseUrl).toBe('http://[::1]:4010');
    expect((await core.call('licence.configure', { baseUrl: 'http://localhost:4010' })).server.baseUrl).toBe('http://localhost:4010');
  });
});
