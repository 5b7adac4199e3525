import { expect, it } from 'vitest';
import { nextTurn } from '../../src/main/turns';

/*
 * Long background work pauses with nextTurn() between slices (turns.ts). Two tasks at once must not
 * run their slices back to back in one turn of the event loop: the loop would be held for both.
 */

/** Counts the event loop's turns: one immediate per turn, each setting the next. */
function turnCounter() {
  let turn = 0;
  let on = true;
  const tick = () => {
    turn++;
    if (on) setImmediate(tick);
  };
  setImmediate(tick);
  return { now: () => turn, stop: () => (on = false) };
}

async function task(name: string, slices: number, log: { name: string; turn: number }[], turn: () => number) {
  for (let i = 0; i < slices; i++) {
    await nextTurn();
    log.push({ name, turn: turn() });
  }
}

it('gives two background tasks one slice per turn of the event loop, in turn', async () => {
  const counter = turnCounter();
  const log: { name: string; turn: number }[] = [];
  await Promise.all([task('index', 5, log, counter.now), task('chain', 5, log, counter.now)]);
  counter.stop();
  expect(log.map((e) => e.name)).toEqual(['index', 'chain', 'index', 'chain', 'index', 'chain', 'index', 'chain', 'index', 'chain']);
  // No two slices in the same turn: between any two, the loop went round (and served I/O).
  const turns = log.map((e) => e.turn);
  expect(new Set(turns).size).toBe(turns.length);
});

it('lets I/O in between two slices of the same task', async () => {
  const seen: string[] = [];
  const work = (async () => {
    for (let i = 0; i < 3; i++) {
      seen.push(`slice ${i}`);
      await nextTurn();
    }
  })();
  setImmediate(() => seen.push('other work'));
  await work;
  expect(seen.indexOf('other work')).toBeGreaterThan(0);
  expect(seen.indexOf('other work')).toBeLessThan(seen.length - 1);
});
