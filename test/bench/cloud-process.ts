import { parseArgs } from 'node:util';
import { scaledTimeline } from '../../src/main/sync/timeline';
import { startCloud } from '../cloud/server';
import { STORE } from '../helpers/sync';

/*
 * The test cloud in its own process for the sync benchmark: a real cloud is a network away, so its
 * work should not share the app's event loop. No faults. `--rate-limit off` turns its rate limit off
 * (setting a store up, never a measurement); otherwise it has its default (100 requests a minute per
 * user, sliding), its limiter on a clock `--time-scale` times faster than real time (default 1: real
 * time). `--data-dir` keeps its store there across processes. Prints `listening on <url>`; answers
 * `{ count: true }` on the IPC channel with how many customers the store holds, and `{ cpu: true }`
 * with the CPU time it has used (ms).
 */
const { values } = parseArgs({ options: { 'rate-limit': { type: 'string', default: 'default' }, 'time-scale': { type: 'string', default: '1' }, 'data-dir': { type: 'string' } } });
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const timeline = scaledTimeline(Number(values['time-scale']));
const cloud = await startCloud({
  dataDir: values['data-dir'],
  rateLimitPerMinute: values['rate-limit'] === 'off' ? null : undefined,
  rateLimitClock: () => new Date(timeline.now()),
});
await cloud.addUser(STORE);
process.on('message', (m: { count?: boolean; cpu?: boolean }) => {
  if (m.count) process.send?.({ count: cloud.customers(STORE.storeId).length });
  if (m.cpu) process.send?.({ cpuMs: cpuMs() });
});
process.once('SIGTERM', () => {
  void cloud.close().then(() => process.exit(0));
});
console.log(`listening on ${cloud.url}`);
