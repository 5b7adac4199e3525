/**
 * The pauses long work takes between two slices, so that the event loop serves I/O in between: the
 * background's (the index build, the audit chain's check, an import, an export) and the work a person
 * waits on (a search answered from the store while the index builds). One slice per turn of the event
 * loop, whoever's: two slices in one turn hold the loop for both. Each task pausing with its own
 * setImmediate resumed them all in the same turn (at start-up the index's slice, the chain's page and
 * a read of customers held the loop 67 ms together, each within its own budget), and a search's slice
 * beside the index's made 62 ms at 100,000 customers (issue 14).
 */

type Resume = () => void;
const background: Resume[] = [];
const foreground: Resume[] = [];
let foregroundLast = false;
let asked = false;

// Node's own, taken once: a pause asked while a test fakes the timers must still come (review 5).
const immediate = globalThis.setImmediate;

function schedule(): void {
  if (asked || (background.length === 0 && foreground.length === 0)) return;
  asked = true;
  immediate(runOne);
}

/**
 * The person's work goes first, but the two alternate while both wait: held for a search, the index
 * build, which ends those slow searches, went 5 times slower (review 6). Background tasks take turns
 * in the order they asked.
 */
function runOne(): void {
  asked = false;
  const ahead = foreground.length > 0 && (!foregroundLast || background.length === 0);
  const resume = (ahead ? foreground : background).shift();
  foregroundLast = ahead;
  // Asked from inside this turn's immediates, the next runs on the loop's next round.
  schedule();
  resume?.();
}

/** The background's pause: resumes on a later turn, after the tasks that asked before it. */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => {
    background.push(resolve);
    schedule();
  });
}

/**
 * The pause of work a person is waiting on: the next turn, ahead of the background's queue. Queued
 * behind the index build and the audit check, a rare word's first search took 2–4 times longer
 * (review 5).
 */
export function nextTurnAhead(): Promise<void> {
  return new Promise<void>((resolve) => {
    foreground.push(resolve);
    schedule();
  });
}
