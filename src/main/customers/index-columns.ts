import type { CustomerListQuery } from '../../shared/customers/schema';
import { NO_KEY, timeKey, timeText } from './time-key';

/** A customer as the search index takes it: made from its row by records.indexEntry(). */
export interface IndexEntry {
  id: string;
  /** searchTextOf(): folded names, email and phone digits. */
  text: string;
  /** Where the folded "first last" line ends in `text`: the name, for sorting and the `name` filter. */
  nameEnd: number;
  /** Where the last name starts in `text` (after the folded first name and its space): ranking tells them apart. */
  lastStart: number;
  active: boolean;
  createdAt: string;
  /** The customer's last activity: its row's updated_at, or a later prescription version or document. */
  seenAt: string;
}

export type SortBy = Exclude<NonNullable<CustomerListQuery['sortBy']>, 'relevance'>;

/** A query's filters (its isActive and the words of its name), or null when it has none. */
export type Filter = { active: boolean | undefined; nameWords: string[] } | null;

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Customers by slot, a column per field: two strings per customer (id and text) and numbers in
 * typed arrays. At 1,000,000 customers an object per customer with its own strings (word starts,
 * dates) was ~5,000,000 objects for the garbage collector to mark at every major collection, and its
 * final pauses held the event loop 70–80 ms while a store opened (issue 14); typed arrays it does not
 * walk. A slot's values are overwritten when its customer changes: lists sorted by them take the
 * slot out or look where it is before (SlotList.find), then put it back (SlotList.settle).
 */
export class IndexColumns {
  /** Slots used; the arrays below have room for more (reserve()). */
  private used = 0;
  private readonly ids = new StringColumn();
  private readonly textOf = new StringColumn();
  private nameEnds = new Int32Array(0);
  private lastStarts = new Int32Array(0);
  private actives = new Uint8Array(0);
  /** 1 for a slot a customer holds, 0 for a free one (an id, even '', says nothing: review 12). */
  private helds = new Uint8Array(0);
  /** timeKey() of each date, or NO_KEY with the string kept in `oddTimes`. */
  private created = new Float64Array(0);
  private seen = new Float64Array(0);
  private readonly oddTimes = new Map<number, { created: string; seen: string }>();

  /** Each sort order's comparison of two slots, ascending; ties broken down to the id, so every order is total. */
  readonly compare: Record<SortBy, (a: number, b: number) => number> = {
    createdAt: (a, b) => this.byCreated(a, b) || this.byId(a, b),
    updatedAt: (a, b) => this.bySeen(a, b) || this.byId(a, b),
    name: (a, b) => this.byName(a, b) || this.byCreated(a, b) || this.byId(a, b),
    // Seed 001 spells the statuses "active" < "unactive": ascending puts active customers first.
    status: (a, b) => (this.actives[b] as number) - (this.actives[a] as number) || this.byCreated(a, b) || this.byId(a, b),
  };

  static of(entries: readonly IndexEntry[]): IndexColumns {
    const columns = new IndexColumns();
    columns.reserve(entries.length);
    for (const e of entries) columns.push(e);
    return columns;
  }

  /** Slots used, free ones included. */
  get length(): number {
    return this.used;
  }

  id(slot: number): string {
    return this.ids.get(slot);
  }

  text(slot: number): string {
    return this.textOf.get(slot);
  }

  /** Adds a slot at the end; returns it. */
  push(e: IndexEntry): number {
    const slot = this.used;
    this.set(slot, e);
    return slot;
  }

  set(slot: number, e: IndexEntry): void {
    if (slot >= this.nameEnds.length) this.reserve(slot + 1);
    if (slot >= this.used) this.used = slot + 1;
    this.ids.set(slot, e.id);
    this.textOf.set(slot, e.text);
    this.nameEnds[slot] = e.nameEnd;
    this.lastStarts[slot] = e.lastStart;
    this.actives[slot] = e.active ? 1 : 0;
    this.helds[slot] = 1;
    const created = timeKey(e.createdAt);
    const seen = e.seenAt === e.createdAt ? created : timeKey(e.seenAt);
    this.created[slot] = created;
    this.seen[slot] = seen;
    if (created === NO_KEY || seen === NO_KEY) this.oddTimes.set(slot, { created: e.createdAt, seen: e.seenAt });
    else this.oddTimes.delete(slot);
  }

  /** Adds a slot at the end with another columns' slot's values, as they are kept (no dates made and read again). */
  pushFrom(source: IndexColumns, from: number): number {
    const slot = this.used;
    if (slot >= this.nameEnds.length) this.reserve(slot + 1);
    this.used = slot + 1;
    this.ids.set(slot, source.id(from));
    this.textOf.set(slot, source.text(from));
    this.nameEnds[slot] = source.nameEnds[from] as number;
    this.lastStarts[slot] = source.lastStarts[from] as number;
    this.actives[slot] = source.actives[from] as number;
    this.helds[slot] = 1;
    this.created[slot] = source.created[from] as number;
    this.seen[slot] = source.seen[from] as number;
    const odd = source.oddTimes.get(from);
    if (odd) this.oddTimes.set(slot, odd);
    else this.oddTimes.delete(slot);
    return slot;
  }

  /** Copies slot `from`'s values to slot `to` (a load keeping a repeated id's first slot). */
  copy(from: number, to: number): void {
    this.set(to, this.entryAt(from));
  }

  /** Frees a slot: its strings go. */
  clear(slot: number): void {
    this.helds[slot] = 0;
    this.ids.set(slot, '');
    this.textOf.set(slot, '');
    this.oddTimes.delete(slot);
  }

  /** Drops the slots from `length` on. */
  truncate(length: number): void {
    for (let slot = length; slot < this.used; slot++) this.clear(slot);
    this.used = Math.min(this.used, length);
  }

  /**
   * Room for `n` slots in the typed arrays, grown by an eighth at least, not doubled. Made once for
   * a store being loaded (reserveInTurns): grown as pages came, each copy (~25 MB at 1,000,000, in
   * fresh memory) held the event loop 50–90 ms.
   */
  reserve(n: number): void {
    for (const grow of this.growths(n)) grow();
  }

  /**
   * reserve(n) with `pause` after each array: a store's whole room at 1,000,000 customers (~30 MB)
   * came zeroed by the allocator, page by page, holding the event loop 60–100 ms at once. The
   * columns are not used meanwhile (a load's own).
   */
  async reserveInTurns(n: number, pause: () => Promise<void>): Promise<void> {
    for (const grow of this.growths(n)) {
      grow();
      await pause();
    }
  }

  private growths(n: number): (() => void)[] {
    if (n <= this.nameEnds.length) return [];
    const size = Math.max(n, this.nameEnds.length + (this.nameEnds.length >>> 3) + 64);
    return [
      () => (this.nameEnds = grown(this.nameEnds, unzeroed(Int32Array, size))),
      () => (this.lastStarts = grown(this.lastStarts, unzeroed(Int32Array, size))),
      () => (this.actives = grown(this.actives, new Uint8Array(size))),
      // Zeroed: a slot set() skipped over must read as free.
      () => (this.helds = grown(this.helds, new Uint8Array(size))),
      () => (this.created = grown(this.created, unzeroed(Float64Array, size))),
      () => (this.seen = grown(this.seen, unzeroed(Float64Array, size))),
    ];
  }

  /** A slot's entry, made again from its columns. */
  entryAt(slot: number): IndexEntry {
    return {
      id: this.id(slot),
      text: this.text(slot),
      nameEnd: this.nameEnds[slot] as number,
      lastStart: this.lastStarts[slot] as number,
      active: this.actives[slot] === 1,
      createdAt: this.timeAt(slot, this.created, 'created'),
      seenAt: this.timeAt(slot, this.seen, 'seen'),
    };
  }

  /** Whether a customer holds the slot (not freed). */
  holds(slot: number): boolean {
    return this.helds[slot] === 1;
  }

  active(slot: number): boolean {
    return this.actives[slot] === 1;
  }

  /** The customer's rank for a search's words (rankText()). */
  rank(slot: number, words: readonly string[]): number {
    return rankText(this.text(slot), this.nameEnds[slot] as number, this.lastStarts[slot] as number, words);
  }

  /** Where the word matches the customer best (tierOf()). */
  tier(slot: number, word: string): number {
    return tierOf(this.text(slot), this.nameEnds[slot] as number, this.lastStarts[slot] as number, word);
  }

  /** Whether the customer passes the query's filters. */
  kept(slot: number, filter: Filter): boolean {
    if (!filter) return true;
    if (filter.active !== undefined && this.active(slot) !== filter.active) return false;
    return filter.nameWords.length === 0 || this.nameHoldsAll(slot, filter.nameWords);
  }

  /** Visits each prefix (1 to `max` characters) starting one of the customer's words, in word order, with its word's zone. */
  forEachWordPrefix(slot: number, max: number, visit: (prefix: string, zone: 0 | 1 | 2) => void): void {
    const text = this.text(slot);
    const nameEnd = this.nameEnds[slot] as number;
    const lastStart = this.lastStarts[slot] as number;
    for (let p = 0; p < text.length; p++) {
      if (!isWordStart(text, p)) continue;
      const zone = p >= nameEnd ? 2 : p >= lastStart ? 0 : 1;
      for (let k = 1; k <= max && p + k <= text.length; k++) visit(text.slice(p, p + k), zone);
    }
  }

  /** Whether the name (the text up to its end) holds every word: a word's first place in the text is the one to check. */
  private nameHoldsAll(slot: number, words: readonly string[]): boolean {
    const text = this.text(slot);
    const nameEnd = this.nameEnds[slot] as number;
    for (let i = 0; i < words.length; i++) {
      const w = words[i] as string;
      const at = text.indexOf(w);
      if (at < 0 || at + w.length > nameEnd) return false;
    }
    return true;
  }

  private byId(a: number, b: number): number {
    return byString(this.ids.get(a), this.ids.get(b));
  }

  private byCreated(a: number, b: number): number {
    return this.byTime(this.created, 'created', a, b);
  }

  private bySeen(a: number, b: number): number {
    return this.byTime(this.seen, 'seen', a, b);
  }

  // Keys compare as their strings do; a date without one is compared as strings, the other made again.
  private byTime(keys: Float64Array, which: 'created' | 'seen', a: number, b: number): number {
    const x = keys[a] as number;
    const y = keys[b] as number;
    if (x !== NO_KEY && y !== NO_KEY) return x < y ? -1 : x > y ? 1 : 0;
    return byString(this.timeAt(a, keys, which), this.timeAt(b, keys, which));
  }

  private timeAt(slot: number, keys: Float64Array, which: 'created' | 'seen'): string {
    const key = keys[slot] as number;
    return key === NO_KEY ? (this.oddTimes.get(slot) as { created: string; seen: string })[which] : timeText(key);
  }

  /** The two names (each text up to its end) compared as strings are, code unit by code unit. */
  private byName(a: number, b: number): number {
    const x = this.text(a);
    const y = this.text(b);
    const xEnd = this.nameEnds[a] as number;
    const yEnd = this.nameEnds[b] as number;
    const n = Math.min(xEnd, yEnd);
    for (let i = 0; i < n; i++) {
      const d = x.charCodeAt(i) - y.charCodeAt(i);
      if (d !== 0) return d < 0 ? -1 : 1;
    }
    return xEnd < yEnd ? -1 : xEnd > yEnd ? 1 : 0;
  }
}

/**
 * A column's room left as the allocator gives it, not zeroed: a zeroed 4 MB array made of memory
 * the heap had freed came memset page by page, 35–48 ms of the event loop while staff signed in at
 * 1,000,000 customers (cold start, a page fault ~15 µs here); unzeroed, its pages come in as the
 * load writes them. Only for columns read at held slots, which set() writes whole.
 */
function unzeroed<T extends Int32Array | Float64Array>(Column: { new (buffer: ArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number }, length: number): T {
  const bytes = Buffer.allocUnsafeSlow(length * Column.BYTES_PER_ELEMENT);
  return new Column(bytes.buffer as ArrayBuffer, bytes.byteOffset, length);
}

function grown<T extends Int32Array | Uint8Array | Float64Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

// Strings per chunk of a StringColumn.
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;

/**
 * A string per slot, in arrays of 65,536: an array of 1,000,000 made or copied in one piece held the
 * event loop 30–85 ms on these machines, a chunk takes a few.
 */
class StringColumn {
  private readonly chunks: string[][] = [];

  get(slot: number): string {
    return (this.chunks[slot >>> CHUNK_BITS] as string[])[slot & (CHUNK - 1)] as string;
  }

  set(slot: number, s: string): void {
    const c = slot >>> CHUNK_BITS;
    while (this.chunks.length <= c) this.chunks.push(new Array<string>(CHUNK).fill(''));
    (this.chunks[c] as string[])[slot & (CHUNK - 1)] = s;
  }
}

/*
 * Ranking: for each word, where it matches best — 0 the start of a word of the last name, 1 of the
 * first name, 2 of another word (email, phone), 3 inside a word. A customer ranks by its worst word
 * (every word must match at least that well), then by the sum, so "ben" puts Benali and Bennani
 * before Abensour, and "ben mo" puts Benali Mohamed before Abensour Mohamed.
 */
export const TIERS = 4;
const SUM_CAP = 63;
export const RANKS = TIERS * (SUM_CAP + 1);

export function rankText(text: string, nameEnd: number, lastStart: number, words: readonly string[]): number {
  let worst = 0;
  let sum = 0;
  for (let i = 0; i < words.length; i++) {
    const t = tierOf(text, nameEnd, lastStart, words[i] as string);
    if (t > worst) worst = t;
    sum += t;
  }
  return worst * (SUM_CAP + 1) + Math.min(sum, SUM_CAP);
}

/**
 * Where the word matches best (see above): its places in the text, first to last, that start a word.
 * Words come in order: the first name's, the last name's, then the email's and phone's.
 */
function tierOf(text: string, nameEnd: number, lastStart: number, word: string): number {
  let best = TIERS - 1;
  if (word === '') return best; // a search's words are never empty; indexOf('') would find it everywhere, forever
  for (let p = text.indexOf(word); p >= 0; p = text.indexOf(word, p + 1)) {
    if (!isWordStart(text, p)) continue;
    if (p >= nameEnd) return Math.min(best, 2);
    if (p >= lastStart) return 0;
    best = 1;
  }
  return best;
}

/** Whether a word of the text starts at `p`: a letter or digit after anything else. */
function isWordStart(text: string, p: number): boolean {
  return isWordChar(text.charCodeAt(p)) && (p === 0 || !isWordChar(text.charCodeAt(p - 1)));
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
function isWordChar(code: number): boolean {
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
  return LETTER_OR_DIGIT.test(String.fromCharCode(code));
}
