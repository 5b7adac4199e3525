import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { keyFromData } from '../../src/shared/licence/key';
import { openTestCore } from '../helpers/core';

/*
 * The https rule (server-url.ts) judges the address the owner typed. A server there that answers
 * with a redirect must not carry the password or the licence key anywhere else: redirects are not
 * followed at all (the cloud API has none).
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

it('never follows a redirect with the cloud password or the licence key', async () => {
  const received: string[] = [];
  const sink = await listen(
    createServer((req, res) => {
      req.on('data', (chunk: Buffer) => received.push(chunk.toString()));
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    }),
  );
  const redirector = await listen(createServer((req, res) => res.writeHead(307, { location: `${sink}${req.url ?? '/'}` }).end()));

  const { core, close } = await openTestCore({ core: { syncAutomatic: false, syncTimeoutMs: 3_000 } });
  cleanups.push(close);
  await core.handle('sync.configure', { baseUrl: redirector, storeId: 'store-1', email: 'owner@store.test', password: 'cloud-password-secret' });
  await core.handle('licence.configure', { baseUrl: redirector, storeId: 'store-1' });
  await core.handle('licence.activate', { key: keyFromData('QZC35WNM8T2KD4R') });
  await core.handle('sync.now', {});
  const leaked = received.join('\n');
  expect(leaked).not.toContain('cloud-password-secret');
  expect(leaked).not.toContain('QZC3');
  expect(received).toEqual([]);
});
