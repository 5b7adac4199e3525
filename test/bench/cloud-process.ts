import { startCloud } from '../cloud/server';
import { STORE } from '../helpers/sync';

/*
 * The test cloud in its own process for the sync benchmark: a real cloud is a network away, so its
 * work should not share the app's event loop. No rate limit, no faults. Prints `listening on <url>`;
 * answers `{ count: true }` on the IPC channel with how many customers the store holds, and
 * `{ cpu: true }` with the CPU time it has used (ms).
 */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const cloud = await startCloud({ rateLimitPerMinute: null });
await cloud.addUser(STORE);
process.on('message', (m: { count?: boolean; cpu?: boolean }) => {
  if (m.count) process.send?.({ count: cloud.customers(STORE.storeId).length });
  if (m.cpu) process.send?.({ cpuMs: cpuMs() });
});
process.once('SIGTERM', () => {
  void cloud.close().then(() => process.exit(0));
});
console.log(`listening on ${cloud.url}`);
