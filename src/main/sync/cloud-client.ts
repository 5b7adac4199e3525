import { z } from 'zod';
import { type Message, say } from '../../shared/messages';
import type { Logger } from '../log';
import { retryAfterMs } from './backoff';
import type { CustomerDocument } from './document';
import { type Lane, LongPause, type RateLimiter, WINDOW_MS } from './limiter';

/*
 * The store's cloud (cloud-api.md, seed 001) over HTTP. Every reply is parsed with zod before the
 * engine trusts it; objects stay loose so keys this app does not know survive a read-modify-write.
 */
const Timestamps = { createdAt: z.string(), updatedAt: z.string(), deletedAt: z.string().nullable().optional() };
const CloudRecord = z.looseObject({ id: z.string().min(1), isActive: z.boolean().optional(), ...Timestamps });
const Loose = z.looseObject({});
export const CloudCustomer = CloudRecord.extend({ localData: Loose, address: Loose.nullable().optional(), opticData: Loose.nullable().optional() });
export type CloudCustomer = z.infer<typeof CloudCustomer>;
const WriteReply = z.looseObject({ customer: CloudRecord, localData: Loose });
export type CloudWriteReply = z.infer<typeof WriteReply>;
const Group = z.looseObject({ id: z.union([z.string().min(1), z.number()]).transform(String), name: z.string() });
const ListItem = z.looseObject({
  id: z.string().min(1),
  name: z.string().nullish(),
  userName: z.string().nullish(),
  // A list item the app cannot read the groups of is still a customer: its groups are then unknown (null).
  groups: z.array(Group).nullish().catch(null),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CloudListItem = z.infer<typeof ListItem>;
const ListReply = z.looseObject({
  data: z.array(ListItem),
  pagination: z.looseObject({ page: z.number(), limit: z.number(), total: z.number(), totalPages: z.number() }),
});
const LoginReply = z.looseObject({ token: z.string().min(1) });

export type CloudErrorKind =
  | 'offline' // no answer, a dropped connection, a timeout, a cut-off reply: the outcome is unknown
  | 'server' // 5xx
  | 'rateLimited' // 429
  | 'auth' // the store's credentials were refused
  | 'rejected' // 400, 413, 422: this change as sent will never be accepted
  | 'forbidden'
  | 'notFound'
  | 'conflict';

export class CloudError extends Error {
  constructor(
    readonly kind: CloudErrorKind,
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'CloudError';
  }

  /** What to tell staff: the kind of answer as a code, the cloud's own words where they matter. */
  get problem(): Message {
    const kind = this.kind;
    switch (kind) {
      case 'rejected':
      case 'forbidden':
      case 'notFound':
      case 'conflict':
        return say(`sync.cloud.${kind}`, { detail: this.message }, this.message);
      default:
        return say(`sync.cloud.${kind}`, {}, this.message);
    }
  }

  /** Worth retrying later as is (backoff), rather than parking or giving up. */
  get transient(): boolean {
    return this.kind === 'offline' || this.kind === 'server' || this.kind === 'rateLimited';
  }
}

export interface CloudFile {
  field: string;
  fileName: string;
  mimeType: string;
  bytes: Uint8Array;
}

export interface CloudClientOptions {
  baseUrl: string;
  storeId: string;
  credentials(): { email: string; password: string };
  limiter: RateLimiter;
  log: Logger;
  timeoutMs?: number;
  /** Aborts every request under way when the app closes. */
  signal?: AbortSignal;
  now?(): Date;
  /**
   * Told when the cloud asked us to slow down and requests wait for its Retry-After (ms on the
   * timeline), then with null when they go out again.
   */
  onPause?(ms: number | null): void;
  /** The longest 429 pause waited out in place (default INLINE_PAUSE_MAX_MS); 0: none, answer rateLimited at once. */
  inlinePauseMaxMs?: number;
}

/**
 * A 429 this long or shorter is waited out inside the round, which then resumes where it was (the
 * cloud's window is a minute, so its Retry-After is at most that); a longer one ends the round and
 * the engine tries again then. A 429 means the cloud did nothing, so the request is simply sent again.
 */
export const INLINE_PAUSE_MAX_MS = 2 * 60_000;
/** 429s in a row for one request before the round gives up and leaves it to the engine's backoff. */
const INLINE_PAUSES_MAX = 5;

interface RequestOptions {
  json?: unknown;
  form?: FormData;
  auth?: boolean;
  headers?: Record<string, string>;
  /** Which turn at the rate limit (limiter.ts): a customer being opened goes ahead of the background. */
  lane?: Lane;
}

export class CloudClient {
  private token: string | null = null;
  private loggingIn: Promise<string> | null = null;

  constructor(private readonly opts: CloudClientOptions) {}

  /** Signs in (also used to check credentials when sync is set up). */
  async login(): Promise<string> {
    this.loggingIn ??= (async () => {
      try {
        const body = await this.request('POST', '/auth/login', { json: this.opts.credentials(), auth: false });
        this.token = LoginReply.parse(body).token;
        return this.token;
      } finally {
        this.loggingIn = null;
      }
    })();
    return this.loggingIn;
  }

  async createCustomer(doc: CustomerDocument, files: CloudFile[], idempotencyKey: string): Promise<CloudWriteReply> {
    return this.parse(WriteReply, await this.request('POST', '/customer', { form: formOf(doc, files), headers: { 'idempotency-key': idempotencyKey } }));
  }

  /** The full customer, or null when the cloud no longer has it (deleted: 404). */
  async getCustomer(id: string, lane: Lane = 'normal'): Promise<CloudCustomer | null> {
    try {
      return this.parse(CloudCustomer, await this.request('GET', `/customer/${encodeURIComponent(id)}`, { lane }));
    } catch (err) {
      if (err instanceof CloudError && err.kind === 'notFound') return null;
      throw err;
    }
  }

  async listCustomers(q: { page: number; limit: number; sortBy?: string; sortOrder?: 'asc' | 'desc'; search?: string }) {
    const params = new URLSearchParams({ page: String(q.page), limit: String(q.limit) });
    if (q.sortBy) params.set('sortBy', q.sortBy);
    if (q.sortOrder) params.set('sortOrder', q.sortOrder);
    if (q.search) params.set('search', q.search);
    return this.parse(ListReply, await this.request('GET', `/customer?${params}`));
  }

  async updateCustomer(id: string, doc: CustomerDocument, files: CloudFile[] = []): Promise<CloudWriteReply> {
    return this.parse(WriteReply, await this.request('PUT', `/customer/${encodeURIComponent(id)}`, { form: formOf(doc, files) }));
  }

  /** false when the cloud had no such customer (already deleted). */
  async deleteCustomer(id: string): Promise<boolean> {
    try {
      await this.request('DELETE', `/customer/${encodeURIComponent(id)}`);
      return true;
    } catch (err) {
      if (err instanceof CloudError && err.kind === 'notFound') return false;
      throw err;
    }
  }

  async bulkDelete(ids: string[]): Promise<void> {
    try {
      await this.request('DELETE', '/customer/bulk', { json: { ids } });
    } catch (err) {
      // 404: none of them was still there, which is what we wanted.
      if (!(err instanceof CloudError && err.kind === 'notFound')) throw err;
    }
  }

  /** The cloud customer with this email (unique per store), found through the list's search. */
  async findByEmail(email: string): Promise<CloudCustomer | null> {
    const key = email.trim().toLowerCase();
    const { data } = await this.listCustomers({ page: 1, limit: 20, search: email.trim() });
    for (const item of data) {
      if (item.userName && item.userName.trim().toLowerCase() !== key) continue;
      const full = await this.getCustomer(item.id);
      if (full && String(full.localData.email ?? '').trim().toLowerCase() === key) return full;
    }
    return null;
  }

  private parse<T>(schema: z.ZodType<T>, body: unknown): T {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new CloudError('server', `The cloud sent a reply this app does not understand (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    return parsed.data;
  }

  private async request(method: string, path: string, o: RequestOptions = {}, retried = false): Promise<unknown> {
    const auth = o.auth ?? true;
    const token = auth ? (this.token ?? (await this.login())) : null;
    const headers: Record<string, string> = { 'x-store-id': this.opts.storeId, ...o.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    let body: RequestInit['body'];
    if (o.form) body = o.form;
    else if (o.json !== undefined) {
      body = JSON.stringify(o.json);
      headers['content-type'] = 'application/json';
    }

    let res: Response;
    let text: string;
    for (let pauses = 0; ; pauses++) {
      // Still inside a Retry-After: a long one is the engine's to wait for, a short one is waited here.
      const inlineMax = this.opts.inlinePauseMaxMs ?? INLINE_PAUSE_MAX_MS;
      const left = this.opts.limiter.pausedFor();
      if (left > inlineMax) throw new CloudError('rateLimited', 'The cloud asked us to slow down', left);
      if (left > 0 && pauses === 0) {
        this.opts.onPause?.(left);
        pauses++;
      }
      const release = await this.opts.limiter.take(this.opts.signal, inlineMax, o.lane).catch((err: unknown) => {
        if (err instanceof LongPause) throw new CloudError('rateLimited', 'The cloud asked us to slow down', err.ms);
        throw new CloudError('offline', 'Sync was stopped');
      });
      if (pauses > 0) this.opts.onPause?.(null);
      const deadline = this.deadline();
      let wait: number | undefined;
      try {
        // No redirects: the https rule judged the address the owner typed, not where a reply points.
        res = await fetch(this.opts.baseUrl + path, { method, headers, body, signal: deadline.signal, redirect: 'error' });
        text = await res.text();
        if (res.status === 429) wait = retryAfterMs(res.headers.get('retry-after'), this.now()) ?? WINDOW_MS;
      } catch (err) {
        throw new CloudError('offline', `The cloud could not be reached (${describeNetworkError(err)})`);
      } finally {
        deadline.clear();
        release(wait);
      }
      // Refused before any work was done: wait as asked, then send the same request again.
      if (wait === undefined) break;
      if (wait > inlineMax || pauses >= INLINE_PAUSES_MAX || this.opts.signal?.aborted) {
        throw new CloudError('rateLimited', 'The cloud asked us to slow down', wait);
      }
      this.opts.onPause?.(wait);
    }
    let json: unknown = null;
    if (text !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        // A reply cut off mid-way: whatever we asked for may or may not have happened.
        if (res.ok) throw new CloudError('offline', 'The cloud’s reply was cut off');
        json = null;
      }
    }
    if (res.ok) return json;

    const message = errorMessage(json) ?? `${res.status} ${res.statusText}`;
    if (res.status === 401 && auth && !retried) {
      // The 24 h token ran out mid-sync: sign in again with the stored credentials, then resume.
      this.token = null;
      return this.request(method, path, o, true);
    }
    if (res.status === 401) {
      this.token = null;
      throw new CloudError('auth', auth ? `The cloud refused the store’s session: ${message}` : 'The cloud refused the store’s email or password');
    }
    if (res.status >= 500) throw new CloudError('server', `The cloud had a problem (${res.status}): ${message}`, retryAfterMs(res.headers.get('retry-after'), this.now()));
    if (res.status === 400 || res.status === 422) throw new CloudError('rejected', message);
    // Too large for one request (a document type goes whole): sent again it is refused again.
    if (res.status === 413) throw new CloudError('rejected', `The cloud refuses a request this large (413): the customer's documents of one type are too large together to send (${message})`);
    if (res.status === 403) throw new CloudError('forbidden', message);
    if (res.status === 404) throw new CloudError('notFound', message);
    if (res.status === 409) throw new CloudError('conflict', message);
    throw new CloudError('server', `The cloud answered ${res.status}: ${message}`);
  }

  /**
   * One request's abort signal: its timeout, or the app closing. A plain timer, not
   * AbortSignal.any([AbortSignal.timeout(…), …]): on Node 20 that combination never fires once a
   * garbage collection has run, and a request to a cloud that never answers then holds a restore off.
   */
  private deadline(): { signal: AbortSignal; clear(): void } {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(new DOMException('The cloud did not answer in time', 'TimeoutError')), this.opts.timeoutMs ?? 30_000);
    const closing = this.opts.signal;
    const onClose = () => ctl.abort(closing?.reason);
    if (closing?.aborted) onClose();
    else closing?.addEventListener('abort', onClose, { once: true });
    return {
      signal: ctl.signal,
      clear() {
        clearTimeout(timer);
        closing?.removeEventListener('abort', onClose);
      },
    };
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }
}

function formOf(doc: CustomerDocument, files: CloudFile[]): FormData {
  const form = new FormData();
  form.append('jsonData', JSON.stringify(doc));
  for (const f of files) form.append(f.field, new Blob([new Uint8Array(f.bytes)], { type: f.mimeType }), f.fileName);
  return form;
}

/** Seed 001's `{statusCode, message, error}` (message may be a list) or RFC 9457 problem details. */
function errorMessage(body: unknown): string | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  if (Array.isArray(b.message)) return b.message.map(String).join('; ');
  if (typeof b.message === 'string') return b.message;
  if (typeof b.detail === 'string') return b.detail;
  if (typeof b.title === 'string') return b.title;
  return null;
}

function describeNetworkError(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'no answer in time';
    const cause = (err as Error & { cause?: { code?: string } }).cause;
    if (cause?.code) return cause.code;
    return err.message;
  }
  return 'network error';
}
