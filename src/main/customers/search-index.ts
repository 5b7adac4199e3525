import type { CustomerListQuery } from '../../shared/customers/schema';
import { foldText, searchTokens } from './fold';
import { GramPostings, type MatchSet } from './gram-postings';
import { IdMap } from './id-map';
import { runInSlices, runNow } from './slices';
import { HOLE, SlotList, mergeSlots, slotsOfSteps } from './slot-list';
import { sortSteps } from './sorted-list';

/**
 * The customer list, kept in memory for search as you type. Substring search of one or two letters
 * cannot use SQLite's indexes (FTS5 trigrams start at three), and a scan of 100,000 rows takes
 * ~30 ms; so every 1-, 2- and 3-character piece of each customer's folded text has its list of
 * customers (gram-postings.ts) and a search reads the shortest list that holds its matches. One list
 * per sort order is kept sorted, so no query sorts more than a few thousand matches. SQLite stays the
 * source of truth: the index is built from it at start (in slices: build()) and updated by the
 * customer service after each commit, change by change; only ids leave it.
 */
export interface IndexEntry {
  id: string;
  /** searchTextOf(): folded names, email and phone digits. */
  text: string;
  /**
   * Where the folded "first last" line ends in `text`: the name, for sorting and the `name` filter.
   * A length, not the name itself: a string of its own per entry was 1,000,000 more objects to mark.
   */
  nameEnd: number;
  /** Where the last name starts in `text` (after the folded first name and its space): ranking tells them apart. */
  lastStart: number;
  /** wordStartsOf(text): where each word of `text` starts, as char codes (compact; ranking reads them). */
  wordStarts: string;
  active: boolean;
  createdAt: string;
  /** The customer's last activity: its row's updated_at, or a later prescription version or document. */
  seenAt: string;
  /**
   * The slot the index's lists know it by; -1 until the index holds it. Made with the entry, not
   * added when the index adopts it: an added property took a property array of its own per entry
   * (1,000,000 more objects for the garbage collector to mark, 31 MB).
   */
  slot: number;
}

/** An entry as the index holds it: its own copy or one made for it, its slot set. */
type Held = IndexEntry;

export type SortBy = Exclude<NonNullable<CustomerListQuery['sortBy']>, 'relevance'>;
export type Query = Pick<CustomerListQuery, 'search' | 'name' | 'isActive' | 'sortBy' | 'sortOrder' | 'page' | 'limit'>;

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Each sort order, ascending; ties broken down to the id, so every order is total. */
export const comparators: Record<SortBy, (a: IndexEntry, b: IndexEntry) => number> = {
  createdAt: (a, b) => byString(a.createdAt, b.createdAt) || byString(a.id, b.id),
  updatedAt: (a, b) => byString(a.seenAt, b.seenAt) || byString(a.id, b.id),
  name: (a, b) => byName(a, b) || byString(a.createdAt, b.createdAt) || byString(a.id, b.id),
  // Seed 001 spells the statuses "active" < "unactive": ascending puts active customers first.
  status: (a, b) => Number(!a.active) - Number(!b.active) || byString(a.createdAt, b.createdAt) || byString(a.id, b.id),
};
const sortKeys = Object.keys(comparators) as SortBy[];

/** The two names (each `text` up to its `nameEnd`) compared as strings are, code unit by code unit. */
function byName(a: IndexEntry, b: IndexEntry): number {
  const n = Math.min(a.nameEnd, b.nameEnd);
  for (let i = 0; i < n; i++) {
    const d = a.text.charCodeAt(i) - b.text.charCodeAt(i);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.nameEnd < b.nameEnd ? -1 : a.nameEnd > b.nameEnd ? 1 : 0;
}

// Past this many changes at once, merging them into every list beats inserting one by one.
const BULK = 1000;
// Word starts of up to this many characters have their prefix lists (rankedByPrefix).
const PREFIX_MAX = 3;
// Up to this many matches are ranked and sorted outright; more are walked newest first (ranked()).
const SORT_MAX = 300;
// Matches fewer than the store's size over this are put in recency order by sorting them, not by walking the order.
const WALK_PAST = 64;

/**
 * For each folded prefix (1 to PREFIX_MAX characters) at the start of some customer's word, the
 * customers it starts a word of, split by tier (0 last name, 1 first name, 2 email or phone) and kept
 * most recently seen last: the first page of a short search is read off them without ranking. They
 * leave holes where a customer moved (a save), skipped by their walk (SlotList).
 */
type PrefixLists = Map<string, [SlotList<Held>, SlotList<Held>, SlotList<Held>]>;

export interface IndexPage {
  ids: string[];
  total: number;
}

const NONE = new Int32Array(0);
// Places in the updatedAt order and slots stay below this (4,194,304), so that a rank (< 256), a place
// and a slot pack exactly into one double (2^52) for sortedPage().
const ORD_SPAN = 2 ** 22;

export class CustomerSearchIndex {
  private readonly entries = new IdMap<Held>();
  private bySlot: (Held | undefined)[] = [];
  /** Each slot's text, beside bySlot: checking a match reads the string without going through its entry. */
  private texts: string[] = [];
  private freeSlots: number[] = [];
  /** Each sort order, ascending, as slots. */
  private orders!: Record<SortBy, SlotList<Held>>;
  /** Each slot's place in the updatedAt order as a whole number (gaps allowed), so matches sort without comparing strings. */
  private seenOrd = new Float64Array(0);
  /** Built with the sort orders, then kept up to date change by change. */
  private prefixes!: PrefixLists;
  private grams = new GramPostings();
  /** One byte per slot, set for a query's matches while it walks a sort order, cleared after. */
  private marks = new Uint8Array(0);
  /** A slot's entry, for the slot lists. */
  private readonly entryOf = (slot: number): Held => this.bySlot[slot] as Held;

  /** `sortMax`: up to how many matches are sorted outright rather than walked (tests set it to reach both ways). */
  constructor(entries: readonly IndexEntry[] = [], private readonly sortMax = SORT_MAX) {
    runNow(this.loadSteps(entries));
  }

  /**
   * Builds the index a slice at a time, giving the event loop back between slices (opening a
   * store). The entries become the index's own (not copied: 100,000 of them are ~37 MB); the
   * caller made them for it and lets them go.
   */
  static async build(entries: IndexEntry[], sliceMs?: number): Promise<CustomerSearchIndex> {
    const index = new CustomerSearchIndex();
    await runInSlices(index.loadSteps(entries, true), sliceMs);
    return index;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Adds or replaces customers. Entries are replaced, never mutated, so old sort keys stay findable.
   * `adopt`: the entries were made for the index and become its own rather than copied.
   */
  upsert(changed: readonly IndexEntry[], adopt = false): void {
    if (changed.length >= BULK) return this.upsertMany(changed, adopt);
    for (const entry of changed) {
      const old = this.entries.get(entry.id);
      const held = this.hold(entry, old, adopt);
      this.grams.replace(held.slot, old?.text ?? null, held.text);
      for (const k of sortKeys) {
        const at = old ? this.orders[k].replace(old, held) : this.orders[k].insert(held);
        if (k === 'updatedAt') this.placeSeen(at);
      }
      this.relistPrefixes(old, held);
    }
  }

  remove(ids: readonly string[]): void {
    // Many at once (an import undone): each order filtered in one pass, not a splice per list per customer.
    if (ids.length >= BULK) return this.removeMany(ids);
    for (const id of ids) {
      const old = this.entries.get(id);
      if (!old) continue;
      this.unlist(old);
      this.grams.remove(old.slot, old.text);
      this.entries.delete(id);
      this.bySlot[old.slot] = undefined;
      this.texts[old.slot] = '';
      this.freeSlots.push(old.slot);
    }
  }

  query(q: Query): IndexPage {
    const words = q.search ? searchTokens(q.search) : [];
    const sortBy = q.sortBy ?? (words.length > 0 ? 'relevance' : 'createdAt');
    // Ranked with nothing to rank by, every customer ties: most recently seen first.
    if (sortBy === 'relevance') return words.length > 0 ? this.ranked(q, words) : this.query({ ...q, sortBy: 'updatedAt', sortOrder: 'desc' });
    const items = this.orders[sortBy].array;
    const n = items.length;
    const start = (q.page - 1) * q.limit;
    const asc = q.sortOrder === 'asc';
    const keep = keeper(q.isActive, nameWordsOf(q));
    if (words.length === 0 && !keep) {
      const ids: string[] = [];
      for (let i = start; i < Math.min(start + q.limit, n); i++) ids.push(this.entryOf(items[asc ? i : n - 1 - i] as number).id);
      return { ids, total: n };
    }
    const matches = words.length > 0 ? this.matches(words, keep) : this.filterAll(keep as (e: IndexEntry) => boolean);
    const ids: string[] = [];
    if (start >= matches.length) return { ids, total: matches.length };
    this.mark(matches, 1);
    let at = 0;
    for (let i = 0; i < n && at < start + q.limit; i++) {
      const slot = items[asc ? i : n - 1 - i] as number;
      if (this.marks[slot] === 0) continue;
      if (at >= start) ids.push(this.entryOf(slot).id);
      at++;
    }
    this.mark(matches, 0);
    return { ids, total: matches.length };
  }

  /**
   * A search's page in ranked order (rankOf), ties most recently seen first. A few matches are
   * ranked and sorted outright. Many are walked in updatedAt order from the newest, each dealt to its
   * rank's queue; a queue keeps only as many as the page's end (more could not reach the page), and
   * the walk stops once the best rank alone fills the page: nothing older can come before those.
   */
  private ranked(q: Query, words: string[]): IndexPage {
    const keep = keeper(q.isActive, nameWordsOf(q));
    const matches = this.matchSet(words, keep);
    const total = matches.count;
    const start = (q.page - 1) * q.limit;
    const end = Math.min(start + q.limit, total);
    if (start >= end) return { ids: [], total };
    const only = words[0] as string;
    // A long word whose prefix's lists dwarf its matches ("ahmed.b" among every Ahmed): ranking the
    // matches beats walking lists where few customers have the word itself.
    const dwarfed = words.length === 1 && only.length > PREFIX_MAX && this.sortMax > 0 && total * 4 <= this.prefixSize(only);
    if ((total <= this.sortMax || dwarfed) && this.bySlot.length <= ORD_SPAN) return { ids: this.sortedPage(matches.slots(), words, start, end), total };
    if (words.length === 1) return { ids: this.rankedByPrefix(only, matches, keep, start, end), total };
    const queues: (Held[] | undefined)[] = new Array(RANKS);
    this.eachNewestFirst(matches, (entry) => {
      const rank = rankOf(entry, words);
      const queue = (queues[rank] ??= []);
      if (queue.length < end) queue.push(entry);
      return rank === 0 && queue.length >= end;
    });
    const ids: string[] = [];
    let at = 0;
    for (let r = 0; r < RANKS && at < end; r++) {
      for (const e of queues[r] ?? []) {
        if (at >= start && at < end) ids.push(e.id);
        if (++at >= end) break;
      }
    }
    return { ids, total };
  }

  /**
   * Ranks every match and sorts them: rank, then most recently seen. Each match is one number (rank,
   * its place in the updatedAt order reversed, its slot) so the engine sorts plain numbers.
   */
  private sortedPage(matches: Int32Array, words: string[], start: number, end: number): string[] {
    const m = matches.length;
    const keys = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const slot = matches[i] as number;
      const newest = ORD_SPAN - 1 - (this.seenOrd[slot] as number);
      keys[i] = (rankOf(this.bySlot[slot] as Held, words) * ORD_SPAN + newest) * ORD_SPAN + slot;
    }
    keys.sort();
    const ids: string[] = [];
    for (let i = start; i < end; i++) ids.push((this.bySlot[(keys[i] as number) % ORD_SPAN] as Held).id);
    return ids;
  }

  /**
   * A one-word search's page off the prefix lists of its first PREFIX_MAX characters: tiers 0 to 2
   * in order, newest first, then the matches holding the word only inside a word. A short word's
   * lists are exactly its tiers; a longer word's tier t is among the lists of tiers 0 to t of its
   * prefix (where the word starts, its prefix does), merged newest first and checked with tierOf.
   * Only as many as the page needs are looked at, however many match.
   */
  private rankedByPrefix(word: string, matches: MatchSet, keep: Keep, start: number, end: number): string[] {
    const ids: string[] = [];
    let at = 0;
    const lists = (this.prefixes.get(word.slice(0, PREFIX_MAX)) ?? []).map((l) => l.array);
    const short = word.length <= PREFIX_MAX;
    for (let t = 0; t < lists.length && at < end; t++) {
      const from = short ? lists.slice(t, t + 1) : lists.slice(0, t + 1);
      const next = from.map((l) => l.length - 1);
      while (at < end) {
        // The newest of the lists' next entries (their places in the updatedAt order are numbers).
        let pick = -1;
        for (let l = 0; l < from.length; l++) {
          let i = next[l] as number;
          while (i >= 0 && (from[l] as Int32Array)[i] === HOLE) i--;
          next[l] = i;
          if (i < 0) continue;
          const best = pick < 0 ? -Infinity : (this.seenOrd[(from[pick] as Int32Array)[next[pick] as number] as number] as number);
          if ((this.seenOrd[(from[l] as Int32Array)[i] as number] as number) > best) pick = l;
        }
        if (pick < 0) break;
        const e = this.entryOf((from[pick] as Int32Array)[next[pick] as number] as number);
        next[pick] = (next[pick] as number) - 1;
        if ((keep && !keep(e)) || (!short && tierOf(e, word) !== t)) continue;
        if (at >= start) ids.push(e.id);
        at++;
      }
    }
    if (at >= end) return ids;
    this.eachNewestFirst(matches, (e) => {
      if (tierOf(e, word) < TIERS - 1) return false; // in a prefix list, counted above
      if (at >= start) ids.push(e.id);
      return ++at >= end;
    });
    return ids;
  }

  private prefixSize(word: string): number {
    let n = 0;
    for (const list of this.prefixes.get(word.slice(0, PREFIX_MAX)) ?? []) n += list.size;
    return n;
  }

  /**
   * Visits the matches most recently seen first until `visit` says stop. Few of them (against the
   * store) are sorted by their place in the updatedAt order, packed with their slot into numbers the
   * engine sorts; many are found walking that order with their slots marked. Either way no entry but
   * a match is read: at 1,000,000 customers, a walk reading each entry costs ~100 ms.
   */
  private eachNewestFirst(found: MatchSet, visit: (e: Held) => boolean): void {
    if (found.count * WALK_PAST <= this.entries.size && this.bySlot.length <= ORD_SPAN) {
      const matches = found.slots();
      const keys = new Float64Array(matches.length);
      for (let i = 0; i < matches.length; i++) {
        const slot = matches[i] as number;
        keys[i] = (ORD_SPAN - 1 - (this.seenOrd[slot] as number)) * ORD_SPAN + slot;
      }
      keys.sort();
      for (let i = 0; i < keys.length; i++) if (visit(this.bySlot[(keys[i] as number) % ORD_SPAN] as Held)) return;
      return;
    }
    const items = this.orders.updatedAt.array;
    // Everyone matches ("6" in every phone): nothing to mark. A dense list's bits are its marks.
    const all = found.count === this.entries.size;
    const bits = found.bits;
    const matches = all || bits ? NONE : found.slots();
    this.mark(matches, 1);
    for (let i = items.length - 1; i >= 0; i--) {
      const s = items[i] as number;
      const matched = all || (bits ? ((bits[s >>> 5] ?? 0) & (1 << (s & 31))) !== 0 : this.marks[s] !== 0);
      if (matched && visit(this.entryOf(s))) break;
    }
    this.mark(matches, 0);
  }

  /** A search's matches that `keep` keeps: straight off the gram list when it holds exactly them. */
  private matchSet(words: string[], keep: Keep): MatchSet {
    const exact = keep ? null : this.grams.exactMatches(words);
    if (exact) return exact;
    const slots = this.matches(words, keep);
    return { count: slots.length, bits: null, slots: () => slots };
  }

  /** The slots of the customers whose text holds every word and that `keep` keeps. */
  private matches(words: string[], keep: Keep): Int32Array {
    const found = this.grams.candidates(words);
    if (!found) return NONE;
    const { slots, exact } = found;
    if (exact && !keep) return slots;
    const out = new Int32Array(slots.length);
    let count = 0;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] as number;
      if ((exact || containsAll(this.texts[slot] as string, words)) && (!keep || keep(this.bySlot[slot] as Held))) out[count++] = slot;
    }
    return out.subarray(0, count);
  }

  private filterAll(keep: (e: IndexEntry) => boolean): Int32Array {
    const out = new Int32Array(this.entries.size);
    let count = 0;
    for (let slot = 0; slot < this.bySlot.length; slot++) {
      const e = this.bySlot[slot];
      if (e && keep(e)) out[count++] = slot;
    }
    return out.subarray(0, count);
  }

  private mark(slots: Int32Array, value: 0 | 1): void {
    if (this.marks.length < this.bySlot.length) this.marks = new Uint8Array(Math.max(1024, this.bySlot.length * 2));
    for (let i = 0; i < slots.length; i++) this.marks[slots[i] as number] = value;
  }

  /** Takes an entry into the index (its own copy unless adopted, in the old one's slot or a free one); its grams are the caller's. */
  private hold(entry: IndexEntry, old: Held | undefined, adopt: boolean): Held {
    const slot = old?.slot ?? this.freeSlots.pop() ?? this.bySlot.length;
    const held: Held = adopt ? entry : { ...entry };
    held.slot = slot;
    this.entries.set(held.id, held);
    this.bySlot[slot] = held;
    this.texts[slot] = held.text;
    if (this.seenOrd.length <= slot) {
      const bigger = new Float64Array(Math.max(1024, (slot + 1) * 2));
      bigger.set(this.seenOrd);
      this.seenOrd = bigger;
    }
    return held;
  }

  /** The prefix lists after a change: each list the entry stays in has it replaced, the others lose or gain it. */
  private relistPrefixes(old: Held | undefined, held: Held): void {
    const before = old ? prefixTiersOf(old) : new Map<string, 0 | 1 | 2>();
    for (const [prefix, tier] of prefixTiersOf(held)) {
      const lists = this.listsOf(prefix);
      if (old && before.get(prefix) === tier) {
        lists[tier].replace(old, held);
        before.delete(prefix);
      } else lists[tier].insert(held);
    }
    if (old) for (const [prefix, tier] of before) this.listsOf(prefix)[tier].remove(old);
  }

  /** Takes an entry out of the sort orders and prefix lists (its grams change with its replacement). */
  private unlist(old: Held): void {
    for (const k of sortKeys) this.orders[k].remove(old);
    for (const [prefix, tier] of prefixTiersOf(old)) this.listsOf(prefix)[tier].remove(old);
  }

  private listsOf(prefix: string): [SlotList<Held>, SlotList<Held>, SlotList<Held>] {
    let lists = this.prefixes.get(prefix);
    if (!lists) {
      const list = () => new SlotList(comparators.updatedAt, this.entryOf, undefined, true);
      lists = [list(), list(), list()];
      this.prefixes.set(prefix, lists);
    }
    return lists;
  }

  private removeMany(ids: readonly string[]): void {
    const gone: number[] = [];
    for (const id of ids) {
      const old = this.entries.get(id);
      if (!old) continue;
      gone.push(old.slot);
      this.grams.remove(old.slot, old.text);
      this.entries.delete(id);
      this.bySlot[old.slot] = undefined;
      this.texts[old.slot] = '';
      this.freeSlots.push(old.slot);
    }
    if (gone.length === 0) return;
    // A list most of the store had is a bitset of every slot: back to a sorted list if few are left.
    runNow(this.grams.trimSteps(this.bySlot.length));
    this.reorder(Int32Array.from(gone), []);
  }

  /** Every order without the `dropped` slots and with the `fresh` entries merged in; the prefix lists made again. */
  private reorder(dropped: Int32Array, fresh: readonly Held[]): void {
    this.mark(dropped, 1);
    for (const k of sortKeys) {
      const kept = this.orders[k].array.filter((slot) => this.marks[slot] === 0);
      const slots = fresh.length > 0 ? mergeSlots(kept, [...fresh].sort(comparators[k]), comparators[k], this.entryOf) : kept;
      this.orders[k] = new SlotList(comparators[k], this.entryOf, slots);
    }
    this.mark(dropped, 0);
    this.renumberSeen();
    this.prefixes = runNow(buildPrefixLists(this.orders.updatedAt.array, this.entryOf));
  }

  /** Many changes at once (an import, a first sync): merged into each order in one pass, not one by one. */
  private upsertMany(changed: readonly IndexEntry[], adopt: boolean): void {
    const latest = new Map(changed.map((e) => [e.id, e]));
    const replaced: number[] = [];
    const fresh: Held[] = [];
    const oldTexts: (string | null)[] = [];
    for (const entry of latest.values()) {
      const old = this.entries.get(entry.id);
      if (old) replaced.push(old.slot);
      fresh.push(this.hold(entry, old, adopt));
      oldTexts.push(old?.text ?? null);
    }
    this.regram(fresh, oldTexts);
    // A replaced entry's slot is its replacement's: dropped with its old keys, merged back with the new.
    this.reorder(Int32Array.from(replaced), fresh);
  }

  /**
   * The gram lists after many changes: rebuilt at their exact sizes when the changes are a good
   * part of the store (an import: growing each list by doubling left up to as much again in
   * slack), else changed in place and trimmed.
   */
  private regram(fresh: readonly Held[], oldTexts: readonly (string | null)[]): void {
    if (fresh.length * 4 >= this.entries.size) {
      this.grams = new GramPostings();
      runNow(this.grams.buildSteps(this.texts));
      return;
    }
    for (let i = 0; i < fresh.length; i++) this.grams.replace((fresh[i] as Held).slot, oldTexts[i] as string | null, (fresh[i] as Held).text);
    runNow(this.grams.trimSteps(this.bySlot.length));
  }

  /** Everything from scratch: slots, the sorted orders, the prefix lists and the gram lists. */
  private *loadSteps(entries: readonly IndexEntry[], adopt = false): Generator<void> {
    this.entries.clear();
    // Made at their size: grown by pushing, each copy of up to 1,000,000 places held the loop 30–70 ms.
    this.bySlot = new Array<Held | undefined>(entries.length);
    this.texts = new Array<string>(entries.length);
    this.freeSlots = [];
    this.grams = new GramPostings();
    let slots = 0;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as IndexEntry;
      const old = this.entries.get(entry.id);
      const slot = old?.slot ?? slots++;
      const held: Held = adopt ? entry : { ...entry };
      held.slot = slot;
      this.entries.set(held.id, held);
      this.bySlot[slot] = held;
      this.texts[slot] = held.text;
      if (i % 256 === 255) yield;
    }
    // A repeated id kept its first slot: the places left over at the end go.
    this.bySlot.length = slots;
    this.texts.length = slots;
    // Every slot is held after a load from scratch (a repeated id keeps its first slot); sortSteps copies it.
    const all = this.bySlot as Held[];
    const orders: Partial<Record<SortBy, SlotList<Held>>> = {};
    for (const k of sortKeys) {
      // The status order is the creation order with the active first (its comparator's ties): a pass, not a fourth sort.
      const byCreation = k === 'status' ? orders.createdAt?.array : undefined;
      const slots = byCreation ? yield* activeFirstSteps(byCreation, this.entryOf) : yield* slotsOfSteps(yield* sortSteps(all, comparators[k]));
      orders[k] = new SlotList(comparators[k], this.entryOf, slots);
    }
    this.orders = orders as Record<SortBy, SlotList<Held>>;
    this.seenOrd = new Float64Array(Math.max(1024, this.bySlot.length));
    yield* this.renumberSeenSteps();
    this.prefixes = yield* buildPrefixLists(this.orders.updatedAt.array, this.entryOf);
    yield* this.grams.buildSteps(this.texts);
  }

  private renumberSeen(): void {
    runNow(this.renumberSeenSteps());
  }

  private *renumberSeenSteps(): Generator<void> {
    const items = this.orders.updatedAt.array;
    for (let i = 0; i < items.length; i++) {
      this.seenOrd[items[i] as number] = i;
      if (i % 65536 === 65535) yield;
    }
  }

  /**
   * Numbers the entry just inserted at `at` in the updatedAt order. A save makes its customer the
   * most recently seen: one more than the last. Anywhere else (a sync's older change) the order is
   * numbered again, a pass over the list.
   */
  private placeSeen(at: number): void {
    const items = this.orders.updatedAt.array;
    const slot = items[at] as number;
    const before = at > 0 ? (this.seenOrd[items[at - 1] as number] as number) : -1;
    if (at === items.length - 1 && before + 1 < ORD_SPAN) this.seenOrd[slot] = before + 1;
    else this.renumberSeen();
  }
}

/*
 * Ranking: for each word, where it matches best — 0 the start of a word of the last name, 1 of the
 * first name, 2 of another word (email, phone), 3 inside a word. A customer ranks by its worst word
 * (every word must match at least that well), then by the sum, so "ben" puts Benali and Bennani
 * before Abensour, and "ben mo" puts Benali Mohamed before Abensour Mohamed.
 */
const TIERS = 4;
const SUM_CAP = 63;
const RANKS = TIERS * (SUM_CAP + 1);

export function rankOf(e: IndexEntry, words: readonly string[]): number {
  let worst = 0;
  let sum = 0;
  for (let i = 0; i < words.length; i++) {
    const t = tierOf(e, words[i] as string);
    if (t > worst) worst = t;
    sum += t;
  }
  return worst * (SUM_CAP + 1) + Math.min(sum, SUM_CAP);
}

function tierOf(e: IndexEntry, word: string): number {
  const { text, wordStarts } = e;
  const nameEnd = e.nameEnd;
  let best = TIERS - 1;
  // Word starts come in order: the first name's, the last name's, then the email's and phone's.
  for (let i = 0; i < wordStarts.length; i++) {
    const p = wordStarts.charCodeAt(i);
    if (!text.startsWith(word, p)) continue;
    if (p >= nameEnd) return Math.min(best, 2);
    if (p >= e.lastStart) return 0;
    best = 1;
  }
  return best;
}

/** Which of a customer's word starts a position is in: 0 the last name, 1 the first name, 2 email or phone. */
function zoneOf(e: IndexEntry, p: number): 0 | 1 | 2 {
  return p >= e.nameEnd ? 2 : p >= e.lastStart ? 0 : 1;
}

/** Each prefix (1 to PREFIX_MAX characters) starting one of the customer's words, with its best tier. */
function prefixTiersOf(e: IndexEntry): Map<string, 0 | 1 | 2> {
  const out = new Map<string, 0 | 1 | 2>();
  forEachWordPrefix(e, (prefix, zone) => {
    const was = out.get(prefix);
    if (was === undefined || zone < was) out.set(prefix, zone);
  });
  return out;
}

/** Visits each prefix (1 to PREFIX_MAX characters) starting one of the customer's words, in word order, with its word's zone. */
function forEachWordPrefix(e: IndexEntry, visit: (prefix: string, zone: 0 | 1 | 2) => void): void {
  for (let i = 0; i < e.wordStarts.length; i++) {
    const p = e.wordStarts.charCodeAt(i);
    const zone = zoneOf(e, p);
    for (let k = 1; k <= PREFIX_MAX && p + k <= e.text.length; k++) visit(e.text.slice(p, p + k), zone);
  }
}

/** A stable partition of slots: the active entries', then the others', each in the order given (a pause every so many). */
function* activeFirstSteps(slots: Int32Array, entryOf: (slot: number) => Held): Generator<void, Int32Array> {
  const out = new Int32Array(slots.length);
  let n = 0;
  for (const active of [true, false]) {
    for (let i = 0; i < slots.length; i++) {
      if (entryOf(slots[i] as number).active === active) out[n++] = slots[i] as number;
      if (i % 65536 === 65535) yield;
    }
  }
  return out;
}

/**
 * The prefix lists, from the entries in most-recently-seen order: filling in that order keeps each
 * list sorted. An entry goes once per prefix, into its best tier, placed once the next entry with
 * that prefix comes (or at the end). Two passes: the first counts each list, the second fills arrays
 * made at their size. Grown by push, the lists nearly every customer joins ("e", "co", a phone's
 * "212") were copied all at once, and at 1,000,000 customers that held the event loop up to ~450 ms
 * at a time (issue 14).
 */
function* buildPrefixLists(bySeen: Int32Array, entryOf: (slot: number) => Held): Generator<void, PrefixLists> {
  const building = new Map<string, PrefixTally>();
  for (const filling of [false, true]) {
    let e: Held;
    const tally = (prefix: string, zone: 0 | 1 | 2) => {
      let b = building.get(prefix);
      if (!b) building.set(prefix, (b = { counts: [0, 0, 0], tiers: [NONE, NONE, NONE], last: null, lastTier: 0 }));
      if (b.last !== e) {
        placeLast(b, filling);
        b.last = e;
        b.lastTier = zone;
      } else if (zone < b.lastTier) b.lastTier = zone;
    };
    for (let n = 0; n < bySeen.length; n++) {
      e = entryOf(bySeen[n] as number);
      forEachWordPrefix(e, tally);
      if (n % 128 === 127) yield;
    }
    let made = 0;
    for (const b of building.values()) {
      placeLast(b, filling);
      b.last = null;
      // Counted: each list is made at its size, and the counts say how far it is filled. Making
      // arrays of 1,000,000 takes milliseconds (their fresh pages): a pause every few hundred thousand.
      if (!filling) {
        b.tiers = [new Int32Array(b.counts[0]), new Int32Array(b.counts[1]), new Int32Array(b.counts[2])];
        made += 64 + b.counts[0] + b.counts[1] + b.counts[2];
        b.counts = [0, 0, 0];
      }
      if (++made >= 262_144) {
        made = 0;
        yield;
      }
    }
  }
  const prefixes: PrefixLists = new Map();
  const wrap = (slots: Int32Array) => new SlotList(comparators.updatedAt, entryOf, slots, true);
  let n = 0;
  for (const [prefix, { tiers }] of building) {
    prefixes.set(prefix, [wrap(tiers[0]), wrap(tiers[1]), wrap(tiers[2])]);
    if (++n % 1024 === 0) yield;
  }
  return prefixes;
}

/** One prefix's three lists while they are built: counted, then filled; `last` waits to be placed in its best tier. */
interface PrefixTally {
  counts: [number, number, number];
  tiers: [Int32Array, Int32Array, Int32Array];
  last: Held | null;
  lastTier: 0 | 1 | 2;
}

function placeLast(b: PrefixTally, filling: boolean): void {
  if (!b.last) return;
  if (filling) b.tiers[b.lastTier][b.counts[b.lastTier]] = b.last.slot;
  b.counts[b.lastTier]++;
}

/** Where each word of a search text starts (after anything but a letter or digit), for tierOf. */
export function wordStartsOf(text: string): string {
  const starts: number[] = [];
  for (let p = 0; p < text.length; p++) {
    if (isWordChar(text.charCodeAt(p)) && (p === 0 || !isWordChar(text.charCodeAt(p - 1)))) starts.push(p);
  }
  return String.fromCharCode(...starts);
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
function isWordChar(code: number): boolean {
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
  return LETTER_OR_DIGIT.test(String.fromCharCode(code));
}

export function nameWordsOf(q: Query): string[] {
  return q.name ? foldText(q.name).split(/\s+/).filter(Boolean) : [];
}

/** A query's filters as one test, or null when it has none (every match is kept as it is). */
export type Keep = ((e: IndexEntry) => boolean) | null;

export function keeper(active: boolean | undefined, nameWords: string[]): Keep {
  if (active === undefined && nameWords.length === 0) return null;
  return (e) => (active === undefined || e.active === active) && (nameWords.length === 0 || nameHoldsAll(e, nameWords));
}

/** Whether the name (`text` up to `nameEnd`) holds every word: a word's first place in `text` is the one to check. */
function nameHoldsAll(e: IndexEntry, words: string[]): boolean {
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    const at = e.text.indexOf(w);
    if (at < 0 || at + w.length > e.nameEnd) return false;
  }
  return true;
}

function containsAll(text: string, words: string[]): boolean {
  for (let i = 0; i < words.length; i++) if (!text.includes(words[i] as string)) return false;
  return true;
}
