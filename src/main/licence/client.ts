import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { LicenceFile } from '../../shared/licence/schema';
import { checkServerUrl } from '../../shared/server-url';

/** The licence server does not answer within this: treated as offline. */
const TIMEOUT_MS = 15_000;

export interface LicenceServerConfig {
  baseUrl: string;
  storeId: string | null;
}

/** A licence reply: the JSON as sent (the signature covers it as is) and its parsed form. */
export interface LicenceReply {
  raw: unknown;
  file: LicenceFile;
}

// Seed 001's `{statusCode, message, error}` (message may be a list), or RFC 9457 problem details.
const ErrorBody = z.object({
  message: z.union([z.string(), z.array(z.string())]).optional(),
  detail: z.string().optional(),
  title: z.string().optional(),
});

const OFFLINE_MESSAGE =
  'The licence server cannot be reached. Check the internet connection and try again — or, without internet, use offline activation: give the request code to your vendor and import the licence file you receive.';

/**
 * The licence server (cloud-api.md "Licences"), over fetch. Its answers become specific app errors:
 * 404 unknown key, 403 revoked, 409 activation limit, and no answer at all offline (with the way out:
 * offline activation). Replies are parsed, never trusted: verify.ts checks the signature after.
 */
export class LicenceClient {
  constructor(private readonly fetchImpl: typeof fetch = fetch) {}

  // `stop`: cut the request when the app stops (a restore, closing) instead of waiting for its timeout.
  activate(server: LicenceServerConfig, body: { key: string; machineId: string; appVersion: string }, stop?: AbortSignal): Promise<LicenceReply> {
    return this.licenceCall(server, '/licenses/activate', body, stop);
  }

  refresh(server: LicenceServerConfig, body: { key: string; machineId: string }, stop?: AbortSignal): Promise<LicenceReply> {
    return this.licenceCall(server, '/licenses/refresh', body, stop);
  }

  async deactivate(server: LicenceServerConfig, body: { key: string; machineId: string }, stop?: AbortSignal): Promise<{ message: string }> {
    const json = await this.post(server, '/licenses/deactivate', body, stop);
    const parsed = z.object({ message: z.string() }).safeParse(json);
    return parsed.success ? parsed.data : { message: 'Licence deactivated' };
  }

  private async licenceCall(server: LicenceServerConfig, path: string, body: object, stop?: AbortSignal): Promise<LicenceReply> {
    const raw = await this.post(server, path, body, stop);
    const parsed = LicenceFile.safeParse(raw);
    if (!parsed.success) throw new AppError('licence.server', 'The licence server sent an answer this app does not understand');
    return { raw, file: parsed.data };
  }

  private async post(server: LicenceServerConfig, path: string, body: object, stop?: AbortSignal): Promise<unknown> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    // No bearer token: a fresh install has no cloud account yet (cloud-api.md).
    if (server.storeId) headers['x-store-id'] = server.storeId;
    // Older versions saved any http:// address; the key must not travel there in clear.
    if (!checkServerUrl(server.baseUrl).ok) {
      throw new AppError('licence.insecureServer', 'The licence server address must start with https:// (plain http:// only on this computer): set it again in Settings → Licence');
    }
    // One controller for the timeout and the stop (AbortSignal.any loses its timeout after a GC on Node 20).
    const cut = new AbortController();
    const timer = setTimeout(() => cut.abort(), TIMEOUT_MS);
    const onStop = () => cut.abort();
    if (stop?.aborted) cut.abort();
    stop?.addEventListener('abort', onStop, { once: true });
    let res: Response;
    let text: string;
    try {
      try {
        res = await this.fetchImpl(`${server.baseUrl}${path}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
          signal: cut.signal,
          // No redirects: the https rule judged the address the owner typed, not where a reply points.
          redirect: 'error',
        });
      } catch {
        throw new AppError('licence.offline', OFFLINE_MESSAGE);
      }
      text = await res.text().catch(() => '');
    } finally {
      clearTimeout(timer);
      stop?.removeEventListener('abort', onStop);
    }
    const json = parseJson(text);
    if (res.ok) {
      if (json === undefined) throw new AppError('licence.server', 'The licence server sent an answer this app does not understand');
      return json;
    }
    throw errorFor(res, json);
  }
}

function errorFor(res: Response, json: unknown): AppError {
  const body = ErrorBody.safeParse(json);
  const said = body.success ? [body.data.message].flat().filter(Boolean).join('; ') || body.data.detail || body.data.title : undefined;
  const server = said ? ` (the server says: ${said})` : '';
  switch (res.status) {
    case 404:
      return new AppError('licence.unknownKey', 'This licence key is not known to the licence server: check it against your purchase', { key: ['Unknown licence key'] });
    case 403:
      return new AppError('licence.revoked', `This licence has been revoked${server}. Contact your vendor.`);
    case 409:
      return new AppError(
        'licence.activationLimit',
        'This licence key is already activated on as many computers as it allows. Deactivate it on the old computer (Settings → Licence) or contact your vendor.',
      );
    case 429: {
      const seconds = Number(res.headers.get('retry-after')) || 60;
      return new AppError('licence.rateLimited', `The licence server is busy: try again in ${seconds} s`, undefined, { retryAfterSeconds: seconds });
    }
    default:
      if (res.status >= 500) {
        return new AppError('licence.server', `The licence server has a problem (${res.status}): try again later, or use offline activation`);
      }
      return new AppError('licence.server', `The licence server refused the request (${res.status})${server}`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
