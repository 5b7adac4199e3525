import { argon2Verify } from 'hash-wasm';
import { expect, it } from 'vitest';
import { Argon2Worker } from '../../src/main/staff/argon2-off-thread';

/*
 * The sign-in's argon2id runs in a worker thread; an idle worker is stopped (its isolate and
 * hash-wasm's WebAssembly memory, ~60 MB of the host's RSS, were kept for good), and the next
 * sign-in starts another rather than falling back to the main thread.
 */
it('stops an idle worker and starts another for the next hash', async () => {
  const argon = new Argon2Worker(50);
  const args = { password: 'pin-1234', salt: new Uint8Array(16).fill(7), memorySize: 1024, iterations: 1, parallelism: 1, hashLength: 32, outputType: 'encoded' };
  const hash = (await argon.run({ op: 'hash', args })) as string;
  expect(await argon2Verify({ password: 'pin-1234', hash })).toBe(true);
  expect(argon.running).toBe(true);
  await new Promise((r) => setTimeout(r, 300));
  expect(argon.running).toBe(false);
  // The next job is the worker's again (run() answers null only when no worker can run it).
  const again = argon.run({ op: 'verify', args: { password: 'pin-1234', hash } });
  expect(again).not.toBeNull();
  expect(await again).toBe(true);
  expect(argon.running).toBe(true);
});
