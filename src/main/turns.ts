/**
 * The pause long background work takes between two slices (the index build, the audit chain's check,
 * an import, an export): resolved on a later turn of the event loop, after the calls waiting for I/O.
 * Pauses are taken one per turn, in the order asked. Each task pausing with its own setImmediate
 * resumed them all in the same turn, one after the other: at start-up the index's slice, the chain's
 * page and a read of customers held the loop 67 ms together, each within its own budget (issue 14).
 */
let last: Promise<void> = Promise.resolve();

export function nextTurn(): Promise<void> {
  // An immediate set while immediates run waits for the next turn: one slice per turn between tasks.
  const mine = last.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  last = mine;
  return mine;
}
