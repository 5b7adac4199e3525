import type { KeyObject } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, STATUS_CODES, createServer } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Auth, authRoutes } from './auth';
import { type CloudCustomer, Customers, customerRoutes } from './customers';
import { type After, type FaultController, FaultInjector, FaultsPatch } from './faults';
import { HttpError, type Reply, type RequestContext, type Route, errorReply, json, parseJsonBody, readBody } from './http';
import { IdempotencyKeys } from './idempotency';
import { Licences, licenceRoutes } from './licences';
import { RateLimiter } from './rate-limit';
import { loadSigner, publicKeyPem } from './signer';
import { openStore } from './store';
import { updateRoutes } from './updates';

/*
 * The test cloud: cloud-api.md over real HTTP on 127.0.0.1, for the sync engine and licence
 * activation to be tested against. Each request goes: faults before (429 burst, latency, 5xx) →
 * route → access (token, store, rate limit) → handler → faults after (reset, truncate) → the log →
 * the reply. `/__control/*` is outside all of that: it is how a test process that does not hold
 * this object (or a person with curl) turns faults on.
 */

export type { CloudCustomer } from './customers';
export type { FaultController, Faults } from './faults';

export interface CloudOptions {
  /** 0/undefined = a free port; the host is always 127.0.0.1. */
  port?: number;
  /** Persistence in `<dataDir>/cloud.sqlite3` (and the licence signing key); absent = in memory. */
  dataDir?: string;
  /** Per user (JWT subject), and per IP for /auth/login and /licenses; default 100; null = off. */
  rateLimitPerMinute?: number | null;
  /**
   * The rate limiter's clock (default `now`). Tests of long syncs give it the same time-scaled
   * clock as the app's sync timeline: still 100 per (scaled) minute, sliding, only faster.
   */
  rateLimitClock?: () => Date;
  /** Idempotency-Key on POST /customer, updatedSince and includeDeleted on GET /customer. */
  extensions?: boolean;
  /** Store and return keys the seed does not define inside customerData, address and opticData. */
  keepUnknownFields?: boolean;
  /** Default 24 h. */
  tokenTtlMs?: number;
  now?: () => Date;
  /** Default: an Ed25519 pair kept in dataDir (fresh when in memory), kid 'test-1'. */
  licenceSigner?: { kid: string; privateKey: KeyObject };
  /** Serves GET /updates/<platform>/<file> from <updatesDir>/<platform>/<file>. */
  updatesDir?: string;
  /** PRNG seed for fault injection. */
  seed?: number;
}

export type LoggedStatus = number | 'reset' | 'truncated';

export interface CloudServer {
  url: string;
  port: number;
  faults: FaultController;
  /**
   * Holds the next request to `METHOD path` before the cloud handles it, until released: a test
   * makes a local change at the exact moment the app is waiting on the cloud.
   */
  hold(method: string, path: string): { reached: Promise<void>; release(): void };
  addUser(u: { storeId: string; email: string; password: string }): Promise<void>;
  customers(storeId: string, opts?: { includeDeleted?: boolean }): CloudCustomer[];
  /** Puts a customer in a group (null: out of every group), as the store's back office would (updatedAt moves). */
  putInGroup(storeId: string, customerId: string, group: { id: string; name: string } | null): CloudCustomer;
  requestLog(): { method: string; path: string; status: LoggedStatus }[];
  clearRequestLog(): void;
  addLicence(l: { storeId: string; key?: string; expiresAt?: string | null; maxActivations?: number }): string;
  revokeLicence(key: string): void;
  licences(storeId: string): { key: string; status: 'active' | 'revoked'; activations: string[] }[];
  licencePublicKeyPem: string;
  licenceKid: string;
  /** Every token issued so far now gets 401. */
  expireAllTokens(): void;
  /** "The internet is down": the port is closed (connections refused), the data kept. */
  stopListening(): Promise<void>;
  /** Listens again on the same port. */
  resumeListening(): Promise<void>;
  close(): Promise<void>;
}

const EXTENSIONS_HEADER = 'idempotency-key,updated-since,include-deleted';
const DAY_MS = 24 * 60 * 60 * 1000;

export async function startCloud(opts: CloudOptions = {}): Promise<CloudServer> {
  const now = opts.now ?? (() => new Date());
  const extensions = opts.extensions ?? false;
  const db = openStore(opts.dataDir);
  const auth = new Auth(db, now, opts.tokenTtlMs ?? DAY_MS);
  const customers = new Customers(db, now);
  const signer = opts.licenceSigner ?? loadSigner(opts.dataDir);
  const licences = new Licences(db, now, signer);
  const faults = new FaultInjector(opts.seed);
  const limiter = opts.rateLimitPerMinute === null ? null : new RateLimiter(opts.rateLimitPerMinute ?? 100, opts.rateLimitClock ?? now);
  const log: { method: string; path: string; status: LoggedStatus }[] = [];
  const holds: { key: string; reached: () => void; released: Promise<void> }[] = [];

  const routes: Route[] = [
    ...authRoutes(auth),
    ...customerRoutes({ db, customers, idempotency: new IdempotencyKeys(db), keepUnknownFields: opts.keepUnknownFields ?? false, extensions }),
    ...licenceRoutes(licences),
    ...updateRoutes(opts.updatesDir),
  ];

  /** Finds the route and checks who may call it (throws the refusal: 404, 401, 400, 403, 429). */
  function prepare(req: IncomingMessage, url: URL, body: Buffer): { route: Route; ctx: RequestContext } {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    let route: Route | undefined;
    let match: RegExpExecArray | null = null;
    for (const r of routes) {
      match = r.method === method ? r.pattern.exec(path) : null;
      if (match) {
        route = r;
        break;
      }
    }
    if (!route || !match) throw new HttpError(404, `Cannot ${method} ${path}`);
    let params: string[];
    try {
      params = match.slice(1).map((p) => decodeURIComponent(p));
    } catch {
      throw new HttpError(404, `Cannot ${method} ${path}`);
    }
    const storeId = typeof req.headers['x-store-id'] === 'string' ? req.headers['x-store-id'].trim() : '';
    const ctx: RequestContext = { method, url, rawUrl: req.url ?? '/', params, headers: req.headers, body, storeId, user: null };

    if (route.access === 'user') {
      ctx.user = auth.authenticate(req.headers.authorization);
      if (!ctx.user) throw new HttpError(401, 'Unauthorized');
    }
    if (route.access !== 'open' && !storeId) throw new HttpError(400, ['x-store-id header is required']);
    if (ctx.user && ctx.user.storeId !== storeId) throw new HttpError(403, 'You do not have access to this store');
    if (limiter && route.access !== 'open') {
      const retryAfter = limiter.take(ctx.user ? `user:${ctx.user.id}` : `ip:${req.socket.remoteAddress}`);
      if (retryAfter !== null) throw tooManyRequests(retryAfter);
    }
    return { route, ctx };
  }

  /** The reply, and whether the handler ran (only then may the after-commit faults strike). */
  async function answer(req: IncomingMessage, url: URL, body: Buffer | 'tooLarge'): Promise<{ reply: Reply; ran: boolean }> {
    const method = req.method ?? 'GET';
    const held = holds.findIndex((h) => h.key === `${method} ${url.pathname}`);
    if (held >= 0) {
      const [h] = holds.splice(held, 1);
      h!.reached();
      await h!.released;
    }
    for (const fault of faults.before(method, url.pathname)) {
      if (fault.kind === 'delay') await sleep(fault.ms);
      else if (fault.kind === 'tooMany') return { reply: tooManyRequests(fault.retryAfterSeconds).toReply(), ran: false };
      else return { reply: errorReply(fault.status, STATUS_CODES[fault.status] ?? 'Error'), ran: false };
    }
    const refused = faults.refuses(method, body);
    if (refused !== null) return { reply: new HttpError(400, [refused]).toReply(), ran: false };
    try {
      if (body === 'tooLarge') throw new HttpError(413, 'Payload Too Large');
      const { route, ctx } = prepare(req, url, body);
      return { reply: await route.handle(ctx), ran: true };
    } catch (err) {
      if (err instanceof HttpError) return { reply: err.toReply(), ran: true };
      console.error('[cloud]', err);
      return { reply: errorReply(500, 'Internal server error'), ran: true };
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    if (url.pathname === '/__control' || url.pathname.startsWith('/__control/')) {
      write(res, control(req.method ?? 'GET', url.pathname, body), null);
      return;
    }
    const { reply, ran } = await answer(req, url, body);
    if (extensions) reply.headers = { ...reply.headers, 'x-api-extensions': EXTENSIONS_HEADER };
    const after = ran ? faults.after(req.method ?? 'GET', url.pathname) : null;
    // Logged before the socket sees anything, so a test that has its answer (or its error) can look.
    log.push({ method: req.method ?? 'GET', path: url.pathname, status: after === 'reset' ? 'reset' : after === 'truncate' ? 'truncated' : reply.status });
    write(res, reply, after);
  }

  function control(method: string, path: string, body: Buffer | 'tooLarge'): Reply {
    try {
      if (body === 'tooLarge') throw new HttpError(413, 'Payload Too Large');
      if (method === 'POST' && path === '/__control/faults') {
        const input = parseJsonBody(body) as { reset?: unknown } | null;
        if (input?.reset === true) {
          faults.reset();
        } else {
          const patch = FaultsPatch.safeParse(input);
          if (!patch.success) throw new HttpError(400, patch.error.issues.map((i) => `${i.path.join('.')} ${i.message}`));
          faults.set(patch.data);
        }
        return json(200, faults.get());
      }
      if (method === 'POST' && path === '/__control/groups') {
        // {storeId, customerId, group: {id, name} | null}: a test in another process puts a customer in a group.
        const input = parseJsonBody(body) as { storeId?: unknown; customerId?: unknown; group?: { id?: unknown; name?: unknown } | null } | null;
        const g = input?.group;
        if (typeof input?.storeId !== 'string' || typeof input.customerId !== 'string' || (g !== null && (typeof g?.id !== 'string' || typeof g.name !== 'string'))) {
          throw new HttpError(400, ['storeId, customerId and group {id, name} (or null) are required']);
        }
        const c = customers.setGroup(input.storeId, input.customerId, g ? { id: String(g.id), name: String(g.name) } : null);
        return json(200, { id: c.id, groups: c.groups, updatedAt: c.updatedAt });
      }
      if (method === 'POST' && path === '/__control/expire-tokens') {
        auth.expireAllTokens();
        return json(200, { message: 'Every token issued so far is now expired' });
      }
      throw new HttpError(404, `Cannot ${method} ${path}`);
    } catch (err) {
      if (err instanceof HttpError) return err.toReply();
      throw err;
    }
  }

  const server = createServer((req, res) => {
    serve(req, res).catch((err: unknown) => {
      if (req.destroyed) return; // the client went away mid-request: no one to answer
      console.error('[cloud]', err);
      if (!res.headersSent) write(res, errorReply(500, 'Internal server error'), null);
    });
  });
  await listen(server, opts.port ?? 0);
  const port = (server.address() as AddressInfo).port;

  async function stopListening(): Promise<void> {
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections would otherwise keep answering: "down" means down.
    server.closeAllConnections();
    await closed;
    // Let clients in this process see their pooled connections close, so their next request is
    // refused (ECONNREFUSED) rather than sent down a socket that is already dead.
    await sleep(20);
  }

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    faults,
    hold: (method, path) => {
      let reached!: () => void;
      let release!: () => void;
      const reachedP = new Promise<void>((r) => (reached = r));
      holds.push({ key: `${method} ${path}`, reached, released: new Promise<void>((r) => (release = r)) });
      return { reached: reachedP, release };
    },
    addUser: (u) => auth.addUser(u),
    customers: (storeId, o) => customers.all(storeId, o),
    putInGroup: (storeId, customerId, group) => customers.setGroup(storeId, customerId, group),
    requestLog: () => log.map((e) => ({ ...e })),
    clearRequestLog: () => {
      log.length = 0;
    },
    addLicence: (l) => licences.add(l),
    revokeLicence: (key) => licences.revoke(key),
    licences: (storeId) => licences.list(storeId),
    licencePublicKeyPem: publicKeyPem(signer),
    licenceKid: signer.kid,
    expireAllTokens: () => auth.expireAllTokens(),
    stopListening,
    resumeListening: async () => {
      if (!server.listening) await listen(server, port);
    },
    close: async () => {
      await stopListening();
      db.close();
    },
  };
}

function tooManyRequests(retryAfterSeconds: number): HttpError {
  return new HttpError(429, 'Too many requests', { 'retry-after': String(retryAfterSeconds) });
}

/** Listens on the loopback address; a port already taken rejects instead of throwing later. */
export function listen(server: NetServer, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Sends the reply — or, after the work is done, drops the connection without a word ('reset'), or
 * sends the full Content-Length with half the body and then drops it ('truncate').
 */
function write(res: ServerResponse, reply: Reply, after: After): void {
  const bytes = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(JSON.stringify(reply.body));
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    ...reply.headers,
    'content-length': String(bytes.length),
  };
  if (after === 'reset') {
    res.socket?.destroy();
    return;
  }
  res.writeHead(reply.status, headers);
  if (after === 'truncate') {
    res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
    return;
  }
  res.end(bytes);
}
