import { expect, it, vi } from 'vitest';
import { nextTurn, nextTurnAhead } from '../../src/main/turns';

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

it('lets the work a person waits on go ahead of the background queue, alone in its turn', async () => {
  const counter = turnCounter();
  const log: { name: string; turn: number }[] = [];
  const background = Promise.all([task('index', 6, log, counter.now), task('chain', 6, log, counter.now)]);
  const waited = (async () => {
    for (let i = 0; i < 3; i++) {
      await nextTurnAhead();
      log.push({ name: 'search', turn: counter.now() });
    }
  })();
  await waited;
  const searchDone = log.length;
  await background;
  counter.stop();
  // The search's three slices came within its first turns, not after the background's twelve.
  expect(log.slice(0, searchDone).filter((e) => e.name !== 'search').length).toBeLessThanOrEqual(3);
  // No slice shares its turn: a search's slice and a background one back to back held the loop for
  // both (at 100,000 customers, 62 ms while the index built and a search was read from the store).
  const turns = log.map((e) => e.turn);
  expect(new Set(turns).size).toBe(turns.length);
});

it('a pause asked while a test fakes the timers does not hold every later one (review 5)', async () => {
  const within = (p: Promise<unknown>, ms: number) => Promise.race([p.then(() => 'resumed'), new Promise((r) => setTimeout(() => r('stalled'), ms))]);
  vi.useFakeTimers({ toFake: ['setImmediate', 'setTimeout'] });
  const asked = nextTurn();
  for (let i = 0; i < 5; i++) await Promise.resolve();
  vi.useRealTimers();
  expect(await within(asked, 1000)).toBe('resumed');
  expect(await within(nextTurn(), 1000)).toBe('resumed');
});

it('gives the background its slices while someone searches without a break (review 6)', async () => {
  // Holding the background for the search answered from the store (at most 250 ms at a time) made
  // that search ~20 ms quicker, and the index build, which ends those slow searches, 5 times slower.
  const busy = (ms: number) => {
    const end = performance.now() + ms;
    while (performance.now() < end);
  };
  let sinceBackground = 0;
  let done = false;
  const gaps: number[] = [];
  const background = (async () => {
    for (let i = 0; i < 5; i++) {
      await nextTurn();
      gaps.push(sinceBackground);
      sinceBackground = 0;
      busy(2);
    }
    done = true;
  })();
  while (!done) {
    await nextTurnAhead();
    busy(5);
    sinceBackground++;
  }
  await background;
  expect(Math.max(...gaps.slice(1))).toBeLessThanOrEqual(2);
});
