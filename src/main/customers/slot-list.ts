/** Where a list that leaves holes had a slot removed. */
export const HOLE = -1;
// Slots this close to the end are moved to close a gap rather than leave a hole.
const NEAR_END = 64;

/**
 * Customers' slots kept sorted by their entries, in an Int32Array. At 1,000,000 customers the sort
 * orders and prefix lists hold ~19,000,000 places: as arrays of pointers the garbage collector
 * walked every one at each major collection (final pauses of 100 ms and more, issue 14), and a typed
 * array it does not walk. Entries are read through `entryOf`, compared by `compare`; every entry's
 * keys are distinct (the orders break ties down to the id), so a slot is found by binary search.
 */
export class SlotList<E extends { slot: number }> {
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
    private readonly compare: (a: E, b: E) => number,
    private readonly entryOf: (slot: number) => E,
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

  /** Inserts the entry's slot (not in the list) and returns the position it took. */
  insert(e: E): number {
    const at = this.lowerBound(e);
    // A hole at the place or just before it is between the same neighbours: it takes the slot, nothing moves.
    const hole = at < this.length && this.items[at] === HOLE ? at : at > 0 && this.items[at - 1] === HOLE ? at - 1 : -1;
    if (hole >= 0) {
      this.items[hole] = e.slot;
      this.holes--;
      return hole;
    }
    if (this.length === this.items.length) this.grow();
    this.items.copyWithin(at + 1, at, this.length);
    this.items[at] = e.slot;
    this.length++;
    return at;
  }

  /**
   * Removes the entry's slot, found by the keys `e` had when it was inserted (the slot may already
   * hold its replacement), and returns the position it had, or -1.
   */
  remove(e: E): number {
    const at = this.find(e);
    if (at < 0) return at;
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
    return at;
  }

  /**
   * Puts `fresh` (the same slot, new keys) where `old` was, and returns its position: untouched when
   * the two sort alike (a save changes one order of four), else moved.
   */
  replace(old: E, fresh: E): number {
    if (this.compare(old, fresh) === 0) return this.find(old);
    this.remove(old);
    return this.insert(fresh);
  }

  /** Where the entry's slot is (found by the keys it was inserted with), or -1. */
  private find(e: E): number {
    return this.search(e, true);
  }

  /** The first place whose slot sorts at or after the entry (or a hole before it). */
  private lowerBound(e: E): number {
    return this.search(e, false);
  }

  // Compares at the first slot from the middle on (past any holes); holes alone from the middle to
  // the end of the range put what is looked for before the middle. `exact`: the entry's own slot
  // ends it there, whatever its entry now holds (a save's replacement).
  private search(e: E, exact: boolean): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.nextSlotAt(mid, hi);
      if (at < hi) {
        const slot = this.items[at] as number;
        if (exact && slot === e.slot) return at;
        if (this.compare(this.entryOf(slot), e) < 0) {
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

/** The slots of entries in the order given (a pause every so many). */
export function* slotsOfSteps(items: readonly { slot: number }[]): Generator<void, Int32Array> {
  const out = new Int32Array(items.length);
  for (let i = 0; i < items.length; i++) {
    out[i] = (items[i] as { slot: number }).slot;
    if (i % 65536 === 65535) yield;
  }
  return out;
}

/** Merges sorted slots with entries sorted by the same `compare` (a bulk insert: linear, no re-sort). */
export function mergeSlots<E extends { slot: number }>(a: Int32Array, b: readonly E[], compare: (x: E, y: E) => number, entryOf: (slot: number) => E): Int32Array {
  const out = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < out.length; k++) {
    out[k] = i < a.length && (j >= b.length || compare(entryOf(a[i] as number), b[j] as E) <= 0) ? (a[i++] as number) : (b[j++] as E).slot;
  }
  return out;
}
