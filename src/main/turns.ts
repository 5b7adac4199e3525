/**
 * The pause long background work takes between two slices (the index build, the audit chain's check,
 * an import, an export): resolved on a later turn of the event loop, after the calls waiting for I/O.
 * Pauses are taken one per turn, in the order asked. Each task pausing with its own setImmediate
 * resumed them all in the same turn, one after the other: at start-up the index's slice, the chain's
 * page and a read of customers held the loop 67 ms together, each within its own budget (issue 14).
 */
let last: Promise<void> = Promise.resolve();

// Node's own, taken once: every pause waits for the one before it, so a pause whose immediate never
// came (asked while a test faked the timers) would hold every later one (review 5).
const immediate = globalThis.setImmediate;
const timeout = globalThis.setTimeout;
const clear = globalThis.clearTimeout;
const nextImmediate = () => new Promise<void>((resolve) => immediate(resolve));

export function nextTurn(): Promise<void> {
  // An immediate set while immediates run waits for the next turn: one slice per turn between tasks.
  const mine = last.then(nextImmediate).then(afterForeground);
  last = mine;
  return mine;
}

/*
 * Work a person waits on, under way (inForeground()): the background's next slice waits until it is
 * done, at most FOREGROUND_CAP_MS, so that someone typing through a long index build cannot hold the
 * build for good. With a background slice beside each of its own, a search answered from the store
 * took half as long again and held the loop 60 ms a turn (issue 14, opening a large store).
 */
const FOREGROUND_CAP_MS = 250;
let foreground = 0;
const waiting = new Set<() => void>();

export async function inForeground<T>(work: () => Promise<T>): Promise<T> {
  foreground++;
  try {
    return await work();
  } finally {
    if (--foreground === 0) for (const go of [...waiting]) go();
  }
}

function afterForeground(): Promise<void> | undefined {
  if (foreground === 0) return undefined;
  return new Promise<void>((resolve) => {
    const go = () => {
      clear(timer);
      waiting.delete(go);
      resolve();
    };
    const timer = timeout(go, FOREGROUND_CAP_MS);
    waiting.add(go);
    // Then a turn of its own: not in the one that ran the foreground's last slice.
  }).then(nextImmediate);
}

/**
 * The pause of work a person is waiting on (a search answered from the store while the index
 * builds): the next turn, not behind the background's queue, beside at most one background slice.
 * Queued behind the index build and the audit check, a rare word's first search took 2–4 times
 * longer (review 5).
 */
export function nextTurnAhead(): Promise<void> {
  return nextImmediate();
}
