import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { expect, it } from 'vitest';
import { CloudClient, CloudError } from '../../src/main/sync/cloud-client';
import { RateLimiter } from '../../src/main/sync/limiter';
import { memoryLogger } from '../helpers/core';

/*
 * A cloud that takes the connection and never answers must not hold a sync call for ever: a restore
 * waits for every call under way, and the store stays closed to everyone meanwhile. On Node 20,
 * AbortSignal.any([AbortSignal.timeout(ms), …]) never fires once a garbage collection has run, so
 * the timeout is exercised with one.
 */
it('gives up on a cloud that never answers after its timeout, even after a garbage collection', async () => {
  const sockets: Socket[] = [];
  const silent = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const client = new CloudClient({
      baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      storeId: 'store-1',
      credentials: () => ({ email: 'owner@store.test', password: 'cloud-password-1' }),
      limiter: new RateLimiter(0),
      log: memoryLogger(),
      timeoutMs: 500,
      signal: new AbortController().signal,
    });
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const started = performance.now();
    const login = client.login();
    setTimeout(gc, 100);
    const outcome = await Promise.race([login.then(() => 'answered', (err: unknown) => err), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5_000))]);
    expect(outcome).toBeInstanceOf(CloudError);
    expect((outcome as CloudError).kind).toBe('offline');
    expect(performance.now() - started).toBeLessThan(3_000);
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});
