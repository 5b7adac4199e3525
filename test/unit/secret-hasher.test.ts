import { describe, expect, it } from 'vitest';
import { SecretHasher } from '../../src/main/staff/secrets';

/** How many turns the event loop gets (a chain of setImmediate) while `work` runs. */
async function turnsDuring<T>(work: Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let done = false;
  const spin = () => {
    if (done) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  const value = await work;
  done = true;
  return { value, turns };
}

describe('SecretHasher', () => {
  it('checks a password without holding the event loop (argon2id in a worker thread)', async () => {
    // On the main thread a check held the loop in one piece (400–500 ms while a large store opened).
    const hasher = new SecretHasher();
    const hash = await hasher.hash('correct horse battery');
    expect(hash).toMatch(/^\$argon2id\$/);
    const good = await turnsDuring(hasher.verify(hash, 'correct horse battery'));
    const bad = await turnsDuring(hasher.verify(hash, 'wrong horse'));
    expect(good.value).toBe(true);
    expect(bad.value).toBe(false);
    expect(good.turns).toBeGreaterThan(20);
    expect(bad.turns).toBeGreaterThan(20);
  });
});
