import { describe, expect, it } from 'vitest';
import { LicenceConfigureInput } from '../../src/shared/licence/schema';
import { SyncConfigureInput } from '../../src/shared/sync/schema';

/*
 * The cloud and the licence server receive the store's password and licence keys: plain http:// is
 * only acceptable when the traffic never leaves this computer. The two settings forms share one rule.
 */
const schemas = {
  'sync.configure': SyncConfigureInput.shape.baseUrl,
  'licence.configure': LicenceConfigureInput.shape.baseUrl,
};

const accepted: [input: string, stored: string][] = [
  ['https://joptic.jethings.com', 'https://joptic.jethings.com'],
  ['https://joptic.jethings.com/', 'https://joptic.jethings.com'],
  ['  https://cloud.example.com:8443/api/v1/  ', 'https://cloud.example.com:8443/api/v1'],
  ['HTTPS://Cloud.Example.COM', 'https://cloud.example.com'],
  ['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
  ['http://127.45.3.2:4010/', 'http://127.45.3.2:4010'],
  ['http://localhost:4010', 'http://localhost:4010'],
  ['HTTP://LOCALHOST:4010', 'http://localhost:4010'],
  ['http://[::1]:4010', 'http://[::1]:4010'],
  ['http://[0:0:0:0:0:0:0:1]:4010', 'http://[::1]:4010'],
  // The WHATWG parser reads these as 127.0.0.1, and that is where fetch connects: loopback indeed.
  ['http://0x7f.1:4010', 'http://127.0.0.1:4010'],
  ['http://2130706433', 'http://127.0.0.1'],
];

const refused: [input: string, why: RegExp][] = [
  ['http://joptic.jethings.com', /https:\/\/.*this computer/],
  ['http://192.168.1.20:4010', /https:\/\/.*this computer/],
  ['http://127.0.0.1.evil.com', /https:\/\/.*this computer/],
  ['http://localhost.evil.com', /https:\/\/.*this computer/],
  ['http://localhost.', /https:\/\/.*this computer/],
  ['http://evil.localhost', /https:\/\/.*this computer/],
  ['http://[::ffff:127.0.0.1]', /https:\/\/.*this computer/],
  ['http://[::ffff:7f00:1]', /https:\/\/.*this computer/],
  ['http://0.0.0.0:4010', /https:\/\/.*this computer/],
  ['http://127.0.0.1@evil.com', /user name or password/],
  ['https://user:secret@cloud.example.com', /user name or password/],
  ['https://cloud.example.com/?store=1', /\?.*#|query|#/],
  ['https://cloud.example.com/#x', /\?.*#|query|#/],
  ['ftp://cloud.example.com', /https:\/\//],
  ['file:///etc/passwd', /https:\/\//],
  ['javascript:alert(1)', /https:\/\//],
  ['cloud.example.com', /full address/],
  ['not a url', /full address/],
  ['', /required|full address/],
  [`https://${'a'.repeat(500)}.com`, /too long/],
];

describe.each(Object.entries(schemas))('the server address of %s', (_channel, schema) => {
  it.each(accepted)('accepts %s as %s', (input, stored) => {
    const r = schema.safeParse(input);
    expect(r.success ? r.data : r.error.issues).toBe(stored);
  });

  it.each(refused)('refuses %s, naming the rule', (input, why) => {
    const r = schema.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues).toHaveLength(1);
    expect(r.error?.issues[0]?.message).toMatch(why);
  });
});
