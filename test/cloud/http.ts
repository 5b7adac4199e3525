import { type IncomingHttpHeaders, type IncomingMessage, STATUS_CODES } from 'node:http';

/*
 * The wire format shared by every route: handlers return a Reply (or throw an HttpError) instead of
 * writing to the socket, so the server can log it and the fault injector can drop or cut it after
 * the work is done. Error bodies follow seed 001: `{statusCode, message, error}`, where `message` is
 * an array of strings for field validation and a sentence otherwise.
 */

export interface Reply {
  status: number;
  /** JSON-serialised unless it is a Buffer (static files). */
  body: unknown;
  headers?: Record<string, string>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string | string[],
    readonly headers: Record<string, string> = {},
  ) {
    super(Array.isArray(detail) ? detail.join('; ') : detail);
  }

  toReply(): Reply {
    return errorReply(this.status, this.detail, this.headers);
  }
}

export function errorReply(status: number, message: string | string[], headers: Record<string, string> = {}): Reply {
  return { status, body: { statusCode: status, message, error: STATUS_CODES[status] ?? 'Error' }, headers };
}

export function json(status: number, body: unknown): Reply {
  return { status, body };
}

/** Express/Nest's default JSON limit is far smaller; the seed's scanned prescriptions need room. */
export const BODY_LIMIT_BYTES = 25 * 1024 * 1024;

/**
 * Reads the whole body. Past the limit it keeps draining (and discarding) instead of cutting the
 * socket, so the client gets to read the 413 rather than a write error.
 */
export function readBody(req: IncomingMessage, limit = BODY_LIMIT_BYTES): Promise<Buffer | 'tooLarge'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? 'tooLarge' : Buffer.concat(chunks)));
    req.on('error', reject);
    // A client that gives up mid-upload: nothing to answer, but the request must not hang forever.
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}

/** An empty body reads as `{}`, so a missing field is reported by validation rather than as bad JSON. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'Malformed JSON body');
  }
}

/** Node 20's built-in fetch (undici) parses multipart: no parser dependency. */
export async function parseMultipart(url: string, contentType: string | undefined, body: Buffer): Promise<FormData> {
  if (!contentType?.toLowerCase().startsWith('multipart/form-data')) {
    throw new HttpError(400, ['Content-Type must be multipart/form-data']);
  }
  try {
    return await new Request(`http://cloud${url}`, { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
  } catch {
    throw new HttpError(400, ['Malformed multipart/form-data body']);
  }
}

/** What a route handler sees: the parsed URL, the raw body, and who is calling for which store. */
export interface RequestContext {
  method: string;
  url: URL;
  /** Path and query as sent, for the multipart parser. */
  rawUrl: string;
  /** The route pattern's capture groups, decoded. */
  params: string[];
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The `x-store-id` header ('' on routes that do not need it). */
  storeId: string;
  /** The bearer token's user, on routes that need one. */
  user: { id: string; storeId: string } | null;
}

/**
 * `user` routes need a bearer token and `x-store-id` and are rate limited per user; `store` routes
 * need `x-store-id` only and are rate limited per IP; `open` routes (the update feed) need neither.
 */
export interface Route {
  method: string;
  pattern: RegExp;
  access: 'user' | 'store' | 'open';
  handle(ctx: RequestContext): Reply | Promise<Reply>;
}
