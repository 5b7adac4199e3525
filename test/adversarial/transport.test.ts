import { describe, expect, it } from 'vitest';
import { channels, contract } from '../../src/shared/contract';
import { signedInHostFor } from '../helpers/host-process';

/*
 * The browser host's HTTP edge, fed what no well-behaved page sends: bodies that are not JSON, JSON
 * that is not an object, prototype keys, NUL and lone surrogates in the raw bytes, a body past the
 * size limit, odd session headers. Every channel, as nobody and as the owner: the answer is always
 * an error shape with a 4xx status (never a 500, never a dropped connection), and the host keeps
 * answering afterwards.
 */

const TOKEN = 'fault-suite-host-token';

const started = signedInHostFor('opticounter-adv-http-');

const bodies: [string, string | Buffer][] = [
  ['not JSON', '{"id": '],
  ['a bare string', '"customers"'],
  ['a number', '42'],
  ['null', 'null'],
  ['an array', '[{"id": "x"}]'],
  ['a __proto__ key', '{"__proto__": {"role": "owner", "polluted": true}, "constructor": {"prototype": {"polluted": true}}}'],
  ['a NUL in a value', '{"id": "a\\u0000b", "customerId": "a\\u0000b", "name": "a\\u0000b"}'],
  ['a lone surrogate escaped', '{"id": "\\ud800", "username": "\\ud800", "password": "\\ud800\\ud800\\ud800\\ud800\\ud800\\ud800\\ud800\\ud800\\ud800\\ud800"}'],
  ['invalid UTF-8 bytes', Buffer.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0x22, 0x7d])],
  ['deep nesting', `${'['.repeat(5_000)}${']'.repeat(5_000)}`],
  ['a body past the limit', `{"contents": "${'a'.repeat(33 * 1024 * 1024)}"}`], // the host takes 32 MB (a 20 MB document in base64)
];

async function post(channel: string, body: string | Buffer, headers: Record<string, string>): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${started.host.url}/api/${channel}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, ...headers }, body });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

describe('the browser host fed malformed requests', () => {
  it('answers every channel with a 4xx error shape, as nobody and as the owner, and keeps answering', async () => {
    const wrong: string[] = [];
    const statuses = new Set<number>();
    const sessions: [string, Record<string, string>][] = [
      ['nobody', {}],
      ['an empty session header', { 'x-opticounter-session': '' }],
      ['a __proto__ session', { 'x-opticounter-session': '__proto__' }],
      ['the owner', { 'x-opticounter-session': started.host.session! }],
    ];
    for (const channel of channels) {
      for (const [what, body] of bodies) {
        // The 33 MB body once per caller is enough; it is the limit that is tested, not each channel's.
        if (what === 'a body past the limit' && channel !== 'licence.importFile') continue;
        for (const [who, headers] of sessions) {
          for (const contentType of ['application/json', 'text/plain']) {
            let answer: { status: number; json: unknown };
            try {
              answer = await post(channel, body, { ...headers, 'content-type': contentType });
            } catch (err) {
              wrong.push(`${channel} ${what} as ${who}: the connection failed (${(err as Error).message})`);
              continue;
            }
            statuses.add(answer.status);
            const shape = answer.json as { ok?: boolean; error?: { code?: string; status?: number } };
            if (answer.status >= 500) wrong.push(`${channel} ${what} as ${who}: HTTP ${answer.status} ${shape.error?.code ?? ''}`);
            else if (answer.status >= 400 && (shape.ok !== false || typeof shape.error?.code !== 'string')) wrong.push(`${channel} ${what} as ${who}: ${answer.status} without an error shape`);
            if (who === 'nobody' && contract[channel].access !== 'public' && shape.ok !== false) wrong.push(`${channel} ${what}: answered nobody`);
          }
        }
      }
    }
    expect([...new Set(wrong)].slice(0, 25)).toEqual([]);
    // The run reached the checks it is about: JSON refused, sessions required, the size limit.
    expect([...statuses].sort()).toEqual(expect.arrayContaining([400, 401, 413]));
    expect(started.host.alive).toBe(true);
    expect((await started.host.post('app.info', {})).body.ok).toBe(true);
    // Nothing reached Object.prototype in this process either (the host's is another process, checked by it answering).
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 180_000);
});
