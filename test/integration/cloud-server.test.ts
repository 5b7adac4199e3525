import { createPublicKey, verify } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/shared/licence/canonical';
import { keyFromData, normaliseKey } from '../../src/shared/licence/key';
import { type CloudOptions, type CloudServer, startCloud } from '../cloud/server';
import { layla } from '../helpers/core';

/*
 * The test cloud over real HTTP: the sync engine and licence activation trust it to behave like
 * cloud-api.md and seed 001, so its shapes, codes and faults are pinned here.
 */

const STORE = 'store-a';
const OWNER = { storeId: STORE, email: 'owner@store-a.test', password: 'password-a-1' };

const running: CloudServer[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'cloud-test-'));
  dirs.push(d);
  return d;
}

/** A clock tests move by hand. */
function clock(start = '2025-03-01T10:00:00.000Z') {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

async function cloudWith(opts: CloudOptions = {}): Promise<CloudServer> {
  const c = await startCloud({ rateLimitPerMinute: null, ...opts });
  running.push(c);
  await c.addUser(OWNER);
  return c;
}

async function login(c: CloudServer, who = OWNER): Promise<string> {
  const res = await post(c, '/auth/login', { email: who.email, password: who.password }, { storeId: who.storeId });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

interface CallOptions {
  token?: string;
  storeId?: string | null;
  headers?: Record<string, string>;
}

function call(c: CloudServer, method: string, path: string, body?: RequestInit['body'], o: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.storeId !== null) headers['x-store-id'] = o.storeId ?? STORE;
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  return fetch(c.url + path, { method, headers, body });
}

function post(c: CloudServer, path: string, body: unknown, o: CallOptions = {}): Promise<Response> {
  return call(c, 'POST', path, JSON.stringify(body), { ...o, headers: { 'content-type': 'application/json', ...o.headers } });
}

function person(n: number | string, extra: Record<string, unknown> = {}) {
  return {
    firstName: `First${n}`,
    lastName: `Last${n}`,
    email: `person${n}@example.com`,
    phoneNumber: '+212-6-12345678',
    dateOfBirth: '1985-08-20T00:00:00.000Z',
    sex: 'male',
    ...extra,
  };
}

function form(jsonData: unknown, files: Record<string, { name: string; type: string; content: string }> = {}): FormData {
  const fd = new FormData();
  fd.append('jsonData', JSON.stringify(jsonData));
  for (const [field, f] of Object.entries(files)) fd.append(field, new Blob([f.content], { type: f.type }), f.name);
  return fd;
}

async function createCustomer(c: CloudServer, token: string, jsonData: unknown, o: CallOptions = {}): Promise<string> {
  const res = await call(c, 'POST', '/customer', form(jsonData), { token, ...o });
  expect(res.status).toBe(201);
  return ((await res.json()) as { customer: { id: string } }).customer.id;
}

async function body<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

interface ListBody {
  data: { id: string; name: string; userName: string; updatedAt: string; deletedAt?: string | null; groups?: { id: string; name: string }[] }[];
  pagination: { page: number; limit: number; total: number; totalPages: number };
}


describe('store login', () => {
  it('answers a 24 h token, refuses any bad credential with one generic 401, and expires tokens', async () => {
    const t = clock();
    const c = await cloudWith({ now: t.now });
    const res = await post(c, '/auth/login', { email: '  OWNER@store-a.test ', password: OWNER.password });
    expect(res.status).toBe(200);
    const { token, expiresAt } = await body<{ token: string; expiresAt: string }>(res);
    expect(token.split('.')).toHaveLength(3);
    expect(expiresAt).toBe('2025-03-02T10:00:00.000Z');
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ storeId: STORE, exp: Date.parse(expiresAt) / 1000 });
    expect(typeof claims.sub).toBe('string');

    const refusals = await Promise.all([
      post(c, '/auth/login', { email: OWNER.email, password: 'wrong-password' }),
      post(c, '/auth/login', { email: 'nobody@store-a.test', password: OWNER.password }),
      post(c, '/auth/login', { email: OWNER.email, password: OWNER.password }, { storeId: 'store-b' }),
    ]);
    const bodies = await Promise.all(refusals.map((r) => body(r)));
    expect(refusals.map((r) => r.status)).toEqual([401, 401, 401]);
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(bodies[0]).toEqual({ statusCode: 401, message: 'Invalid email or password', error: 'Unauthorized' });

    expect((await post(c, '/auth/login', { email: OWNER.email })).status).toBe(400);
    expect((await post(c, '/auth/login', { email: OWNER.email, password: OWNER.password }, { storeId: null })).status).toBe(400);

    expect((await call(c, 'GET', '/customer', undefined, { token })).status).toBe(200);
    t.advance(24 * 60 * 60 * 1000);
    const expired = await call(c, 'GET', '/customer', undefined, { token });
    expect(expired.status).toBe(401);
    expect(await body(expired)).toEqual({ statusCode: 401, message: 'Unauthorized', error: 'Unauthorized' });
  });

  it('refuses missing, forged and revoked tokens', async () => {
    const c = await cloudWith();
    const token = await login(c);
    expect((await call(c, 'GET', '/customer')).status).toBe(401);
    const [h, p, s] = token.split('.') as [string, string, string];
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), storeId: 'x' })).toString('base64url')}.${s}`;
    expect((await call(c, 'GET', '/customer', undefined, { token: forged })).status).toBe(401);

    c.expireAllTokens();
    expect((await call(c, 'GET', '/customer', undefined, { token })).status).toBe(401);
    const fresh = await login(c);
    expect((await call(c, 'GET', '/customer', undefined, { token: fresh })).status).toBe(200);
    expect((await call(c, 'POST', '/__control/expire-tokens')).status).toBe(200);
    expect((await call(c, 'GET', '/customer', undefined, { token: fresh })).status).toBe(401);
  });

  it("answers 403 when the token's store is not x-store-id", async () => {
    const c = await cloudWith();
    const other = { storeId: 'store-b', email: 'owner@store-b.test', password: 'password-b-1' };
    await c.addUser(other);
    const tokenB = await login(c, other);
    const res = await call(c, 'GET', '/customer', undefined, { token: tokenB });
    expect(res.status).toBe(403);
    expect(await body(res)).toEqual({ statusCode: 403, message: 'You do not have access to this store', error: 'Forbidden' });
    expect((await call(c, 'GET', '/customer', undefined, { token: tokenB, storeId: null })).status).toBe(400);
  });
});

describe('customers (seed 001)', () => {
  it('creates from multipart jsonData + files and answers the seed shapes', async () => {
    const c = await cloudWith();
    const token = await login(c);
    const res = await call(
      c,
      'POST',
      '/customer',
      form(layla, {
        prescription: { name: 'rx.pdf', type: 'application/pdf', content: '%PDF-1.4 rx' },
        idCard: { name: 'id.jpg', type: 'image/jpeg', content: 'jpeg bytes' },
      }),
      { token },
    );
    expect(res.status).toBe(201);
    const created = await body<{ customer: Record<string, unknown>; localData: Record<string, unknown> }>(res);
    const id = created.customer.id as string;
    expect(created.customer).toEqual({ id, isActive: true, createdAt: expect.any(String), updatedAt: created.customer.createdAt, deletedAt: null });
    expect(created.customer.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(created.localData).toEqual({ id: expect.any(String), ...layla.customerData, customerId: id });

    const detail = await body(await call(c, 'GET', `/customer/${id}`, undefined, { token }));
    expect(detail).toMatchObject({
      id,
      isActive: true,
      deletedAt: null,
      localData: created.localData,
      address: { id: expect.any(String), ...layla.address, customerId: id },
      opticData: { id: expect.any(String), ...layla.opticData, customerId: id },
    });
    expect(detail.files).toEqual([
      { field: 'idCard', fileName: 'id.jpg', mimeType: 'image/jpeg', size: 10, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      { field: 'prescription', fileName: 'rx.pdf', mimeType: 'application/pdf', size: 11, sha256: expect.any(String) },
    ]);
    const [stored] = c.customers(STORE);
    expect(stored!.files.find((f) => f.field === 'prescription')!.bytes.toString()).toBe('%PDF-1.4 rx');

    const minimal = await createCustomer(c, token, { customerData: person(1, { dateOfBirth: '1985-08-20' }) });
    const minimalDetail = await body(await call(c, 'GET', `/customer/${minimal}`, undefined, { token }));
    expect(minimalDetail).not.toHaveProperty('address');
    expect(minimalDetail).not.toHaveProperty('opticData');
    expect((minimalDetail.localData as { dateOfBirth: string }).dateOfBirth).toBe('1985-08-20T00:00:00.000Z');
  });

  it('answers 400 with one message per field, and stores nothing', async () => {
    const c = await cloudWith();
    const token = await login(c);
    const res = await call(c, 'POST', '/customer', form({ customerData: { ...person(1), email: 'not-an-email', sex: 'x', firstName: 7 } }), { token });
    expect(res.status).toBe(400);
    const b = await body<{ statusCode: number; message: string[]; error: string }>(res);
    expect(b.statusCode).toBe(400);
    expect(b.error).toBe('Bad Request');
    expect(b.message).toEqual(
      expect.arrayContaining([
        'customerData.email must be an email',
        'customerData.firstName must be a string',
        'customerData.sex must be one of the following values: male, female',
      ]),
    );
    const missing = await body<{ message: string[] }>(await call(c, 'POST', '/customer', form({}), { token }));
    expect(missing.message).toContain('customerData should not be empty');

    const asJson = await post(c, '/customer', { customerData: person(1) }, { token });
    expect(asJson.status).toBe(400);
    expect((await body<{ message: string[] }>(asJson)).message).toEqual(['Content-Type must be multipart/form-data']);
    const noJsonData = new FormData();
    noJsonData.append('prescription', new Blob(['x']), 'x.pdf');
    expect((await call(c, 'POST', '/customer', noJsonData, { token })).status).toBe(400);
    expect(c.customers(STORE)).toEqual([]);
  });

  it('answers 409 for an email taken in the store (trimmed, case-insensitive), not across stores or after a delete', async () => {
    const c = await cloudWith();
    const token = await login(c);
    const first = await createCustomer(c, token, { customerData: person(1) });
    const dup = await call(c, 'POST', '/customer', form({ customerData: person(2, { email: '  PERSON1@Example.COM ' }) }), { token });
    expect(dup.status).toBe(409);
    expect(await body(dup)).toEqual({ statusCode: 409, message: 'Customer with this email already exists', error: 'Conflict' });

    const other = { storeId: 'store-b', email: 'owner@store-b.test', password: 'password-b-1' };
    await c.addUser(other);
    await createCustomer(c, await login(c, other), { customerData: person(1) }, { storeId: 'store-b' });

    expect((await call(c, 'DELETE', `/customer/${first}`, undefined, { token })).status).toBe(200);
    await createCustomer(c, token, { customerData: person(2, { email: 'person1@example.com' }) });
  });

  it('soft-deletes: 404 afterwards, for another store, and for a second delete', async () => {
    const c = await cloudWith();
    const token = await login(c);
    const id = await createCustomer(c, token, { customerData: person(1) });
    const other = { storeId: 'store-b', email: 'owner@store-b.test', password: 'password-b-1' };
    await c.addUser(other);
    const notOurs = await call(c, 'GET', `/customer/${id}`, undefined, { token: await login(c, other), storeId: 'store-b' });
    expect(notOurs.status).toBe(404);

    const del = await call(c, 'DELETE', `/customer/${id}`, undefined, { token });
    expect(await body(del)).toEqual({ message: 'Customer successfully deleted', customerId: id });
    const gone = await call(c, 'GET', `/customer/${id}`, undefined, { token });
    expect(gone.status).toBe(404);
    expect(await body(gone)).toEqual({ statusCode: 404, message: 'Customer not found or does not belong to this store', error: 'Not Found' });
    expect((await call(c, 'DELETE', `/customer/${id}`, undefined, { token })).status).toBe(404);
    expect((await call(c, 'PUT', `/customer/${id}`, form({}), { token })).status).toBe(404);
    expect(c.customers(STORE)).toEqual([]);
    expect(c.customers(STORE, { includeDeleted: true })[0]!.deletedAt).toEqual(expect.any(String));
  });

  it('lists with paging that is stable when every updatedAt ties, sorting, search and filters', async () => {
    const t = clock();
    const c = await cloudWith({ now: t.now });
    const token = await login(c);
    // A frozen clock: all 25 customers share createdAt and updatedAt.
    for (let i = 0; i < 25; i++) await createCustomer(c, token, { customerData: person(String(i).padStart(2, '0')) });

    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await body<ListBody>(await call(c, 'GET', `/customer?sortBy=updatedAt&sortOrder=desc&limit=10&page=${page}`, undefined, { token }));
      expect(res.pagination).toEqual({ page, limit: 10, total: 25, totalPages: 3 });
      seen.push(...res.data.map((d) => d.id));
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    // Ties are broken by id, in the same direction.
    expect(seen).toEqual([...seen].sort().reverse());

    const first = await body<ListBody>(await call(c, 'GET', '/customer', undefined, { token }));
    expect(first.pagination).toEqual({ page: 1, limit: 10, total: 25, totalPages: 3 });
    expect(first.data[0]).toEqual({
      id: expect.any(String),
      name: expect.stringMatching(/^First\d\d Last\d\d$/),
      userName: expect.stringMatching(/@example\.com$/),
      groups: [],
      isLocal: true,
      status: 'active',
      createdAt: '2025-03-01T10:00:00.000Z',
      updatedAt: '2025-03-01T10:00:00.000Z',
    });

    const byName = await body<ListBody>(await call(c, 'GET', '/customer?sortBy=name&sortOrder=asc&limit=3', undefined, { token }));
    expect(byName.data.map((d) => d.name)).toEqual(['First00 Last00', 'First01 Last01', 'First02 Last02']);
    const byNameDesc = await body<ListBody>(await call(c, 'GET', '/customer?sortBy=name&sortOrder=desc&limit=1', undefined, { token }));
    expect(byNameDesc.data[0]!.name).toBe('First24 Last24');

    const search = async (q: string) =>
      (await body<ListBody>(await call(c, 'GET', `/customer?limit=100&${q}`, undefined, { token }))).data.map((d) => d.userName).sort();
    expect(await search('search=LAST07')).toEqual(['person07@example.com']);
    expect(await search('search=first1')).toHaveLength(10);
    expect(await search('search=PERSON2')).toEqual(['person20@example.com', 'person21@example.com', 'person22@example.com', 'person23@example.com', 'person24@example.com']);
    expect(await search('name=person2')).toEqual([]);
    expect(await search('name=last03')).toEqual(['person03@example.com']);
    expect(await search('isActive=false')).toEqual([]);
    expect(await search('isActive=true')).toHaveLength(25);

    for (const bad of ['limit=101', 'limit=0', 'page=x', 'sortBy=email', 'sortOrder=up', 'isActive=yes']) {
      const res = await call(c, 'GET', `/customer?${bad}`, undefined, { token });
      expect(res.status, bad).toBe(400);
      expect(Array.isArray((await body(res)).message), bad).toBe(true);
    }
  });

  it('PUT changes only what is sent: address fields merge, each vision sent replaces that vision, files add or replace', async () => {
    const t = clock();
    const c = await cloudWith({ now: t.now });
    const token = await login(c);
    const res = await call(c, 'POST', '/customer', form(layla, { prescription: { name: 'a.pdf', type: 'application/pdf', content: 'old' } }), { token });
    const id = (await body<{ customer: { id: string; updatedAt: string } }>(res)).customer.id;
    const other = await createCustomer(c, token, { customerData: person(1) });

    const update = {
      customerData: { phoneNumber: '+1-555-9999' },
      address: { city: 'Rabat' },
      opticData: { distanceVision: { rightEye: { sph: '-1.50', cyl: '-0.50', axis: '90' } } },
    };
    const put = await call(c, 'PUT', `/customer/${id}`, form(update, { prescription: { name: 'b.pdf', type: 'application/pdf', content: 'new' }, idCard: { name: 'id.png', type: 'image/png', content: 'png' } }), { token });
    expect(put.status).toBe(200);
    const putBody = await body<{ customer: { updatedAt: string; createdAt: string }; localData: Record<string, unknown> }>(put);
    expect(putBody.localData).toEqual({ id: expect.any(String), ...layla.customerData, phoneNumber: '+1-555-9999', customerId: id });
    // The clock did not move, yet updatedAt did: every write is visible to a client comparing updatedAt.
    expect(putBody.customer.updatedAt > putBody.customer.createdAt).toBe(true);

    const [stored] = c.customers(STORE).filter((x) => x.id === id);
    expect(stored!.address).toMatchObject({ street: '123 Vision Ave', city: 'Rabat', zipCode: '20000', state: 'MA' });
    expect(stored!.opticData).toMatchObject({ distanceVision: update.opticData.distanceVision, nearVision: layla.opticData.nearVision });
    expect(stored!.opticData!.distanceVision).not.toHaveProperty('leftEye');
    expect(stored!.files.map((f) => [f.field, f.fileName, f.bytes.toString()])).toEqual([
      ['idCard', 'id.png', 'png'],
      ['prescription', 'b.pdf', 'new'],
    ]);

    const nameOnly = await body<{ localData: { firstName: string; phoneNumber: string } }>(
      await call(c, 'PUT', `/customer/${id}`, form({ customerData: { firstName: 'Leila' } }), { token }),
    );
    expect(nameOnly.localData).toMatchObject({ firstName: 'Leila', phoneNumber: '+1-555-9999' });

    const filesOnly = new FormData();
    filesOnly.append('idCard', new Blob(['png2'], { type: 'image/png' }), 'id2.png');
    expect((await call(c, 'PUT', `/customer/${id}`, filesOnly, { token })).status).toBe(200);
    const afterFiles = c.customers(STORE).find((x) => x.id === id)!;
    expect(afterFiles.files.map((f) => f.fileName)).toEqual(['id2.png', 'b.pdf']);
    expect(afterFiles.localData.firstName).toBe('Leila');

    const taken = await call(c, 'PUT', `/customer/${other}`, form({ customerData: { email: 'layla@example.com' } }), { token });
    expect(taken.status).toBe(409);
    const invalid = await call(c, 'PUT', `/customer/${id}`, form({ customerData: { email: 'nope' } }), { token });
    expect((await body<{ message: string[] }>(invalid)).message).toEqual(['customerData.email must be an email']);
    expect((await call(c, 'PUT', '/customer/no-such-id', form({}), { token })).status).toBe(404);
  });

  it('drops keys the seed does not define, or keeps and returns them with keepUnknownFields', async () => {
    const jsonData = {
      customerData: person(1, { loyaltyId: 'L-1' }),
      address: { city: 'Fes', floor: '2' },
      opticData: { examDate: '2025-01-02', distanceVision: { rightEye: { sph: '-1.00', cyl: '0', axis: '0', add: '+2.00' } } },
      consent: { marketing: true },
    };
    for (const keep of [false, true]) {
      const c = await cloudWith({ keepUnknownFields: keep });
      const token = await login(c);
      const id = await createCustomer(c, token, jsonData);
      const detail = await body<{ localData: object; address: object; opticData: { distanceVision: { rightEye: object } } }>(
        await call(c, 'GET', `/customer/${id}`, undefined, { token }),
      );
      const [stored] = c.customers(STORE);
      expect(stored).not.toHaveProperty('consent');
      if (keep) {
        expect(detail.localData).toHaveProperty('loyaltyId', 'L-1');
        expect(detail.address).toHaveProperty('floor', '2');
        expect(detail.opticData).toHaveProperty('examDate', '2025-01-02');
        expect(detail.opticData.distanceVision.rightEye).toHaveProperty('add', '+2.00');
        await call(c, 'PUT', `/customer/${id}`, form({ customerData: { loyaltyId: 'L-2' } }), { token });
        expect(c.customers(STORE)[0]!.localData.loyaltyId).toBe('L-2');
      } else {
        expect(detail.localData).not.toHaveProperty('loyaltyId');
        expect(detail.address).not.toHaveProperty('floor');
        expect(detail.opticData).not.toHaveProperty('examDate');
        expect(detail.opticData.distanceVision.rightEye).toEqual({ sph: '-1.00', cyl: '0', axis: '0' });
        expect(stored!.localData).not.toHaveProperty('loyaltyId');
      }
    }
  });

  it('bulk-deletes: 200 with the count, 400 without ids, 404 when none is valid', async () => {
    const c = await cloudWith();
    const token = await login(c);
    const a = await createCustomer(c, token, { customerData: person(1) });
    const b = await createCustomer(c, token, { customerData: person(2) });
    const keep = await createCustomer(c, token, { customerData: person(3) });
    const bulk = (payload: unknown) =>
      call(c, 'DELETE', '/customer/bulk', JSON.stringify(payload), { token, headers: { 'content-type': 'application/json' } });

    const ok = await bulk({ ids: [a, b, 'no-such-id'] });
    expect(ok.status).toBe(200);
    expect(await body(ok)).toEqual({ message: 'Successfully deleted 2 customer(s)', deletedCount: 2 });
    expect(c.customers(STORE).map((x) => x.id)).toEqual([keep]);

    const none = await bulk({ ids: [] });
    expect(none.status).toBe(400);
    expect(await body(none)).toEqual({ statusCode: 400, message: 'No customer IDs provided', error: 'Bad Request' });
    expect((await bulk({})).status).toBe(400);
    const invalid = await bulk({ ids: [a, 'no-such-id'] });
    expect(invalid.status).toBe(404);
    expect(await body(invalid)).toEqual({ statusCode: 404, message: 'No valid customers found to delete', error: 'Not Found' });
    expect(c.requestLog().filter((e) => e.method === 'DELETE').map((e) => `${e.path} ${e.status}`)).toEqual([
      '/customer/bulk 200',
      '/customer/bulk 400',
      '/customer/bulk 400',
      '/customer/bulk 404',
    ]);
  });
});

describe('groups (seed 001 lists them; issue 13 item 5)', () => {
  it('a test puts a customer in a group (in process or through /__control/groups): the list shows it and updatedAt moves; the detail does not', async () => {
    const c = await cloudWith();
    const token = await login(c);
    const id = await createCustomer(c, token, { customerData: person('01') });
    const before = c.customers(STORE)[0]!.updatedAt;
    c.putInGroup(STORE, id, { id: 'g-vip', name: 'VIP Customers' });
    const control = await post(c, '/__control/groups', { storeId: STORE, customerId: id, group: { id: 'g-kids', name: 'Enfants' } });
    expect(control.status).toBe(200);
    expect(await post(c, '/__control/groups', { storeId: STORE, customerId: id, group: { id: 1 } })).toMatchObject({ status: 400 });
    const listed = await body<ListBody>(await call(c, 'GET', '/customer', undefined, { token }));
    expect(listed.data[0]!.groups).toEqual([{ id: 'g-kids', name: 'Enfants' }, { id: 'g-vip', name: 'VIP Customers' }]);
    expect(c.customers(STORE)[0]!.updatedAt > before).toBe(true);
    expect(await body(await call(c, 'GET', `/customer/${id}`, undefined, { token }))).not.toHaveProperty('groups');
    c.putInGroup(STORE, id, null);
    expect((await body<ListBody>(await call(c, 'GET', '/customer', undefined, { token }))).data[0]!.groups).toEqual([]);
  });
});

describe('optional extensions', () => {
  it('are off by default: no header, Idempotency-Key, updatedSince and includeDeleted ignored', async () => {
    const t = clock();
    const c = await cloudWith({ now: t.now });
    const token = await login(c);
    const headers = { 'idempotency-key': 'same-key' };
    const r1 = await call(c, 'POST', '/customer', form({ customerData: person(1) }), { token, headers });
    const r2 = await call(c, 'POST', '/customer', form({ customerData: person(2) }), { token, headers });
    expect([r1.status, r2.status]).toEqual([201, 201]);
    expect(r1.headers.get('x-api-extensions')).toBeNull();
    expect(c.customers(STORE)).toHaveLength(2);

    await call(c, 'DELETE', `/customer/${c.customers(STORE)[0]!.id}`, undefined, { token });
    t.advance(1000);
    const list = await body<ListBody>(await call(c, 'GET', `/customer?includeDeleted=true&updatedSince=${t.now().toISOString()}`, undefined, { token }));
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).not.toHaveProperty('deletedAt');
  });

  it('when on: one customer per Idempotency-Key, updatedSince, includeDeleted, and the header says so', async () => {
    const t = clock();
    const c = await cloudWith({ now: t.now, extensions: true });
    const token = await login(c);
    const headers = { 'idempotency-key': 'key-1' };
    const r1 = await call(c, 'POST', '/customer', form({ customerData: person(1) }), { token, headers });
    const r2 = await call(c, 'POST', '/customer', form({ customerData: person(1) }), { token, headers });
    expect(r1.headers.get('x-api-extensions')).toBe('idempotency-key,updated-since,include-deleted');
    expect([r1.status, r2.status]).toEqual([201, 201]);
    expect(await body(r2)).toEqual(await body(r1));
    expect(c.customers(STORE)).toHaveLength(1);
    const another = await call(c, 'POST', '/customer', form({ customerData: person(1) }), { token, headers: { 'idempotency-key': 'key-2' } });
    expect(another.status).toBe(409);

    t.advance(60_000);
    const since = t.now().toISOString();
    const second = await createCustomer(c, token, { customerData: person(2) });
    const changed = await body<ListBody>(await call(c, 'GET', `/customer?updatedSince=${since}`, undefined, { token }));
    expect(changed.data.map((d) => d.id)).toEqual([second]);

    t.advance(60_000);
    await call(c, 'DELETE', `/customer/${second}`, undefined, { token });
    const withDeleted = await body<ListBody>(await call(c, 'GET', `/customer?includeDeleted=true&updatedSince=${since}`, undefined, { token }));
    expect(withDeleted.data).toEqual([expect.objectContaining({ id: second, deletedAt: t.now().toISOString(), updatedAt: t.now().toISOString() })]);
    const live = await body<ListBody>(await call(c, 'GET', '/customer', undefined, { token }));
    expect(live.pagination.total).toBe(1);
    expect(live.data[0]).not.toHaveProperty('deletedAt');
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past N requests a minute per user, and per IP on login and licences', async () => {
    const t = clock();
    const c = await startCloud({ now: t.now, rateLimitPerMinute: 3 });
    running.push(c);
    await c.addUser(OWNER);
    const token = await login(c);
    for (let i = 0; i < 3; i++) expect((await call(c, 'GET', '/customer', undefined, { token })).status).toBe(200);
    t.advance(20_000);
    const refused = await call(c, 'GET', '/customer', undefined, { token });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('40');
    expect(await body(refused)).toEqual({ statusCode: 429, message: 'Too many requests', error: 'Too Many Requests' });
    t.advance(40_001);
    expect((await call(c, 'GET', '/customer', undefined, { token })).status).toBe(200);

    // Per IP: the login above has left the window by now; three licence calls fill it.
    for (let i = 0; i < 3; i++) expect((await call(c, 'GET', '/licenses')).status).toBe(200);
    const loginRefused = await post(c, '/auth/login', { email: OWNER.email, password: OWNER.password });
    expect(loginRefused.status).toBe(429);
    expect(Number(loginRefused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('faults', () => {
  it('errorRate answers 5xx without doing the work', async () => {
    const c = await cloudWith();
    const token = await login(c);
    c.faults.set({ errorRate: 1 });
    const res = await call(c, 'POST', '/customer', form({ customerData: person(1) }), { token });
    expect([500, 502, 503]).toContain(res.status);
    expect((await body(res)).statusCode).toBe(res.status);
    expect(c.customers(STORE)).toEqual([]);
    c.faults.reset();
    await createCustomer(c, token, { customerData: person(1) });
  });

  it('resetAfterCommit commits, then drops the connection: the client errors yet the customer exists', async () => {
    const c = await cloudWith();
    const token = await login(c);
    c.faults.set({ resetAfterCommitRate: 1, only: ['POST /customer'] });
    await expect(call(c, 'POST', '/customer', form({ customerData: person(1) }), { token })).rejects.toThrow();
    expect(c.customers(STORE).map((x) => x.localData.email)).toEqual(['person1@example.com']);
    // `only` spares the rest.
    expect((await call(c, 'GET', '/customer', undefined, { token })).status).toBe(200);
    expect(c.requestLog().slice(-2)).toEqual([
      { method: 'POST', path: '/customer', status: 'reset' },
      { method: 'GET', path: '/customer', status: 200 },
    ]);
  });

  it('truncate commits, then sends half the body: JSON parsing fails yet the write happened', async () => {
    const c = await cloudWith();
    const token = await login(c);
    c.faults.set({ truncateRate: 1 });
    const res = await call(c, 'POST', '/customer', form({ customerData: person(1) }), { token });
    expect(res.status).toBe(201);
    await expect(res.json()).rejects.toThrow();
    expect(c.customers(STORE)).toHaveLength(1);
    expect(c.requestLog().at(-1)).toEqual({ method: 'POST', path: '/customer', status: 'truncated' });
  });

  it('latency delays answers; a 429 burst hits the next N requests; `only` narrows the rate-based faults', async () => {
    const c = await cloudWith();
    const token = await login(c);
    c.faults.set({ latencyMs: [150, 200] });
    const started = Date.now();
    expect((await call(c, 'GET', '/customer', undefined, { token })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    c.faults.reset();

    c.faults.set({ tooManyRequests: { count: 2, retryAfterSeconds: 7 } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(c, 'GET', '/customer', undefined, { token });
      statuses.push(res.status);
      if (res.status === 429) expect(res.headers.get('retry-after')).toBe('7');
    }
    expect(statuses).toEqual([429, 429, 200]);
    expect(c.faults.get().tooManyRequests).toBeNull();

    c.faults.set({ errorRate: 1, only: ['PUT /customer'] });
    const id = await createCustomer(c, token, { customerData: person(1) });
    expect((await call(c, 'PUT', `/customer/${id}`, form({}), { token })).status).toBeGreaterThanOrEqual(500);
  });

  it('is deterministic for a seed', async () => {
    const run = async () => {
      const c = await cloudWith({ seed: 42 });
      c.faults.set({ errorRate: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await call(c, 'GET', '/licenses')).status);
      return statuses;
    };
    const a = await run();
    expect(new Set(a).size).toBeGreaterThan(1);
    expect(await run()).toEqual(a);
  });

  it('is driven over HTTP by /__control, which is itself never faulted or logged', async () => {
    const c = await cloudWith();
    const control = (payload: unknown) => call(c, 'POST', '/__control/faults', JSON.stringify(payload), { storeId: null });
    expect((await control({ errorRate: 1 })).status).toBe(200);
    expect(c.faults.get().errorRate).toBe(1);
    expect((await call(c, 'GET', '/licenses')).status).toBeGreaterThanOrEqual(500);
    expect((await control({ errorRate: 2 })).status).toBe(400);
    expect(await body(await control({ reset: true }))).toMatchObject({ errorRate: 0, tooManyRequests: null });
    expect((await call(c, 'GET', '/licenses')).status).toBe(200);
    expect(c.requestLog().map((e) => e.path)).toEqual(['/licenses', '/licenses']);
  });
});

describe('availability and persistence', () => {
  it('stopListening refuses connections; resumeListening answers on the same port with the data kept', async () => {
    const c = await cloudWith();
    const token = await login(c);
    await createCustomer(c, token, { customerData: person(1) });
    await c.stopListening();
    const err = (await call(c, 'GET', '/customer', undefined, { token }).catch((e: unknown) => e)) as { cause?: { code?: string } };
    expect(err.cause?.code).toBe('ECONNREFUSED');
    await c.resumeListening();
    const list = await body<ListBody>(await call(c, 'GET', '/customer', undefined, { token }));
    expect(list.pagination.total).toBe(1);
  });

  it('keeps users, customers, tokens and the signing key across a restart on the same data dir', async () => {
    const dataDir = tempDir();
    const first = await cloudWith({ dataDir });
    const token = await login(first);
    const id = await createCustomer(first, token, { customerData: person(1) });
    const key = first.addLicence({ storeId: STORE });
    const pem = first.licencePublicKeyPem;
    await first.close();

    const second = await startCloud({ dataDir, rateLimitPerMinute: null });
    running.push(second);
    expect((await call(second, 'GET', `/customer/${id}`, undefined, { token })).status).toBe(200);
    expect(second.licencePublicKeyPem).toBe(pem);
    expect(second.licences(STORE).map((l) => l.key)).toEqual([key]);
    await login(second);
  });
});

describe('licences', () => {
  const activate = (c: CloudServer, key: string, machineId: string, storeId = STORE) =>
    post(c, '/licenses/activate', { key, machineId, appVersion: '0.1.0' }, { storeId });

  interface Signed {
    license: Record<string, unknown>;
    signature: string;
    kid: string;
  }

  it('activates with a signed licence the shipped public key verifies', async () => {
    const t = clock();
    const c = await cloudWith({ now: t.now });
    const key = c.addLicence({ storeId: STORE, expiresAt: '2026-01-01T00:00:00.000Z' });
    // Typed sloppily: lower case, no dashes, O for 0 — normalised before the look-up.
    const typed = normaliseKey(key).toLowerCase().replace(/0/g, 'o');
    const res = await activate(c, typed, 'machine-1');
    expect(res.status).toBe(200);
    const signed = await body<Signed>(res);
    expect(signed.kid).toBe(c.licenceKid);
    expect(signed.license).toEqual({
      id: expect.any(String),
      key,
      productType: 'base_product',
      status: 'active',
      expiresAt: '2026-01-01T00:00:00.000Z',
      storeId: STORE,
      machineId: 'machine-1',
      issuedAt: '2025-03-01T10:00:00.000Z',
      refreshAfter: '2025-03-31T10:00:00.000Z',
    });
    const publicKey = createPublicKey(c.licencePublicKeyPem);
    const sig = Buffer.from(signed.signature, 'base64');
    expect(verify(null, Buffer.from(canonicalJson(signed.license)), publicKey, sig)).toBe(true);
    const tampered = { ...signed.license, expiresAt: null };
    expect(verify(null, Buffer.from(canonicalJson(tampered)), publicKey, sig)).toBe(false);
    expect(c.licences(STORE)).toEqual([{ key, status: 'active', activations: ['machine-1'] }]);
  });

  it('answers 404 unknown, 400 malformed, 409 past the seats, and lets the same machine activate again', async () => {
    const c = await cloudWith();
    const key = c.addLicence({ storeId: STORE });
    const unknown = await activate(c, keyFromData('ABCDEFGHJKMNPQR'), 'machine-1');
    expect(unknown.status).toBe(404);
    expect(await body(unknown)).toEqual({ statusCode: 404, message: 'Licence key not found', error: 'Not Found' });
    expect((await activate(c, key, 'machine-1', 'store-b')).status).toBe(404);
    expect((await activate(c, 'ABCD-EFGH-JKMN-PQRS', 'machine-1')).status).toBe(400);
    expect((await post(c, '/licenses/activate', { key })).status).toBe(400);

    expect((await activate(c, key, 'machine-1')).status).toBe(200);
    const full = await activate(c, key, 'machine-2');
    expect(full.status).toBe(409);
    expect(await body(full)).toMatchObject({ statusCode: 409, error: 'Conflict' });
    expect((await activate(c, key, 'machine-1')).status).toBe(200);

    const two = c.addLicence({ storeId: STORE, maxActivations: 2 });
    expect((await activate(c, two, 'machine-1')).status).toBe(200);
    expect((await activate(c, two, 'machine-2')).status).toBe(200);
    expect((await activate(c, two, 'machine-3')).status).toBe(409);
  });

  it('refreshes with a new issuedAt, frees the seat on deactivate, and answers 403 once revoked', async () => {
    const t = clock();
    const c = await cloudWith({ now: t.now });
    const key = c.addLicence({ storeId: STORE, expiresAt: '2024-01-01T00:00:00.000Z' });
    const first = await body<Signed>(await activate(c, key, 'machine-1'));
    expect(first.license.expiresAt).toBe('2024-01-01T00:00:00.000Z');

    t.advance(5 * 24 * 60 * 60 * 1000);
    const refreshed = await post(c, '/licenses/refresh', { key, machineId: 'machine-1' });
    expect(refreshed.status).toBe(200);
    const r = await body<Signed>(refreshed);
    expect(r.license.issuedAt).toBe('2025-03-06T10:00:00.000Z');
    expect(verify(null, Buffer.from(canonicalJson(r.license)), createPublicKey(c.licencePublicKeyPem), Buffer.from(r.signature, 'base64'))).toBe(true);
    expect((await post(c, '/licenses/refresh', { key, machineId: 'machine-2' })).status).toBe(404);

    const off = await post(c, '/licenses/deactivate', { key, machineId: 'machine-1' });
    expect(off.status).toBe(200);
    expect(typeof (await body(off)).message).toBe('string');
    expect(c.licences(STORE)[0]!.activations).toEqual([]);
    expect((await activate(c, key, 'machine-2')).status).toBe(200);

    c.revokeLicence(key);
    const revoked = await activate(c, key, 'machine-2');
    expect(revoked.status).toBe(403);
    expect(await body(revoked)).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    expect((await post(c, '/licenses/refresh', { key, machineId: 'machine-2' })).status).toBe(403);
  });

  it('lists the store licences in the seed 002 shape, without a bearer token', async () => {
    const c = await cloudWith();
    const key = c.addLicence({ storeId: STORE });
    c.addLicence({ storeId: 'store-b' });
    c.revokeLicence(key);
    const res = await call(c, 'GET', '/licenses');
    expect(res.status).toBe(200);
    expect(await body(res)).toEqual([{ id: expect.any(String), key, productType: 'base_product', status: 'revoked', expiresAt: null }]);
    expect((await call(c, 'GET', '/licenses', undefined, { storeId: null })).status).toBe(400);
  });
});

describe('update feed and plumbing', () => {
  it('serves <updatesDir>/<platform>/<file> and nothing outside it', async () => {
    const root = tempDir();
    const updatesDir = join(root, 'updates');
    mkdirSync(join(updatesDir, 'linux'), { recursive: true });
    writeFileSync(join(updatesDir, 'linux', 'latest-linux.yml'), 'version: 0.2.0\n');
    writeFileSync(join(root, 'secret.txt'), 'TOP-SECRET-CONTENT');
    const c = await cloudWith({ updatesDir });

    const ok = await fetch(`${c.url}/updates/linux/latest-linux.yml`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('yaml');
    expect(await ok.text()).toBe('version: 0.2.0\n');
    expect((await fetch(`${c.url}/updates/linux/missing.yml`)).status).toBe(404);

    // fetch would normalise `..` away: send the raw paths.
    const raw = (path: string) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: c.port, path }, (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        req.end();
      });
    for (const path of ['/updates/../secret.txt', '/updates/linux/../../secret.txt', '/updates/linux/..%2F..%2Fsecret.txt', '/updates/..%2F/secret.txt', '/updates/%2e%2e/secret.txt']) {
      const res = await raw(path);
      expect(res.status, path).toBe(404);
      expect(res.text).not.toContain('TOP-SECRET-CONTENT');
    }
  });

  it('answers unknown routes, malformed JSON and oversized bodies like the seed server', async () => {
    const c = await cloudWith();
    const unknown = await fetch(`${c.url}/x`);
    expect(unknown.status).toBe(404);
    expect(await body(unknown)).toEqual({ statusCode: 404, message: 'Cannot GET /x', error: 'Not Found' });
    const malformed = await call(c, 'POST', '/auth/login', '{"email":', { headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect((await body(malformed)).statusCode).toBe(400);
    const huge = await call(c, 'POST', '/auth/login', Buffer.alloc(26 * 1024 * 1024, 'a'), { headers: { 'content-type': 'application/json' } });
    expect(huge.status).toBe(413);
  });
});
