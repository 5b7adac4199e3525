import { timingSafeEqual } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { SESSION_HEADER } from '../../shared/contract';
import { AppError, type Envelope } from '../../shared/errors';
import { APP_EVENTS_PATH, type AppEvent } from '../../shared/events';
import type { Core } from '../core';
import { watchImportProgress, watchSyncStatus } from '../events';
import { CONTENT_SECURITY_POLICY } from '../security';
import { RENDERER_CONTENT_TYPES } from '../renderer-files';

export interface HostOptions {
  core: Core;
  /** Every /api call must carry `Authorization: Bearer <token>`. */
  token: string;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** Largest accepted request body. */
  maxBodyBytes?: number;
  /** How often an idle event stream gets a comment line, so proxies and sockets keep it open. */
  eventsHeartbeatMs?: number;
}

/**
 * The core behind HTTP on loopback, for tests, demos and machines without the Electron binary:
 * `POST /api/<channel>` with the channel's input as JSON, answered with the same envelope as IPC
 * (HTTP status = the error's status). Everything else serves the built renderer.
 */
export function createHostServer(opts: HostOptions): Server {
  const expected = Buffer.from(`Bearer ${opts.token}`);
  const maxBody = opts.maxBodyBytes ?? 32 * 1024 * 1024;

  return createServer((req, res) => {
    try {
      route(req, res);
    } catch (err) {
      // A request must never take the host (and the open database) down with it.
      send(res, 400, fail(err instanceof AppError ? err : new AppError('validation', 'Malformed request')));
    }
  });

  function route(req: IncomingMessage, res: ServerResponse) {
    setSecurityHeaders(res);
    // Refuse other host names so a web page cannot reach us through DNS rebinding.
    if (!isLoopbackHost(req.headers.host)) return send(res, 421, fail(new AppError('host.unknownHost', 'Unknown host')));

    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodePath(url.pathname);
    if (path === APP_EVENTS_PATH) {
      if (req.method !== 'GET') {
        res.setHeader('allow', 'GET');
        return send(res, 405, fail(new AppError('host.methodNotAllowed', 'Use GET for the event stream')));
      }
      if (!authorized(req)) return send(res, 401, fail(new AppError('host.unauthorized', 'Missing or wrong host token')));
      return streamEvents(opts.core, res, opts.eventsHeartbeatMs ?? 25_000);
    }
    if (path.startsWith('/api/')) {
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        return send(res, 405, fail(new AppError('host.methodNotAllowed', 'Use POST for /api calls')));
      }
      if (!authorized(req)) return send(res, 401, fail(new AppError('host.unauthorized', 'Missing or wrong host token')));
      void handleApi(opts.core, path.slice('/api/'.length), req, res, maxBody);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, fail(new AppError('host.methodNotAllowed', 'Method not allowed')));
    }
    serveStatic(opts.staticDir, path, res);
  }

  function authorized(req: IncomingMessage): boolean {
    const given = Buffer.from(req.headers.authorization ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/**
 * `GET /api/events`: Server-Sent Events telling the page that the sync status changed (it then asks
 * `sync.status` with its own session). The host token admits it; no session is needed, since the
 * events carry nothing but their type. The page reads it with fetch (EventSource cannot send the
 * token header).
 */
function streamEvents(core: Core, res: ServerResponse, heartbeatMs: number) {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  // Sent at once: the page knows it is connected (and asks for the status) without waiting for a change.
  res.write(': connected\n\n');
  const write = (event: AppEvent) => {
    res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  };
  const stopSync = watchSyncStatus(core, write);
  const stopImport = watchImportProgress(core, write);
  const stop = () => {
    stopSync();
    stopImport();
  };
  const heartbeat = setInterval(() => res.write(': ping\n\n'), heartbeatMs);
  heartbeat.unref();
  // The response's close (not the request's, which closes once its empty body is read): the page left.
  res.on('close', () => {
    stop();
    clearInterval(heartbeat);
  });
}

function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    throw new AppError('validation', 'The address is not valid URL encoding');
  }
}

async function handleApi(core: Core, channel: string, req: IncomingMessage, res: ServerResponse, maxBody: number) {
  let body: unknown;
  try {
    body = await readJsonBody(req, maxBody);
  } catch (err) {
    const error = err instanceof AppError ? err : new AppError('validation', 'The request body must be JSON');
    if (error.code === 'host.bodyTooLarge') res.setHeader('connection', 'close');
    return send(res, error.status, fail(error));
  }
  const session = req.headers[SESSION_HEADER];
  const result = await core.handle(channel, body, { sessionToken: typeof session === 'string' ? session : null });
  // A call held off (a restore under way) says when to come back, as HTTP clients expect it.
  const retryAfterMs = result.ok ? undefined : result.error.details?.retryAfterMs;
  if (typeof retryAfterMs === 'number') res.setHeader('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  if (!res.destroyed) send(res, result.ok ? 200 : result.error.status, result);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The request's JSON. Parsed as it ends, so that only the parsed value is kept while the call runs:
 * a promise of the text kept the text (15 MB for an import's file) until the handler returned.
 */
function readJsonBody(req: IncomingMessage, max: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        // Stop buffering but keep the socket, so the client still gets the answer.
        req.removeAllListeners('data');
        req.resume();
        reject(new AppError('host.bodyTooLarge', `The request body is larger than ${Math.round(max / 1024)} KB`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      chunks.length = 0;
      let text: string;
      try {
        text = UTF8.decode(bytes);
      } catch {
        // Decoding leniently would turn the bad bytes into U+FFFD and store that as if it were sent.
        return reject(new AppError('validation', 'The request body is not valid UTF-8'));
      }
      try {
        resolve(text.trim() === '' ? {} : JSON.parse(text));
      } catch {
        reject(new AppError('validation', 'The request body must be JSON'));
      }
    });
    req.on('error', reject);
  });
}

function serveStatic(root: string, pathname: string, res: ServerResponse) {
  const rel = normalize(pathname).replace(/^([/\\])+/, '');
  let file = join(root, rel);
  const notFound = () => send(res, 404, fail(new AppError('host.notFound', 'Not found')));
  if (file !== root && !file.startsWith(root + sep)) return notFound();
  let stat = statOrNull(file);
  if (!stat?.isFile()) {
    // Screens are client-side: unknown paths get the app, missing assets a 404.
    if (extname(rel) !== '') return notFound();
    file = join(root, 'index.html');
    stat = statOrNull(file);
    if (!stat) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('The renderer is not built yet: run `npx electron-vite build`, then reload.');
      return;
    }
  }
  res.writeHead(200, {
    'content-type': RENDERER_CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': stat.size,
    'cache-control': file.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
  });
  createReadStream(file).pipe(res);
}

function statOrNull(file: string) {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}

function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.replace(/:\d+$/, '');
  return name === '127.0.0.1' || name === 'localhost' || name === '[::1]';
}

function setSecurityHeaders(res: ServerResponse) {
  res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
}

function fail(err: AppError): Envelope<never> {
  return { ok: false, error: err.toShape() };
}

function send(res: ServerResponse, status: number, body: Envelope<unknown>) {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(json);
}
