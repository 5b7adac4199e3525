import { nextTurn } from '../turns';

/**
 * Long work written once as a generator that yields where it may pause, then run either at once
 * (tests, small stores) or in slices of a few milliseconds, giving the event loop back between them
 * (opening a large store: the counter answers clicks and the host its requests while the index builds).
 */
export function runNow<T>(steps: Generator<void, T>): T {
  let r = steps.next();
  while (!r.done) r = steps.next();
  return r.value;
}

/** `stop` aborted (the app closing), the work ends at its next pause with the signal's reason. */
export async function runInSlices<T>(steps: Generator<void, T>, sliceMs = 12, stop?: AbortSignal): Promise<T> {
  let until = performance.now() + sliceMs;
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() >= until) {
      await nextTurn();
      stop?.throwIfAborted();
      until = performance.now() + sliceMs;
    }
  }
}
