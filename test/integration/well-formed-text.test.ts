import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { channels } from '../../src/shared/contract';
import type { ErrorShape } from '../../src/shared/errors';
import { expectFailure, layla, openTestCore, person, tempDir } from '../helpers/core';
import { type ServedHost, serveHost } from '../helpers/host-server';

/*
 * Text that is not valid Unicode (a lone UTF-16 surrogate) cannot be stored as it was sent: SQLite
 * keeps UTF-8, and the surrogate became U+FFFD, so the app acknowledged a value it then did not hold.
 * Every channel refuses it, with a field error on the field's path.
 */
const UNICODE = /not valid Unicode/;

let core: Core;
let raw: Core;
let ownerToken: string;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ core, raw, ownerToken, close } = await openTestCore());
});
afterAll(() => close());

describe('a lone surrogate in a channel input', () => {
  it('is refused with a field error naming the field, and nothing is stored', async () => {
    const input = { ...layla, customerData: { ...layla.customerData, firstName: 'La\uD800yla' }, address: { ...layla.address, city: '\uDC00Casa' } };
    const err = await expectFailure(core, 'customers.create', input, 'validation', 400);
    expect(err.fieldErrors?.['customerData.firstName']?.[0]).toMatch(UNICODE);
    expect(err.fieldErrors?.['address.city']?.[0]).toMatch(UNICODE);
    expect(err.message).toMatch(/customerData\.firstName/);
    expect((await core.call('customers.list', { search: 'hassan' })).pagination.total).toBe(0);
  });

  it('is refused in an update, keeping the stored value', async () => {
    const { customer } = await core.call('customers.create', person('Nadia', 'Amrani'));
    const err = await expectFailure(core, 'customers.update', { id: customer.id, customerData: { lastName: 'Amr\uDBFFani' } }, 'validation', 400);
    expect(Object.keys(err.fieldErrors ?? {})).toEqual(['customerData.lastName']);
    expect((await core.call('customers.get', { id: customer.id })).localData.lastName).toBe('Amrani');
  });

  it('names array items and nested values by their path', async () => {
    const bulk = await expectFailure(core, 'customers.bulkDelete', { ids: ['ok-id', 'x\uD834'] }, 'validation', 400);
    expect(bulk.fieldErrors?.['ids.1']?.[0]).toMatch(UNICODE);
    const rx = await expectFailure(core, 'customers.create', { ...person('Omar', 'Idrissi'), opticData: { distanceVision: { rightEye: { sph: '-1.25\uDFFF' } } } }, 'validation', 400);
    expect(rx.fieldErrors?.['opticData.distanceVision.rightEye.sph']?.[0]).toMatch(UNICODE);
    const fileName = await expectFailure(core, 'attachments.add', { customerId: 'c', field: 'other', fileName: 'scan\uD800.png', bytes: 'iVBORw0KGgo=' }, 'validation', 400);
    expect(fileName.fieldErrors?.fileName?.[0]).toMatch(UNICODE);
  });

  it('is refused on every channel, whatever its schema', async () => {
    for (const channel of channels) {
      const res = await core.handle(channel, { text: 'a\uD800b' });
      expect(res.ok, channel).toBe(false);
      if (res.ok) continue;
      expect(res.error.code, channel).toBe('validation');
      expect(res.error.fieldErrors?.text?.[0], channel).toMatch(UNICODE);
    }
    // Public channels check it too (auth.login as nobody).
    const login = await raw.handle('auth.login', { username: 'owner\uD800', password: 'owner-password-1' });
    expect(login.ok ? null : login.error.fieldErrors?.username?.[0]).toMatch(UNICODE);
  });

  it('keeps well-formed text exactly, astral characters included', async () => {
    const name = 'Zoë 😀 𝔸bc';
    const { customer } = await core.call('customers.create', person('Lina', 'Tahiri'));
    await core.call('customers.update', { id: customer.id, customerData: { firstName: name } });
    expect((await core.call('customers.get', { id: customer.id })).localData.firstName).toBe(name);
  });
});

describe('through the browser host', () => {
  const TOKEN = 'well-formed-token';
  const staticDir = tempDir('opticounter-static-');
  let served: ServedHost;
  beforeAll(async () => {
    served = await serveHost({ core: raw, token: TOKEN, staticDir: staticDir.dir });
  });
  afterAll(async () => {
    await served.close();
    staticDir.remove();
  });
  const post = async (channel: string, body: string | Uint8Array) => {
    const res = await fetch(`${served.base}/api/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'x-opticounter-session': ownerToken },
      body,
    });
    return { status: res.status, body: (await res.json()) as { ok: boolean; error?: ErrorShape } };
  };

  it('refuses JSON with a "\\ud800" escape with a 400 naming the field', async () => {
    const json = JSON.stringify(person('Sara', 'Bennani')).replace('"Sara"', '"Sa\\ud800ra"');
    expect(json).toContain('\\ud800');
    const { status, body } = await post('customers.create', json);
    expect(status).toBe(400);
    expect(body.error?.fieldErrors?.['customerData.firstName']?.[0]).toMatch(UNICODE);
    expect((await core.call('customers.list', { search: 'bennani' })).pagination.total).toBe(0);
  });

  it('refuses a body that is not valid UTF-8 rather than storing U+FFFD', async () => {
    const json = Buffer.from(JSON.stringify(person('Yasmine', 'Alaoui')), 'utf8');
    const at = json.indexOf('Yasmine');
    const bytes = Buffer.concat([json.subarray(0, at + 3), Buffer.from([0xff, 0xfe]), json.subarray(at + 3)]);
    const { status, body } = await post('customers.create', bytes);
    expect(status).toBe(400);
    expect(body.error?.code).toBe('validation');
    expect(body.error?.message).toMatch(/UTF-8/);
    expect((await core.call('customers.list', { search: 'alaoui' })).pagination.total).toBe(0);
  });
});
