import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { CustomScheme } from 'electron';
import { RENDERER_CONTENT_TYPES } from '../renderer-files';
import { CONTENT_SECURITY_POLICY } from '../security';

/*
 * The renderer is served from `app://opticounter/…` rather than file://. A file: page is an opaque
 * origin that may read other local files (Electron's GrantFileProtocolExtraPrivileges, turned off
 * by a fuse in electron-builder.config.ts), and every file: URL passes a same-origin check alike. A
 * standard, secure custom scheme gives the page a real origin of its own that the IPC sender check
 * (ipc.ts) compares exactly, and serves only the files under out/renderer.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'opticounter';
export const APP_RENDERER_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Registered before the app is ready (Electron's rule). standard: a real origin, relative URLs
 * resolve as on the web; secure: treated like https (no mixed-content downgrade). Nothing else:
 * no CSP bypass, no service workers, no CORS from elsewhere.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme[] = [
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, bypassCSP: false, allowServiceWorkers: false, corsEnabled: false } },
];

/**
 * The file under `root` an app:// URL names, or null when it names none it may: another scheme or
 * host, a path that leaves `root` (`..`, encoded or not), a backslash or NUL, a query-less trick, or
 * a type the renderer does not have. `/` is index.html.
 */
export function appUrlToFile(url: string, root: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path === '/' || path === '') path = '/index.html';
  // Separators and parent steps only as the URL spelled them, never smuggled in encoded.
  if (path.includes('\\') || path.includes('\0') || path.split('/').some((segment) => segment === '..')) return null;
  const base = resolve(root);
  const file = resolve(base, `.${path}`);
  const rel = relative(base, file);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return null;
  return contentTypeOf(file) ? file : null;
}

export function contentTypeOf(file: string): string | null {
  return RENDERER_CONTENT_TYPES[extname(file).toLowerCase()] ?? null;
}

/** protocol.handle's handler for app://: the renderer's files, with their type and the CSP; 404 otherwise. */
export function appProtocolHandler(root: string, read: (file: string) => Promise<Buffer> = (f) => readFile(f)): (request: Request) => Promise<Response> {
  return async (request) => {
    const file = appUrlToFile(request.url, root);
    const notFound = () => new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } });
    if (!file || (request.method !== 'GET' && request.method !== 'HEAD')) return notFound();
    let body: Buffer;
    try {
      body = await read(file);
    } catch {
      return notFound();
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        'content-type': contentTypeOf(file)!,
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      },
    });
  };
}
