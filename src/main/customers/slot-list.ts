/** Where a list that leaves holes had a slot removed. */
export const HOLE = -1;
// Slots this close to the end are moved to close a gap rather than leave a hole.
const NEAR_END = 64;

/**
 * Customers' slots kept sorted, in an Int32Array. At 1,000,000 customers the sort orders and prefix
 * lists hold ~19,000,000 places: as arrays of pointers the garbage collector walked every one at each
 * major collection (final pauses of 100 ms and more, issue 14), and a typed array it does not walk.
 * Slots are compared by `compare`, on their values as the index's columns hold them now; every
 * order is total (ties broken down to the id), so a slot is found by binary search. A slot whose
 * values are about to change is found first (find), and settled after (settle).
 */
export class SlotList {
  private items: Int32Array;
  /** Places used, holes included. */
  private length: number;
  private holes = 0;

  /**
   * `leavesHoles`: a removed slot leaves a HOLE in its place rather than closing the gap (unless it
   * is near the end), filled by an insert beside it or squeezed out past a sixteenth of the list. A
   * save moves its customer to the end of each prefix list it is in, and closing the gap meant
   * moving everything after it: nine lists of ~1,000,000 at 1,000,000 customers, 36 MB of copying per save that also
   * emptied the CPU's caches for the search after it. Positions then count holes: only for lists
   * read by walking (the prefix lists), not the sort orders a page is counted off.
   */
  constructor(
    private readonly compare: (a: number, b: number) => number,
    sorted: Int32Array = new Int32Array(0),
    private readonly leavesHoles = false,
  ) {
    this.items = sorted;
    this.length = sorted.length;
  }

  get size(): number {
    return this.length - this.holes;
  }

  /** The slots in order, for tight loops (HOLE where one was removed, see the constructor): a view, not to be modified nor kept past a change. */
  get array(): Int32Array {
    return this.items.subarray(0, this.length);
  }

  /** Inserts the slot (not in the list) and returns the position it took. */
  insert(slot: number): number {
    const at = this.search(slot, false);
    // A hole at the place or just before it is between the same neighbours: it takes the slot, nothing moves.
    const hole = at < this.length && this.items[at] === HOLE ? at : at > 0 && this.items[at - 1] === HOLE ? at - 1 : -1;
    if (hole >= 0) {
      this.items[hole] = slot;
      this.holes--;
      return hole;
    }
    if (this.length === this.items.length) this.grow();
    this.items.copyWithin(at + 1, at, this.length);
    this.items[at] = slot;
    this.length++;
    return at;
  }

  /** Where the slot is, found by its values as they are now, or -1. */
  find(slot: number): number {
    return this.search(slot, true);
  }

  /** Removes the slot (found by its values as they are now) and returns the position it had, or -1. */
  remove(slot: number): number {
    const at = this.find(slot);
    if (at >= 0) this.removeAt(at);
    return at;
  }

  /** Removes the slot at a position find() gave. */
  removeAt(at: number): void {
    // Near the end the gap is closed, a few slots moved: a few customers saved in turn left a block
    // of holes there that every later search stepped over (review 11).
    if (this.leavesHoles && this.length - at > NEAR_END) {
      this.items[at] = HOLE;
      this.holes++;
    } else {
      this.items.copyWithin(at, at + 1, this.length);
      this.length--;
      while (this.length > 0 && this.items[this.length - 1] === HOLE) {
        this.length--;
        this.holes--;
      }
    }
    if (this.holes > this.length >>> 4) this.squeeze();
  }

  /**
   * The slot at `at` (where find() saw it) after its values changed: left there when it still sorts
   * between its neighbours (a save changes one order of four), else moved. Returns its position.
   */
  settle(at: number): number {
    const slot = this.items[at] as number;
    let before = at - 1;
    while (before >= 0 && this.items[before] === HOLE) before--;
    const after = this.nextSlotAt(at + 1, this.length);
    const fits = (before < 0 || this.compare(this.items[before] as number, slot) < 0) && (after >= this.length || this.compare(slot, this.items[after] as number) < 0);
    if (fits) return at;
    this.removeAt(at);
    return this.insert(slot);
  }

  // Compares at the first slot from the middle on (past any holes); holes alone from the middle to
  // the end of the range put what is looked for before the middle. `exact`: the slot's own place, or -1.
  private search(slot: number, exact: boolean): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.nextSlotAt(mid, hi);
      if (at < hi) {
        const other = this.items[at] as number;
        if (exact && other === slot) return at;
        if (this.compare(other, slot) < 0) {
          lo = at + 1;
          continue;
        }
      }
      hi = mid;
    }
    return exact ? -1 : lo;
  }

  private nextSlotAt(from: number, end: number): number {
    let at = from;
    while (at < end && this.items[at] === HOLE) at++;
    return at;
  }

  private squeeze(): void {
    let kept = 0;
    for (let i = 0; i < this.length; i++) {
      const slot = this.items[i] as number;
      if (slot !== HOLE) this.items[kept++] = slot;
    }
    this.length = kept;
    this.holes = 0;
  }

  // An eighth more room: a list built at its size and then saved into once is not doubled.
  private grow(): void {
    const bigger = new Int32Array(this.length + (this.length >>> 3) + 16);
    bigger.set(this.items.subarray(0, this.length));
    this.items = bigger;
  }
}

/** Merges two lists of slots sorted by the same `compare` (a bulk insert: linear, no re-sort). */
export function mergeSlots(a: Int32Array, b: Int32Array, compare: (x: number, y: number) => number): Int32Array {
  const out = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < out.length; k++) {
    out[k] = i < a.length && (j >= b.length || compare(a[i] as number, b[j] as number) <= 0) ? (a[i++] as number) : (b[j++] as number);
  }
  return out;
}

/**
 * Slots 0 to n - 1 sorted by `compare`, yielding every few thousand so a caller can run it in slices
 * (a start-up sort of 100,000 customers holds the event loop ~100 ms in one piece): runs sorted by
 * the engine's sort, then merged pairwise, a merge paused and resumed as often as it takes. Stable.
 * Typed arrays throughout: arrays of 1,000,000 made and copied in one piece held the loop ~50 ms.
 */
export function* sortSlotsSteps(n: number, compare: (a: number, b: number) => number): Generator<void, Int32Array> {
  const RUN = 1024;
  const STEP = 2048;
  let a = new Int32Array(n);
  for (let from = 0; from < n; from += RUN) {
    const run = Array.from({ length: Math.min(RUN, n - from) }, (_, i) => from + i).sort(compare);
    a.set(run, from);
    yield;
  }
  let b = new Int32Array(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      for (let k = lo; k < hi; k += STEP) {
        i = mergeSome(a, b, lo, i, mid, hi, k, Math.min(hi, k + STEP), compare);
        yield;
      }
    }
    [a, b] = [b, a];
  }
  return a;
}

/**
 * Writes out[k..stop) of the merge of a[lo..mid) and a[mid..hi), `i` being where the left run is up to
 * (the right one is then at mid + k - i); returns where the left run is up to after.
 */
function mergeSome(a: Int32Array, out: Int32Array, lo: number, i: number, mid: number, hi: number, k: number, stop: number, compare: (x: number, y: number) => number): number {
  let j = mid + (k - lo) - (i - lo);
  for (; k < stop; k++) {
    if (i < mid && (j >= hi || compare(a[i] as number, a[j] as number) <= 0)) out[k] = a[i++] as number;
    else out[k] = a[j++] as number;
  }
  return i;
}
