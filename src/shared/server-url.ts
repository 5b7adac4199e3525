import { z } from 'zod';

/*
 * The address of a server this app sends secrets to (the store's cloud gets the owner's password,
 * the licence server the licence key). Plain http:// would hand them to anyone on the shop's Wi-Fi,
 * so it is allowed only when the traffic cannot leave this computer: loopback addresses, as the
 * WHATWG URL parser (the one fetch uses) reads the hostname — never a prefix match on the text, which
 * `http://127.0.0.1.evil.com` or `http://127.0.0.1@evil.com` would pass.
 */

/** Loopback as the parser writes it: 127.0.0.0/8 (always dotted decimal by then), localhost, [::1]. */
export function isLoopbackHost(hostname: string): boolean {
  // IPv4-mapped forms ([::ffff:7f00:1]) are refused: whether they reach 127.0.0.1 depends on the OS.
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** Why `text` is not an acceptable server address, or the address as it is kept (no trailing slash). */
export function checkServerUrl(text: string): { ok: true; url: string } | { ok: false; problem: 'notUrl' | 'scheme' | 'plainHttp' | 'credentials' | 'queryOrFragment' } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, problem: 'notUrl' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, problem: 'scheme' };
  if (url.hostname === '') return { ok: false, problem: 'notUrl' };
  // Credentials in the address would be shown on the Sync screen and in logs; the password has its own field.
  if (url.username !== '' || url.password !== '') return { ok: false, problem: 'credentials' };
  // Paths are appended to the address (`<base>/licenses/activate`): a query or fragment would swallow them.
  if (url.search !== '' || url.hash !== '' || text.includes('?') || text.includes('#')) return { ok: false, problem: 'queryOrFragment' };
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return { ok: false, problem: 'plainHttp' };
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

/**
 * A server address field: `label` names it in messages ("The cloud address"). The message for
 * http:// names the rule, so the owner knows what to change.
 */
export function serverUrl(label: string) {
  return z
    .string({ error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .max(500, `${label} is too long`)
    .transform((text, ctx) => {
      const r = checkServerUrl(text);
      if (r.ok) return r.url;
      const messages = {
        notUrl: `${label} must be a full address such as https://joptic.jethings.com`,
        scheme: `${label} must start with https://`,
        plainHttp: `${label} must start with https:// — plain http:// is allowed only for this computer (localhost, 127.x.x.x or [::1])`,
        credentials: `${label} must not contain a user name or password`,
        queryOrFragment: `${label} must not contain a query (?) or fragment (#)`,
      } as const;
      ctx.addIssue({ code: 'custom', message: messages[r.problem] });
      return z.NEVER;
    });
}
