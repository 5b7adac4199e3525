import type { Core } from '../../src/main/core';
import type { SyncStatus } from '../../src/shared/sync/schema';
import { type CloudServer, startCloud } from '../cloud/server';
import type { HostProcess } from './host-process';

export const STORE = { storeId: 'store-1', email: 'owner@store.test', password: 'cloud-password-1' };

/** A test cloud with one store owner, its default rate limit (100 requests a minute per user, sliding) and no faults. */
export async function cloudWithStore(opts: Parameters<typeof startCloud>[0] = {}): Promise<CloudServer> {
  const cloud = await startCloud(opts);
  await cloud.addUser(STORE);
  return cloud;
}

/** Points a core at the cloud (as its owner), with the app's default client-side rate limit unless told. */
export async function connect(core: Core, cloud: CloudServer, requestsPerMinute?: number): Promise<SyncStatus> {
  return core.call('sync.configure', { baseUrl: cloud.url, storeId: STORE.storeId, email: STORE.email, password: STORE.password, requestsPerMinute });
}

/** Points a browser host (a child process) at the cloud, or at a line to it, as the store's owner. */
export function connectHost(h: HostProcess, cloud: { url: string }): Promise<SyncStatus> {
  return h.call('sync.configure', { baseUrl: cloud.url, storeId: STORE.storeId, email: STORE.email, password: STORE.password });
}

/** "Sync now" until nothing is pending (a round can leave work that came in meanwhile). */
export async function syncUntilSettled(core: Core, rounds = 10): Promise<SyncStatus> {
  let status = await core.call('sync.now', {});
  for (let i = 1; i < rounds && status.pending > 0 && status.state !== 'offline' && status.state !== 'error'; i++) {
    status = await core.call('sync.now', {});
  }
  return status;
}

/** Another client of the store's cloud (a web back office, another app): plain HTTP calls. */
export async function otherClient(cloud: CloudServer) {
  const login = await fetch(`${cloud.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-store-id': STORE.storeId },
    body: JSON.stringify({ email: STORE.email, password: STORE.password }),
  });
  const { token } = (await login.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}`, 'x-store-id': STORE.storeId };
  const send = async (method: string, path: string, jsonData?: unknown) => {
    let body: FormData | undefined;
    if (jsonData !== undefined) {
      body = new FormData();
      body.append('jsonData', JSON.stringify(jsonData));
    }
    const res = await fetch(cloud.url + path, { method, headers, body });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  return {
    update: (id: string, jsonData: unknown) => send('PUT', `/customer/${id}`, jsonData),
    create: (jsonData: unknown) => send('POST', '/customer', jsonData),
    remove: (id: string) => send('DELETE', `/customer/${id}`),
  };
}
