/**
 * Which customers' search texts hold each piece of 1, 2 or 3 characters (their n-grams): the
 * search index's way to its matches without scanning every customer. A one- to three-character
 * word is one gram, and its list is exactly its matches; a longer word's matches are among those
 * of its rarest trigram, checked with includes(). Customers are numbered by slot; a list is a
 * sorted Int32Array of slots, changed in place when a customer changes (no rebuild). A list holding
 * more than one customer in DENSE_PAST is a bitset instead: the letters, the email domains and the
 * country code everyone has (at 1,000,000 customers, 245 MB of the lists' 382 MB as sorted slots).
 */

// Characters get small numbers as they are met, so a gram's key is an integer below 2^30 (a small
// integer for V8's Map). Past MAX_ID distinct characters (a store with names in many scripts), the
// rest share LOSSY_ID: their grams then over-match, and the index checks those matches by includes().
const SEPARATOR_ID = 1;
const FIRST_ID = 2;
const MAX_ID = 1023;
const LOSSY_ID = MAX_ID;
// Keys of 1- and 2-character grams are below this; a key's first character id is its low 10 bits.
const SHORT_KEYS = 2 ** 20;
const ID_MASK = 1023;
// What never occurs inside a typed search word (searchTokens() splits there): no gram spans it.
const SEPARATOR = /[\s\p{Cc}]/u;

const NO_SLOTS = new Int32Array(0);
const BUILD_BUFFER_SLOTS = 2 ** 19;
// What buildSteps() does between pauses, in words of fresh memory; a list's view counts as LIST_WORK.
const STEP_WORK = 2 ** 19;
const LIST_WORK = 128;
// A bitset takes a bit per slot of the store, a sorted list 32 per customer in it: past one customer
// in 32 the bitset is smaller. Back to a list below one in 64, so a list near the line does not flip.
const DENSE_PAST = 32;
const SPARSE_BELOW = 64;

/** A sorted list of slots, or a bitset once it holds more than one slot in DENSE_PAST. */
export class Posting {
  /** Its own array, or its part of the one buffer a build gave every list (buildSteps()). */
  slots: Int32Array = NO_SLOTS;
  /** Instead of `slots` for a dense list: bit `slot` set for each slot in it. */
  bits: Uint32Array | null = null;
  n = 0;
  /** The last text enumerated that added or removed here: a text's repeated grams count once. */
  stamp = 0;

  add(slot: number): void {
    if (this.bits) return this.setBit(slot);
    const { slots, n } = this;
    if (n > 0 && (slots[n - 1] as number) >= slot) {
      const at = lowerBound(slots, n, slot);
      if (slots[at] === slot) return;
      this.grow();
      this.slots.copyWithin(at + 1, at, n);
      this.slots[at] = slot;
    } else {
      this.grow();
      this.slots[n] = slot;
    }
    this.n++;
  }

  remove(slot: number): void {
    const bits = this.bits;
    if (bits) {
      const w = slot >>> 5;
      const m = 1 << (slot & 31);
      if (w < bits.length && (bits[w] as number) & m) {
        bits[w] = (bits[w] as number) & ~m;
        this.n--;
      }
      return;
    }
    const at = lowerBound(this.slots, this.n, slot);
    if (at >= this.n || this.slots[at] !== slot) return;
    this.slots.copyWithin(at, at + 1, this.n);
    this.n--;
  }

  /** Its slots, ascending (a dense list's read out of its bits). */
  view(): Int32Array {
    return this.bits ? slotsOfBits(this.bits, this.n) : this.slots.subarray(0, this.n);
  }

  /** The slots of `slots` (ascending) that are in this list too. */
  narrow(slots: Int32Array): Int32Array {
    const bits = this.bits;
    if (!bits) return intersect(slots, this.view());
    const out = new Int32Array(slots.length);
    let n = 0;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] as number;
      if (((bits[slot >>> 5] ?? 0) & (1 << (slot & 31))) !== 0) out[n++] = slot;
    }
    return out.subarray(0, n);
  }

  /**
   * Gives back the room grown ahead (after many adds at once), and takes the smaller form for a
   * store of `slotCount` slots; returns the slots copied.
   */
  trim(slotCount: number): number {
    const dense = this.bits !== null;
    if (!dense && this.n * DENSE_PAST > slotCount) {
      const slots = this.view();
      this.bits = new Uint32Array(Math.ceil(slotCount / 32));
      this.slots = NO_SLOTS;
      this.n = 0;
      for (let i = 0; i < slots.length; i++) this.setBit(slots[i] as number);
      return slots.length;
    }
    if (dense && this.n * SPARSE_BELOW < slotCount) {
      this.slots = this.view();
      this.bits = null;
      return this.n;
    }
    if (dense || this.slots.length <= this.n + 1) return 0;
    this.slots = this.slots.slice(0, Math.max(this.n, 1));
    return this.n;
  }

  /** A dense list made for a build of `slotCount` slots, filled by setBit(). */
  makeDense(slotCount: number): void {
    this.bits = new Uint32Array(Math.ceil(slotCount / 32));
    this.slots = NO_SLOTS;
    this.n = 0;
  }

  setBit(slot: number): void {
    const w = slot >>> 5;
    const m = 1 << (slot & 31);
    let bits = this.bits as Uint32Array;
    if (w >= bits.length) {
      // New customers take the next slots: grown by an eighth, not doubled (hundreds of such lists).
      const bigger = new Uint32Array(Math.max(w + 1, bits.length + (bits.length >>> 3) + 32));
      bigger.set(bits);
      this.bits = bits = bigger;
    }
    if (((bits[w] as number) & m) !== 0) return;
    bits[w] = (bits[w] as number) | m;
    this.n++;
  }

  private grow(): void {
    if (this.n < this.slots.length) return;
    const bigger = new Int32Array(Math.max(4, this.slots.length * 2));
    bigger.set(this.slots);
    this.slots = bigger;
  }
}

/** The `count` slots whose bits are set, ascending. */
export function slotsOfBits(bits: Uint32Array, count: number): Int32Array {
  const out = new Int32Array(count);
  let k = 0;
  for (let w = 0; w < bits.length; w++) {
    let x = bits[w] as number;
    while (x !== 0) {
      const low = x & -x;
      out[k++] = (w << 5) + 31 - Math.clz32(low);
      x ^= low;
    }
  }
  return out;
}

function lowerBound(a: Int32Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Where a search's matches are among: a list of slots, and whether every one of them surely matches. */
export interface Candidates {
  slots: Int32Array;
  exact: boolean;
}

/**
 * A search's matches as their list holds them: counted, and read out only when needed; a dense
 * list's bits can be read directly (reading out 1,000,000 slots of "e" costs milliseconds).
 */
export interface MatchSet {
  count: number;
  bits: Uint32Array | null;
  slots: () => Int32Array;
}

const NO_MATCH: MatchSet = { count: 0, bits: null, slots: () => NO_SLOTS };

export class GramPostings {
  private readonly ids = new Uint16Array(65536);
  private nextId = FIRST_ID;
  /**
   * Lists of 1- and 2-character grams (keys below 2^20: arrays are quicker than a Map), by their
   * first character's id, then their second's (0 for one character); a row only for a first
   * character met, not 2^20 slots (8 MB) up front. Trigrams are in the Map.
   */
  private readonly short: (Posting | undefined)[][] = [];
  private readonly lists = new Map<number, Posting>();
  private stamp = 0;
  /** Scratch for keysOf(). */
  private keys = new Int32Array(256);

  add(slot: number, text: string): void {
    const stamp = ++this.stamp;
    const n = this.keysOf(text);
    const keys = this.keys;
    for (let i = 0; i < n; i++) {
      const key = keys[i] as number;
      let p = this.get(key);
      if (!p) p = this.create(key);
      if (p.stamp === stamp) continue;
      p.stamp = stamp;
      p.add(slot);
    }
  }

  remove(slot: number, text: string): void {
    const stamp = ++this.stamp;
    const n = this.keysOf(text);
    for (let i = 0; i < n; i++) {
      const key = this.keys[i] as number;
      const p = this.get(key);
      if (!p || p.stamp === stamp) continue;
      p.stamp = stamp;
      p.remove(slot);
      if (p.n === 0) this.drop(key);
    }
  }

  /** A customer's text changed: only the grams that differ move (a save touches a few lists, not ~100). */
  replace(slot: number, old: string | null, text: string): void {
    if (old === null) return this.add(slot, text);
    if (old === text) return;
    const before = this.keySet(old);
    const after = this.keySet(text);
    for (const key of before) {
      if (after.has(key)) continue;
      const p = this.get(key);
      p?.remove(slot);
      if (p && p.n === 0) this.drop(key);
    }
    for (const key of after) {
      if (before.has(key)) continue;
      (this.get(key) ?? this.create(key)).add(slot);
    }
  }

  /**
   * Every list from scratch, from the customers' texts by slot: counted first, then each given its
   * exact part of a few large buffers and filled in slot order. Growing each list by doubling and trimming it
   * after left up to as much again in slack and copies (~40 MB at 100,000 customers). The
   * generator yields between slices.
   */
  *buildSteps(textOf: (slot: number) => string, count: number): Generator<void> {
    for (let slot = 0; slot < count; slot++) {
      this.eachNewKey(textOf(slot), (key) => (this.get(key) ?? this.create(key)).n++);
      if (slot % 128 === 127) yield;
    }
    // Buffers of BUILD_BUFFER_SLOTS at most (one of 100,000,000 slots at 1,000,000 customers took
    // ~0.1 s just to be zeroed), the lists laid out one after another; a longer list has its own.
    // Fresh memory costs here: a buffer or bitset is paid for in page faults (~3 ms a MB on these
    // machines), and each list's view is an object. A pause every STEP_WORK words of either.
    let buffer = NO_SLOTS;
    let at = 0;
    let work = 0;
    for (const p of this.postings()) {
      if (work >= STEP_WORK) {
        work = 0;
        yield;
      }
      work += LIST_WORK;
      if (p.n * DENSE_PAST > count) {
        p.makeDense(count);
        work += count >>> 5;
        continue;
      }
      if (at + p.n > buffer.length) {
        // Written through now, in this step: filled later, a slot at a time across thousands of
        // lists, each first write to a page of fresh memory faulted it in (a slice of 128
        // customers held the loop ~65 ms at 1,000,000).
        buffer = new Int32Array(Math.max(BUILD_BUFFER_SLOTS, p.n)).fill(0);
        at = 0;
        work += buffer.length;
      }
      p.slots = buffer.subarray(at, at + p.n);
      at += p.n;
      p.n = 0;
    }
    for (let slot = 0; slot < count; slot++) {
      this.eachNewKey(textOf(slot), (key) => {
        const p = this.get(key) as Posting;
        if (p.bits) p.setBit(slot);
        else p.slots[p.n++] = slot;
      });
      if (slot % 128 === 127) yield;
    }
  }

  /** Each distinct gram key of `text`, once. */
  private eachNewKey(text: string, visit: (key: number) => void): void {
    if (!text) return;
    const stamp = ++this.stamp;
    const n = this.keysOf(text);
    for (let i = 0; i < n; i++) {
      const key = this.keys[i] as number;
      const p = this.get(key);
      if (p?.stamp === stamp) continue;
      visit(key);
      (this.get(key) as Posting).stamp = stamp;
    }
  }

  private *postings(): Generator<Posting> {
    for (const row of this.short) for (const p of row ?? []) if (p) yield p;
    yield* this.lists.values();
  }

  /** Trims every list after many were added at once, a slice at a time (the generator yields between slices). */
  *trimSteps(slotCount: number): Generator<void> {
    // A pause every so many lists or copied slots, whichever comes first: the 1- and 2-character
    // lists are few but long (a copy each), the trigram lists many and short.
    let lists = 0;
    let copied = 0;
    const paused = (p: Posting | undefined) => {
      if (p) copied += p.trim(slotCount) + 16;
      if (++lists % 8192 !== 0 && copied < 65536) return false;
      copied = 0;
      return true;
    };
    for (const p of this.postings()) if (paused(p)) yield;
  }

  /**
   * The slots that hold every gram of every word, or null when nothing can match: the shortest list,
   * narrowed by the next shortest while it is still long. Exact when the search is one word of at
   * most three characters whose gram is its own (not lossy); else each slot is to be checked.
   */
  candidates(words: readonly string[]): Candidates | null {
    const found = this.listsOf(words);
    if (!found) return null;
    const lists = found.lists.sort((x, y) => x.n - y.n);
    let slots = (lists[0] as Posting).view();
    for (let i = 1; i < lists.length && i <= MAX_NARROWING && slots.length > NARROW_PAST; i++) slots = (lists[i] as Posting).narrow(slots);
    return { slots, exact: found.exact };
  }

  /** The texts holding the search, when its candidates would be exactly those (see candidates()); else null. */
  exactMatches(words: readonly string[]): MatchSet | null {
    const found = this.listsOf(words);
    if (!found) return NO_MATCH;
    if (!found.exact) return null;
    const p = found.lists[0] as Posting;
    return { count: p.n, bits: p.bits, slots: () => p.view() };
  }

  /** The lists of every gram of every word, or null when one has none. */
  private listsOf(words: readonly string[]): { lists: Posting[]; exact: boolean } | null {
    const lists: Posting[] = [];
    let lossy = false;
    for (const word of words) {
      const codes: number[] = [];
      for (let i = 0; i < word.length; i++) {
        const id = this.ids[word.charCodeAt(i)] as number;
        if (id === 0 || id === SEPARATOR_ID) return null; // a character no customer has
        if (id === LOSSY_ID) lossy = true;
        codes.push(id);
      }
      const keys = codes.length <= 3 ? [keyOf(codes, 0, codes.length)] : codes.slice(2).map((_, i) => keyOf(codes, i, 3));
      for (const key of keys) {
        const p = this.get(key);
        if (!p) return null;
        lists.push(p);
      }
    }
    return { lists, exact: words.length === 1 && (words[0] as string).length <= 3 && !lossy };
  }

  private keySet(text: string): Set<number> {
    const n = this.keysOf(text);
    const keys = new Set<number>();
    for (let i = 0; i < n; i++) keys.add(this.keys[i] as number);
    return keys;
  }

  private get(key: number): Posting | undefined {
    return key < SHORT_KEYS ? this.short[key & ID_MASK]?.[key >>> 10] : this.lists.get(key);
  }

  private create(key: number): Posting {
    const p = new Posting();
    if (key < SHORT_KEYS) (this.short[key & ID_MASK] ??= new Array<Posting | undefined>(MAX_ID + 1).fill(undefined))[key >>> 10] = p;
    else this.lists.set(key, p);
    return p;
  }

  private drop(key: number): void {
    if (key < SHORT_KEYS) (this.short[key & ID_MASK] as (Posting | undefined)[])[key >>> 10] = undefined;
    else this.lists.delete(key);
  }

  /** The keys of every gram of `text` (repeats included) into this.keys; returns how many. */
  private keysOf(text: string): number {
    if (this.keys.length < text.length * 3) this.keys = new Int32Array(text.length * 6);
    const keys = this.keys;
    let n = 0;
    let b = 0;
    let c = 0;
    for (let i = text.length - 1; i >= 0; i--) {
      const a = this.idOf(text.charCodeAt(i));
      if (a === SEPARATOR_ID) {
        b = c = 0;
        continue;
      }
      keys[n++] = a;
      if (b !== 0) {
        keys[n++] = a | (b << 10);
        if (c !== 0) keys[n++] = a | (b << 10) | (c << 20);
      }
      c = b;
      b = a;
    }
    return n;
  }

  private idOf(code: number): number {
    const known = this.ids[code] as number;
    if (known !== 0) return known;
    const id = SEPARATOR.test(String.fromCharCode(code)) ? SEPARATOR_ID : this.nextId <= LOSSY_ID ? this.nextId++ : LOSSY_ID;
    this.ids[code] = id;
    return id;
  }
}

// Narrowing a list by another costs about the shorter one's length; past a few, checking is cheaper.
const MAX_NARROWING = 3;
const NARROW_PAST = 64;

/** The slots in both sorted lists: a merge, or binary searches when one list is far longer. */
export function intersect(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(Math.min(a.length, b.length));
  let n = 0;
  if (b.length > 16 * a.length) {
    for (let i = 0; i < a.length; i++) {
      const x = a[i] as number;
      const at = lowerBound(b, b.length, x);
      if (b[at] === x) out[n++] = x;
    }
    return out.subarray(0, n);
  }
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      out[n++] = x;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out.subarray(0, n);
}

function keyOf(codes: readonly number[], from: number, length: number): number {
  let key = 0;
  for (let i = 0; i < length; i++) key |= (codes[from + i] as number) << (10 * i);
  return key;
}
