import type { CustomerListQuery } from '../../shared/customers/schema';
import { foldText, searchTokens } from './fold';
import { GramPostings, type MatchSet, intersect } from './gram-postings';
import { IdMap } from './id-map';
import { type Filter, IndexColumns, type IndexEntry, RANKS, type SortBy, TIERS } from './index-columns';
import { LetterRuns, isLetterWord } from './letter-runs';
import { runInSlices, runNow } from './slices';
import { HOLE, SlotList, mergeSlots, sortSlotsSteps } from './slot-list';

/**
 * The customer list, kept in memory for search as you type. Substring search of one or two letters
 * cannot use SQLite's indexes (FTS5 trigrams start at three), and a scan of 100,000 rows takes
 * ~30 ms; so every 1-, 2- and 3-character piece of each customer's folded text has its list of
 * customers (gram-postings.ts) and a search reads the shortest list that holds its matches; a word of
 * four letters or more is answered by the runs of letters that hold it (letter-runs.ts). One list
 * per sort order is kept sorted, so no query sorts more than a few thousand matches. SQLite stays the
 * source of truth: the index is built from it at start (in slices: build()) and updated by the
 * customer service after each commit, change by change; only ids leave it. Customers are held by
 * slot, in columns (index-columns.ts).
 */
export type Query = Pick<CustomerListQuery, 'search' | 'name' | 'isActive' | 'sortBy' | 'sortOrder' | 'page' | 'limit'>;

const sortKeys: SortBy[] = ['createdAt', 'updatedAt', 'name', 'status'];

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
type PrefixLists = Map<string, [SlotList, SlotList, SlotList]>;

/** Lists of customers by their text: the gram lists and the runs of letters (a slot and its text in, out, changed). */
interface TextLists {
  add(slot: number, text: string): void;
  remove(slot: number, text: string): void;
  replace(slot: number, old: string | null, text: string): void;
  buildSteps(textOf: (slot: number) => string, count: number): Generator<void>;
  trimSteps(slotCount: number): Generator<void>;
}

export interface IndexPage {
  ids: string[];
  total: number;
}

const NONE = new Int32Array(0);
// Places in the updatedAt order and slots stay below this (4,194,304), so that a rank (< 256), a place
// and a slot pack exactly into one double (2^52) for sortedPage().
const ORD_SPAN = 2 ** 22;

export class CustomerSearchIndex {
  private readonly slotOf = new IdMap<number>();
  private cols = new IndexColumns();
  private freeSlots: number[] = [];
  /** Each sort order, ascending, as slots. */
  private orders!: Record<SortBy, SlotList>;
  /** Each slot's place in the updatedAt order as a whole number (gaps allowed), so matches sort without comparing strings. */
  private seenOrd = new Float64Array(0);
  /** Built with the sort orders, then kept up to date change by change. */
  private prefixes!: PrefixLists;
  private grams = new GramPostings();
  private runs = new LetterRuns();
  /** One byte per slot, set for a query's matches while it walks a sort order, cleared after. */
  private marks = new Uint8Array(0);

  /** The lists kept by each customer's text, changed together with it. */
  private get textLists(): readonly TextLists[] {
    return [this.grams, this.runs];
  }

  private freshTextLists(): readonly TextLists[] {
    this.grams = new GramPostings();
    this.runs = new LetterRuns();
    return this.textLists;
  }

  /** `sortMax`: up to how many matches are sorted outright rather than walked (tests set it to reach both ways). */
  constructor(entries: readonly IndexEntry[] = [], private readonly sortMax = SORT_MAX) {
    runNow(this.loadSteps(IndexColumns.of(entries)));
  }

  /**
   * Builds the index a slice at a time, giving the event loop back between slices (opening a
   * store). The columns become the index's own: the caller filled them for it and lets them go.
   * `stop` ends the build between slices (the app closing).
   */
  static async build(columns: IndexColumns, sliceMs?: number, stop?: AbortSignal): Promise<CustomerSearchIndex> {
    const index = new CustomerSearchIndex();
    await runInSlices(index.loadSteps(columns), sliceMs, stop);
    return index;
  }

  get size(): number {
    return this.slotOf.size;
  }

  /** Adds or replaces customers. */
  upsert(changed: readonly IndexEntry[]): void {
    if (changed.length >= BULK) return this.upsertMany(changed);
    for (const entry of changed) {
      const old = this.slotOf.get(entry.id);
      if (old === undefined) this.add(entry);
      else this.change(old, entry);
    }
  }

  remove(ids: readonly string[]): void {
    // Many at once (an import undone): each order filtered in one pass, not a splice per list per customer.
    if (ids.length >= BULK) return this.removeMany(ids);
    for (const id of ids) {
      const slot = this.slotOf.get(id);
      if (slot === undefined) continue;
      for (const k of sortKeys) this.orders[k].remove(slot);
      for (const [prefix, tier] of this.prefixTiersOf(slot)) this.listsOf(prefix)[tier].remove(slot);
      for (const lists of this.textLists) lists.remove(slot, this.cols.text(slot));
      this.free(slot);
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
    const filter = filterOf(q);
    if (words.length === 0 && !filter) {
      const ids: string[] = [];
      for (let i = start; i < Math.min(start + q.limit, n); i++) ids.push(this.cols.id(items[asc ? i : n - 1 - i] as number));
      return { ids, total: n };
    }
    const matches = words.length > 0 ? this.matches(words, filter) : this.filterAll(filter);
    const ids: string[] = [];
    if (start >= matches.length) return { ids, total: matches.length };
    this.mark(matches, 1);
    let at = 0;
    for (let i = 0; i < n && at < start + q.limit; i++) {
      const slot = items[asc ? i : n - 1 - i] as number;
      if (this.marks[slot] === 0) continue;
      if (at >= start) ids.push(this.cols.id(slot));
      at++;
    }
    this.mark(matches, 0);
    return { ids, total: matches.length };
  }

  /**
   * A search's page in ranked order (IndexColumns.rank), ties most recently seen first. A few matches are
   * ranked and sorted outright. Many are walked in updatedAt order from the newest, each dealt to its
   * rank's queue; a queue keeps only as many as the page's end (more could not reach the page), and
   * the walk stops once the best rank alone fills the page: nothing older can come before those.
   */
  private ranked(q: Query, words: string[]): IndexPage {
    const filter = filterOf(q);
    const matches = this.matchSet(words, filter);
    const total = matches.count;
    const start = (q.page - 1) * q.limit;
    const end = Math.min(start + q.limit, total);
    if (start >= end) return { ids: [], total };
    const only = words[0] as string;
    // A long word whose prefix's lists dwarf its matches ("ahmed.b" among every Ahmed): ranking the
    // matches beats walking lists where few customers have the word itself.
    const dwarfed = words.length === 1 && only.length > PREFIX_MAX && this.sortMax > 0 && total * 4 <= this.prefixSize(only);
    if ((total <= this.sortMax || dwarfed) && this.cols.length <= ORD_SPAN) return { ids: this.sortedPage(matches.slots(), words, start, end), total };
    if (words.length === 1) return { ids: this.rankedByPrefix(only, matches, filter, start, end), total };
    const queues: (number[] | undefined)[] = new Array(RANKS);
    this.eachNewestFirst(matches, (slot) => {
      const rank = this.cols.rank(slot, words);
      const queue = (queues[rank] ??= []);
      if (queue.length < end) queue.push(slot);
      return rank === 0 && queue.length >= end;
    });
    const ids: string[] = [];
    let at = 0;
    for (let r = 0; r < RANKS && at < end; r++) {
      for (const slot of queues[r] ?? []) {
        if (at >= start && at < end) ids.push(this.cols.id(slot));
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
      keys[i] = (this.cols.rank(slot, words) * ORD_SPAN + newest) * ORD_SPAN + slot;
    }
    keys.sort();
    const ids: string[] = [];
    for (let i = start; i < end; i++) ids.push(this.cols.id((keys[i] as number) % ORD_SPAN));
    return ids;
  }

  /**
   * A one-word search's page off the prefix lists of its first PREFIX_MAX characters: tiers 0 to 2
   * in order, newest first, then the matches holding the word only inside a word. A short word's
   * lists are exactly its tiers; a longer word's tier t is among the lists of tiers 0 to t of its
   * prefix (where the word starts, its prefix does), merged newest first and checked with its tier.
   * Only as many as the page needs are looked at, however many match.
   */
  private rankedByPrefix(word: string, matches: MatchSet, filter: Filter, start: number, end: number): string[] {
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
        const slot = (from[pick] as Int32Array)[next[pick] as number] as number;
        next[pick] = (next[pick] as number) - 1;
        if (!this.cols.kept(slot, filter) || (!short && this.cols.tier(slot, word) !== t)) continue;
        if (at >= start) ids.push(this.cols.id(slot));
        at++;
      }
    }
    if (at >= end) return ids;
    this.eachNewestFirst(matches, (slot) => {
      if (this.cols.tier(slot, word) < TIERS - 1) return false; // in a prefix list, counted above
      if (at >= start) ids.push(this.cols.id(slot));
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
   * engine sorts; many are found walking that order with their slots marked. Either way no customer
   * but a match is read: at 1,000,000 customers, a walk reading each costs ~100 ms.
   */
  private eachNewestFirst(found: MatchSet, visit: (slot: number) => boolean): void {
    if (found.count * WALK_PAST <= this.size && this.cols.length <= ORD_SPAN) {
      const matches = found.slots();
      const keys = new Float64Array(matches.length);
      for (let i = 0; i < matches.length; i++) {
        const slot = matches[i] as number;
        keys[i] = (ORD_SPAN - 1 - (this.seenOrd[slot] as number)) * ORD_SPAN + slot;
      }
      keys.sort();
      for (let i = 0; i < keys.length; i++) if (visit((keys[i] as number) % ORD_SPAN)) return;
      return;
    }
    const items = this.orders.updatedAt.array;
    // Everyone matches ("6" in every phone): nothing to mark. A dense list's bits are its marks.
    const all = found.count === this.size;
    const bits = found.bits;
    const matches = all || bits ? NONE : found.slots();
    this.mark(matches, 1);
    for (let i = items.length - 1; i >= 0; i--) {
      const s = items[i] as number;
      const matched = all || (bits ? ((bits[s >>> 5] ?? 0) & (1 << (s & 31))) !== 0 : this.marks[s] !== 0);
      if (matched && visit(s)) break;
    }
    this.mark(matches, 0);
  }

  /** A search's matches that the filter keeps: straight off a list when it holds exactly them. */
  private matchSet(words: string[], filter: Filter): MatchSet {
    const only = words[0] as string;
    if (!filter && words.length === 1 && isLetterWord(only)) return this.runs.matchSet(only, this.cols.length);
    const exact = filter ? null : this.grams.exactMatches(words);
    if (exact) return exact;
    const slots = this.matches(words, filter);
    return { count: slots.length, bits: null, slots: () => slots };
  }

  /**
   * The slots of the customers whose text holds every word and that the filter keeps. Words of
   * letters come exactly from their runs; the others' candidates from the gram lists, then checked.
   */
  private matches(words: string[], filter: Filter): Int32Array {
    const checked: string[] = [];
    let slots: Int32Array | null = null;
    for (const w of words) {
      if (isLetterWord(w)) slots = narrowed(slots, this.runs.matchSet(w, this.cols.length).slots());
      else checked.push(w);
    }
    let exact = true;
    if (checked.length > 0) {
      const found = this.grams.candidates(checked);
      if (!found) return NONE;
      slots = narrowed(slots, found.slots);
      exact = found.exact;
    }
    const all = slots as Int32Array;
    if (exact && !filter) return all;
    const out = new Int32Array(all.length);
    let count = 0;
    for (let i = 0; i < all.length; i++) {
      const slot = all[i] as number;
      if ((exact || containsAll(this.cols.text(slot), checked)) && this.cols.kept(slot, filter)) out[count++] = slot;
    }
    return out.subarray(0, count);
  }

  private filterAll(filter: Filter): Int32Array {
    const out = new Int32Array(this.size);
    let count = 0;
    for (let slot = 0; slot < this.cols.length; slot++) if (this.cols.holds(slot) && this.cols.kept(slot, filter)) out[count++] = slot;
    return out.subarray(0, count);
  }

  private mark(slots: Int32Array, value: 0 | 1): void {
    if (this.marks.length < this.cols.length) this.marks = new Uint8Array(Math.max(1024, this.cols.length * 2));
    for (let i = 0; i < slots.length; i++) this.marks[slots[i] as number] = value;
  }

  /** A customer new to the index: a free slot or the next, then into every list. */
  private add(entry: IndexEntry): void {
    const slot = this.take(entry);
    for (const lists of this.textLists) lists.add(slot, entry.text);
    for (const k of sortKeys) {
      const at = this.orders[k].insert(slot);
      if (k === 'updatedAt') this.placeSeen(at);
    }
    for (const [prefix, tier] of this.prefixTiersOf(slot)) this.listsOf(prefix)[tier].insert(slot);
  }

  /**
   * A customer changed: where its slot is in each list is found by its old values, the values
   * replaced, and each list then settles it (left in place when it still sorts there, else moved).
   */
  private change(slot: number, entry: IndexEntry): void {
    const oldText = this.cols.text(slot);
    const places = sortKeys.map((k) => this.orders[k].find(slot));
    const before = new Map<string, { tier: 0 | 1 | 2; at: number }>();
    for (const [prefix, tier] of this.prefixTiersOf(slot)) before.set(prefix, { tier, at: this.listsOf(prefix)[tier].find(slot) });
    this.cols.set(slot, entry);
    for (const lists of this.textLists) lists.replace(slot, oldText, entry.text);
    sortKeys.forEach((k, i) => {
      const at = this.orders[k].settle(places[i] as number);
      if (k === 'updatedAt') this.placeSeen(at);
    });
    for (const [prefix, tier] of this.prefixTiersOf(slot)) {
      const lists = this.listsOf(prefix);
      const was = before.get(prefix);
      if (was?.tier === tier) {
        lists[tier].settle(was.at);
        before.delete(prefix);
      } else lists[tier].insert(slot);
    }
    for (const [prefix, { tier, at }] of before) this.listsOf(prefix)[tier].removeAt(at);
  }

  /** A slot for a customer new to the index (a free one or the next), its values set. */
  private take(entry: IndexEntry): number {
    const slot = this.freeSlots.pop() ?? this.cols.length;
    this.cols.set(slot, entry);
    this.slotOf.set(entry.id, slot);
    if (this.seenOrd.length <= slot) {
      const bigger = new Float64Array(Math.max(1024, (slot + 1) * 2));
      bigger.set(this.seenOrd);
      this.seenOrd = bigger;
    }
    return slot;
  }

  /** A slot no customer holds any more (its lists and grams already without it). */
  private free(slot: number): void {
    this.slotOf.delete(this.cols.id(slot));
    this.cols.clear(slot);
    this.freeSlots.push(slot);
  }

  /** Each prefix (1 to PREFIX_MAX characters) starting one of the customer's words, with its best tier. */
  private prefixTiersOf(slot: number): Map<string, 0 | 1 | 2> {
    const out = new Map<string, 0 | 1 | 2>();
    this.cols.forEachWordPrefix(slot, PREFIX_MAX, (prefix, zone) => {
      const was = out.get(prefix);
      if (was === undefined || zone < was) out.set(prefix, zone);
    });
    return out;
  }

  private listsOf(prefix: string): [SlotList, SlotList, SlotList] {
    let lists = this.prefixes.get(prefix);
    if (!lists) {
      const list = () => new SlotList(this.cols.compare.updatedAt, undefined, true);
      lists = [list(), list(), list()];
      this.prefixes.set(prefix, lists);
    }
    return lists;
  }

  private removeMany(ids: readonly string[]): void {
    const gone: number[] = [];
    for (const id of ids) {
      const slot = this.slotOf.get(id);
      if (slot === undefined) continue;
      gone.push(slot);
      for (const lists of this.textLists) lists.remove(slot, this.cols.text(slot));
      this.free(slot);
    }
    if (gone.length === 0) return;
    // A list most of the store had is a bitset of every slot: back to a sorted list if few are left.
    for (const lists of this.textLists) runNow(lists.trimSteps(this.cols.length));
    this.reorder(Int32Array.from(gone), NONE);
  }

  /** Every order without the `dropped` slots and with the `fresh` ones merged in; the prefix lists made again. */
  private reorder(dropped: Int32Array, fresh: Int32Array): void {
    this.mark(dropped, 1);
    for (const k of sortKeys) {
      const compare = this.cols.compare[k];
      const kept = this.orders[k].array.filter((slot) => this.marks[slot] === 0);
      const slots = fresh.length > 0 ? mergeSlots(kept, fresh.slice().sort(compare), compare) : kept;
      this.orders[k] = new SlotList(compare, slots);
    }
    this.mark(dropped, 0);
    this.renumberSeen();
    this.prefixes = runNow(this.prefixListsSteps());
  }

  /** Many changes at once (an import, a first sync): merged into each order in one pass, not one by one. */
  private upsertMany(changed: readonly IndexEntry[]): void {
    const latest = new Map(changed.map((e) => [e.id, e]));
    const replaced: number[] = [];
    const fresh: number[] = [];
    const oldTexts: (string | null)[] = [];
    for (const entry of latest.values()) {
      const old = this.slotOf.get(entry.id);
      if (old !== undefined) {
        replaced.push(old);
        oldTexts.push(this.cols.text(old));
        this.cols.set(old, entry);
        fresh.push(old);
      } else {
        oldTexts.push(null);
        fresh.push(this.take(entry));
      }
    }
    this.regram(fresh, oldTexts);
    // A replaced slot is dropped from each order by its mark (its values are already the new ones) and merged back.
    this.reorder(Int32Array.from(replaced), Int32Array.from(fresh));
  }

  /**
   * The gram lists after many changes: rebuilt at their exact sizes when the changes are a good
   * part of the store (an import: growing each list by doubling left up to as much again in
   * slack), else changed in place and trimmed.
   */
  private regram(fresh: readonly number[], oldTexts: readonly (string | null)[]): void {
    if (fresh.length * 4 >= this.size) {
      for (const lists of this.freshTextLists()) runNow(lists.buildSteps((slot) => this.cols.text(slot), this.cols.length));
      return;
    }
    for (let i = 0; i < fresh.length; i++) {
      const slot = fresh[i] as number;
      for (const lists of this.textLists) lists.replace(slot, oldTexts[i] as string | null, this.cols.text(slot));
    }
    for (const lists of this.textLists) runNow(lists.trimSteps(this.cols.length));
  }

  /** Everything from scratch, from columns filled for it: the sorted orders, the prefix lists and the gram lists. */
  private *loadSteps(cols: IndexColumns): Generator<void> {
    this.cols = cols;
    this.slotOf.clear();
    this.freeSlots = [];
    const textLists = this.freshTextLists();
    // A repeated id keeps its first slot, with the last values given for it; the slots after move down.
    let slots = 0;
    for (let i = 0; i < cols.length; i++) {
      const first = this.slotOf.get(cols.id(i));
      if (first !== undefined) cols.copy(i, first);
      else {
        if (i !== slots) cols.copy(i, slots);
        this.slotOf.set(cols.id(slots), slots++);
      }
      if (i % 1024 === 1023) yield;
    }
    cols.truncate(slots);
    const orders: Partial<Record<SortBy, SlotList>> = {};
    for (const k of sortKeys) {
      // The status order is the creation order with the active first (its comparator's ties): a pass, not a fourth sort.
      const byCreation = k === 'status' ? orders.createdAt?.array : undefined;
      const sorted = byCreation ? yield* this.activeFirstSteps(byCreation) : yield* sortSlotsSteps(slots, cols.compare[k]);
      orders[k] = new SlotList(cols.compare[k], sorted);
    }
    this.orders = orders as Record<SortBy, SlotList>;
    this.seenOrd = new Float64Array(Math.max(1024, slots));
    yield* this.renumberSeenSteps();
    this.prefixes = yield* this.prefixListsSteps();
    for (const lists of textLists) yield* lists.buildSteps((slot) => cols.text(slot), cols.length);
  }

  /** A stable partition of slots: the active ones, then the others, each in the order given (a pause every so many). */
  private *activeFirstSteps(slots: Int32Array): Generator<void, Int32Array> {
    const out = new Int32Array(slots.length);
    let n = 0;
    for (const active of [true, false]) {
      for (let i = 0; i < slots.length; i++) {
        if (this.cols.active(slots[i] as number) === active) out[n++] = slots[i] as number;
        if (i % 65536 === 65535) yield;
      }
    }
    return out;
  }

  /**
   * The prefix lists, from the slots in most-recently-seen order: filling in that order keeps each
   * list sorted. A slot goes once per prefix, into its best tier, placed once the next slot with
   * that prefix comes (or at the end). Two passes: the first counts each list, the second fills arrays
   * made at their size. Grown by push, the lists nearly every customer joins ("e", "co", a phone's
   * "212") were copied all at once, and at 1,000,000 customers that held the event loop up to ~450 ms
   * at a time (issue 14).
   */
  private *prefixListsSteps(): Generator<void, PrefixLists> {
    const bySeen = this.orders.updatedAt.array;
    const building = new Map<string, PrefixTally>();
    for (const filling of [false, true]) {
      let slot = -1;
      const tally = (prefix: string, zone: 0 | 1 | 2) => {
        let b = building.get(prefix);
        if (!b) building.set(prefix, (b = { counts: [0, 0, 0], tiers: [NONE, NONE, NONE], last: -1, lastTier: 0 }));
        if (b.last !== slot) {
          placeLast(b, filling);
          b.last = slot;
          b.lastTier = zone;
        } else if (zone < b.lastTier) b.lastTier = zone;
      };
      for (let n = 0; n < bySeen.length; n++) {
        slot = bySeen[n] as number;
        this.cols.forEachWordPrefix(slot, PREFIX_MAX, tally);
        if (n % 128 === 127) yield;
      }
      let made = 0;
      for (const b of building.values()) {
        placeLast(b, filling);
        b.last = -1;
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
    const wrap = (slots: Int32Array) => new SlotList(this.cols.compare.updatedAt, slots, true);
    let n = 0;
    for (const [prefix, { tiers }] of building) {
      prefixes.set(prefix, [wrap(tiers[0]), wrap(tiers[1]), wrap(tiers[2])]);
      if (++n % 1024 === 0) yield;
    }
    return prefixes;
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
   * Numbers the slot just put at `at` in the updatedAt order. A save makes its customer the
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

/** One prefix's three lists while they are built: counted, then filled; `last` (a slot) waits to be placed in its best tier. */
interface PrefixTally {
  counts: [number, number, number];
  tiers: [Int32Array, Int32Array, Int32Array];
  last: number;
  lastTier: 0 | 1 | 2;
}

function placeLast(b: PrefixTally, filling: boolean): void {
  if (b.last < 0) return;
  if (filling) b.tiers[b.lastTier][b.counts[b.lastTier]] = b.last;
  b.counts[b.lastTier]++;
}

function nameWordsOf(q: Pick<Query, 'name'>): string[] {
  return q.name ? foldText(q.name).split(/\s+/).filter(Boolean) : [];
}

/** A query's filters, or null when it has none (every match is kept as it is). */
export function filterOf(q: Pick<Query, 'isActive' | 'name'>): Filter {
  const nameWords = nameWordsOf(q);
  return q.isActive === undefined && nameWords.length === 0 ? null : { active: q.isActive, nameWords };
}

function narrowed(slots: Int32Array | null, by: Int32Array): Int32Array {
  return slots ? intersect(slots, by) : by;
}

function containsAll(text: string, words: string[]): boolean {
  for (let i = 0; i < words.length; i++) if (!text.includes(words[i] as string)) return false;
  return true;
}
