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
const nextImmediate = () => new Promise<void>((resolve) => immediate(resolve));

export function nextTurn(): Promise<void> {
  // An immediate set while immediates run waits for the next turn: one slice per turn between tasks.
  const mine = last.then(nextImmediate);
  last = mine;
  return mine;
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
