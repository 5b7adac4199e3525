import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startCloud } from './server';

/*
 * `npm run cloud -- --port 4010 --data-dir .cloud-data [--rate-limit N|off] [--extensions] [--updates-dir DIR]`
 * The test cloud as a long-running process, for trying the app by hand: it keeps its data in the
 * data dir, and makes sure a demo store owner and a demo licence exist.
 */

const DEMO = { storeId: 'demo-store', email: 'demo@opticounter.test', password: 'demo-password-1' };

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    'data-dir': { type: 'string', default: '.cloud-data' },
    'rate-limit': { type: 'string', default: '100' },
    extensions: { type: 'boolean', default: false },
    'updates-dir': { type: 'string' },
  },
});

const rateLimit = values['rate-limit'] === 'off' ? null : Number(values['rate-limit']);
if (rateLimit !== null && !(Number.isInteger(rateLimit) && rateLimit > 0)) {
  console.error(`--rate-limit takes a positive whole number or "off", not "${values['rate-limit']}"`);
  process.exit(2);
}
const dataDir = resolve(values['data-dir']);

const cloud = await startCloud({
  port: Number(values.port),
  dataDir,
  rateLimitPerMinute: rateLimit,
  extensions: values.extensions,
  updatesDir: values['updates-dir'] ? resolve(values['updates-dir']) : undefined,
});

// addUser keeps one account per store and email, so this is safe on every start.
await cloud.addUser(DEMO);
const licenceKey = cloud.licences(DEMO.storeId)[0]?.key ?? cloud.addLicence({ storeId: DEMO.storeId, maxActivations: 3 });
const pemPath = join(dataDir, `${cloud.licenceKid}.pem`);
writeFileSync(pemPath, cloud.licencePublicKeyPem);

console.log(`Test cloud listening on ${cloud.url}`);
console.log(`  store id:     ${DEMO.storeId}`);
console.log(`  login:        ${DEMO.email} / ${DEMO.password}`);
console.log(`  licence key:  ${licenceKey}`);
console.log(`  public key:   ${pemPath} (kid ${cloud.licenceKid})`);
console.log(`  rate limit:   ${rateLimit === null ? 'off' : `${rateLimit}/min`}; extensions ${values.extensions ? 'on' : 'off'}`);
console.log(`  faults:       curl -X POST ${cloud.url}/__control/faults -H 'content-type: application/json' -d '{"errorRate":0.3}'`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cloud.close().then(() => process.exit(0));
  });
}
