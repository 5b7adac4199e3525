import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { watchSyncStatus } from '../../src/main/events';
import type { CloudServer } from '../cloud/server';
import { ahmed, layla, openTestCore, person, tempDir } from '../helpers/core';
import { cloudWithStore, connect } from '../helpers/sync';
import { serveHost } from '../helpers/host-server';

/*
 * The browser host's event stream (GET /api/events): Server-Sent Events saying "the sync status
 * changed", over real HTTP, from the core's own changes (a save queued, the engine syncing).
 */
const TOKEN = 'events-token-123';
let core: Core;
let closeCore: () => Promise<void>;
let closeServer: () => Promise<void>;
let base: string;
let cloud: CloudServer;
const staticDir = tempDir('opticounter-static-');

beforeAll(async () => {
  ({ core, close: closeCore } = await openTestCore());
  cloud = await cloudWithStore();
  ({ base, close: closeServer } = await serveHost({ core, token: TOKEN, staticDir: staticDir.dir, eventsHeartbeatMs: 100 }));
});
afterAll(async () => {
  await closeServer();
  await closeCore();
  await cloud.close();
  staticDir.remove();
});

/** An open event stream: what it has received so far, and a way to wait for more. */
async function openStream(token = TOKEN) {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  let text = '';
  const waiters: (() => void)[] = [];
  if (res.ok && res.body) {
    void (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          text += decoder.decode(chunk, { stream: true });
          for (const w of waiters.splice(0)) w();
        }
      } catch {
        // aborted
      }
    })();
  }
  const events = () => text.split('\n\n').filter((block) => block.includes('data:'));
  return {
    res,
    text: () => text,
    events,
    /** Resolves once the stream's text matches `test` (fails after 5 s). */
    async until(test: (text: string) => boolean, what: string) {
      const deadline = Date.now() + 5_000;
      while (!test(text)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got:\n${text}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
    },
    close: () => controller.abort(),
  };
}

describe('browser host GET /api/events', () => {
  it('needs the host token (no session), and GET only', async () => {
    expect((await fetch(`${base}/api/events`)).status).toBe(401);
    const wrong = await fetch(`${base}/api/events`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('host.unauthorized');
    const post = await fetch(`${base}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });

  it('opens a stream of Server-Sent Events, kept alive by comment lines', async () => {
    const stream = await openStream();
    try {
      expect(stream.res.status).toBe(200);
      expect(stream.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(stream.res.headers.get('cache-control')).toBe('no-store');
      await stream.until((t) => t.startsWith(': connected\n\n'), 'the connected comment');
      await stream.until((t) => t.includes(': ping\n\n'), 'a heartbeat');
      expect(stream.events()).toEqual([]);
    } finally {
      stream.close();
    }
  });

  it('says "sync.status" when a save queues a change, and again as the engine syncs it', async () => {
    const stream = await openStream();
    try {
      await stream.until((t) => t.includes(': connected'), 'the connection');
      await core.call('customers.create', layla);
      await stream.until((t) => t.includes('event: sync.status\ndata: {"type":"sync.status"}\n\n'), 'the event of the save');
      // The page asks with its own session and sees the change pending.
      expect((await core.call('sync.status', {})).pending).toBe(1);

      const before = stream.events().length;
      await connect(core, cloud);
      await core.call('sync.now', {});
      await stream.until(() => stream.events().length > before, 'the events of the sync');
      expect(await core.call('sync.status', {})).toMatchObject({ state: 'idle', pending: 0 });
      expect(cloud.customers('store-1')).toHaveLength(1);
    } finally {
      stream.close();
    }
  });

  it('coalesces a burst of changes into few events, the last change always told', async () => {
    const stream = await openStream();
    try {
      await stream.until((t) => t.includes(': connected'), 'the connection');
      const before = stream.events().length;
      for (let i = 0; i < 20; i++) await core.call('customers.create', person('Burst', `Number${i}`, { email: `burst${i}@example.com` }));
      await stream.until(() => stream.events().length > before, 'an event after the burst');
      await new Promise((r) => setTimeout(r, 400));
      // 20 saves in well under a second: a handful of events, not 20.
      expect(stream.events().length - before).toBeLessThan(10);
    } finally {
      stream.close();
    }
  });

  it('stops listening to the core when the page goes away', async () => {
    // The same core, counting its subscribers.
    let subscribed = 0;
    const counted = Object.create(core, {
      onSyncChange: {
        value(listener: () => void) {
          subscribed++;
          const off = core.onSyncChange(listener);
          return () => {
            subscribed--;
            off();
          };
        },
      },
    }) as Core;
    const events: string[] = [];
    const stop = watchSyncStatus(counted, (e) => events.push(e.type), 10);
    expect(subscribed).toBe(1);
    await core.call('customers.create', ahmed);
    await expect.poll(() => events.length).toBeGreaterThan(0);
    expect(new Set(events)).toEqual(new Set(['sync.status']));
    stop();
    expect(subscribed).toBe(0);
    // Nothing more once stopped, whatever the core does.
    const told = events.length;
    await core.call('customers.create', person('Not', 'Told', { email: 'not-told@example.com' }));
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toHaveLength(told);

    const other = await serveHost({ core: counted, token: TOKEN, staticDir: staticDir.dir });
    try {
      const res = await fetch(`${other.base}/api/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      await reader.read(); // ": connected"
      expect(subscribed).toBe(1);
      await reader.cancel();
      await expect.poll(() => subscribed).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('keeps telling the page after a backup is restored (the core reassembles itself)', async () => {
    const backup = await core.call('backup.create', {});
    await core.call('backup.restore', { name: backup.name });
    const stream = await openStream();
    try {
      await stream.until((t) => t.includes(': connected'), 'the connection');
      const before = stream.events().length;
      const { sessionToken } = await core.call('auth.login', { username: 'owner', password: 'owner-password-1' });
      await core.call('customers.create', person('Restored', 'Later', { email: 'restored-later@example.com' }), { sessionToken });
      await stream.until(() => stream.events().length > before, 'an event from the restored store');
    } finally {
      stream.close();
    }
  });
});
