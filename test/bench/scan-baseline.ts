/*
 * The search index as it was before the n-gram postings (issue 14 item 2): one joined string per sort order,
 * scanned with indexOf per keystroke. Kept for the bench only, as the naive alternative measured in the
 * same run; the app uses src/main/customers/search-index.ts.
 */
import type { CustomerListQuery } from '../../src/shared/customers/schema';
import { foldText, searchTokens } from '../../src/main/customers/fold';
import { SortedList } from '../../src/main/customers/sorted-list';

/**
 * The customer list, kept in memory for search as you type. Substring search of one or two letters
 * cannot use an index (FTS5 trigrams start at three), and a SQLite scan of 100,000 rows takes ~30 ms;
 * scanning one contiguous string of all folded texts with indexOf takes a few. One list per sort
 * order is kept sorted, so no query sorts. SQLite stays the source of truth: the index is rebuilt from
 * it at start and updated by the customer service after each commit; only ids leave it.
 */
export interface IndexEntry {
  id: string;
  /** searchTextOf(): folded names, email and phone digits. */
  text: string;
  /** Folded "first last", for sorting and the `name` filter. */
  nameKey: string;
  /** Where the last name starts in `text` (after the folded first name and its space): ranking tells them apart. */
  lastStart: number;
  /** wordStartsOf(text): where each word of `text` starts, as char codes (compact; ranking reads them). */
  wordStarts: string;
  active: boolean;
  createdAt: string;
  /** The customer's last activity: its row's updated_at, or a later prescription version or document. */
  seenAt: string;
}

type SortBy = Exclude<NonNullable<CustomerListQuery['sortBy']>, 'relevance'>;
type Query = Pick<CustomerListQuery, 'search' | 'name' | 'isActive' | 'sortBy' | 'sortOrder' | 'page' | 'limit'>;

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const comparators: Record<SortBy, (a: IndexEntry, b: IndexEntry) => number> = {
  createdAt: (a, b) => byString(a.createdAt, b.createdAt) || byString(a.id, b.id),
  updatedAt: (a, b) => byString(a.seenAt, b.seenAt) || byString(a.id, b.id),
  name: (a, b) => byString(a.nameKey, b.nameKey) || byString(a.createdAt, b.createdAt) || byString(a.id, b.id),
  // Seed 001 spells the statuses "active" < "unactive": ascending puts active customers first.
  status: (a, b) => Number(!a.active) - Number(!b.active) || byString(a.createdAt, b.createdAt) || byString(a.id, b.id),
};
const sortKeys = Object.keys(comparators) as SortBy[];

// Separates texts in the joined string; searchTokens() never lets it into a word.
const SEP = '\u0000';
// Past this many changes at once, re-sorting everything beats inserting one by one.
const BULK = 1000;
// Words up to this long are ranked from the prefix lists (the short ones, which match the most).
const PREFIX_MAX = 3;

/**
 * For each folded prefix (1 to PREFIX_MAX characters) at the start of some customer's word, the
 * customers it starts a word of, split by tier (0 last name, 1 first name, 2 email or phone) and kept
 * most recently seen last: the first page of a short search is read off them without ranking.
 */
type PrefixLists = Map<string, [SortedList<IndexEntry>, SortedList<IndexEntry>, SortedList<IndexEntry>]>;

/** A sort order and, built lazily after changes, its texts joined into one string for the scan. */
interface Order {
  list: SortedList<IndexEntry>;
  joined: { text: string; starts: Int32Array } | null;
}

export interface IndexPage {
  ids: string[];
  total: number;
}

export class ScanIndex {
  private readonly entries = new Map<string, IndexEntry>();
  private orders!: Record<SortBy, Order>;
  /** Built with the sort orders, then kept up to date change by change. */
  private prefixes!: PrefixLists;

  constructor(entries: IndexEntry[] = []) {
    for (const e of entries) this.entries.set(e.id, e);
    this.resort();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Adds or replaces customers. Entries are replaced, never mutated, so old sort keys stay findable. */
  upsert(changed: IndexEntry[]): void {
    if (changed.length >= BULK) {
      for (const e of changed) this.entries.set(e.id, e);
      this.resort();
      return;
    }
    for (const entry of changed) {
      this.remove([entry.id]);
      this.entries.set(entry.id, entry);
      for (const k of sortKeys) this.orders[k].list.insert(entry);
      for (const [prefix, tier] of prefixTiersOf(entry)) listsOf(this.prefixes, prefix)[tier].insert(entry);
    }
    this.invalidate();
  }

  remove(ids: string[]): void {
    for (const id of ids) {
      const old = this.entries.get(id);
      if (!old) continue;
      this.entries.delete(id);
      for (const k of sortKeys) this.orders[k].list.remove(old);
      for (const [prefix, tier] of prefixTiersOf(old)) listsOf(this.prefixes, prefix)[tier].remove(old);
    }
    this.invalidate();
  }

  query(q: Query): IndexPage {
    const words = q.search ? searchTokens(q.search) : [];
    const sortBy = q.sortBy ?? (words.length > 0 ? 'relevance' : 'createdAt');
    // Ranked with nothing to rank by, every customer ties: most recently seen first.
    if (sortBy === 'relevance') return words.length > 0 ? this.ranked(q, words) : this.query({ ...q, sortBy: 'updatedAt', sortOrder: 'desc' });
    const order = this.orders[sortBy];
    const items = order.list.array;
    const n = items.length;
    const start = (q.page - 1) * q.limit;
    const end = Math.min(start + q.limit, n);
    const asc = q.sortOrder === 'asc';
    const nameWords = nameWordsOf(q);
    const active = q.isActive;

    if (words.length === 0 && nameWords.length === 0 && active === undefined) {
      const ids: string[] = [];
      for (let i = start; i < end; i++) ids.push((items[asc ? i : n - 1 - i] as IndexEntry).id);
      return { ids, total: n };
    }

    const keep = keeper(active, nameWords);
    const matches = words.length > 0 ? this.scan(order, words, keep) : filterAll(items, keep);
    const total = matches.length;
    const ids: string[] = [];
    for (let i = start; i < Math.min(start + q.limit, total); i++) {
      ids.push((items[matches[asc ? i : total - 1 - i] as number] as IndexEntry).id);
    }
    return { ids, total };
  }

  /**
   * A search's page in ranked order (rankOf), ties most recently seen first. The matches are scanned
   * in updatedAt order and walked from the newest, each dealt to its rank's queue; no sort. A queue
   * keeps only as many as the page's end (more could not reach the page), and the walk stops once
   * the best rank alone fills the page: nothing older can come before those. So a one-letter search
   * over 100,000 customers ranks the few hundred it needs, and at worst one rank per match.
   */
  private ranked(q: Query, words: string[]): IndexPage {
    const order = this.orders.updatedAt;
    const items = order.list.array;
    const matches = this.scan(order, words, keeper(q.isActive, nameWordsOf(q)));
    const total = matches.length;
    const start = (q.page - 1) * q.limit;
    const end = Math.min(start + q.limit, total);
    if (start >= end) return { ids: [], total };
    const only = words[0] as string;
    if (words.length === 1 && only.length <= PREFIX_MAX) return { ids: this.rankedByPrefix(only, matches, keeper(q.isActive, nameWordsOf(q)), start, end), total };
    const queues: (number[] | undefined)[] = new Array(RANKS);
    for (let i = total - 1; i >= 0; i--) {
      const entry = items[matches[i] as number] as IndexEntry;
      const rank = rankOf(entry, words);
      const queue = (queues[rank] ??= []);
      if (queue.length < end) queue.push(matches[i] as number);
      if (rank === 0 && queue.length >= end) break;
    }
    const ids: string[] = [];
    let at = 0;
    for (let r = 0; r < RANKS && at < end; r++) {
      for (const m of queues[r] ?? []) {
        if (at >= start && at < end) ids.push((items[m] as IndexEntry).id);
        if (++at >= end) break;
      }
    }
    return { ids, total };
  }

  /**
   * A one-word search's page, when the word is short: its prefix lists give tiers 0 to 2 in order,
   * then the matches holding it only inside a word follow, newest first. Only the page is looked at
   * (and, past the lists, at most their length of matches skipped), however many match.
   */
  private rankedByPrefix(word: string, matches: Int32Array, keep: (e: IndexEntry) => boolean, start: number, end: number): string[] {
    const ids: string[] = [];
    let at = 0;
    for (const list of this.prefixes.get(word) ?? []) {
      const tier = list.array;
      for (let i = tier.length - 1; i >= 0 && at < end; i--) {
        const e = tier[i] as IndexEntry;
        if (!keep(e)) continue;
        if (at >= start) ids.push(e.id);
        at++;
      }
    }
    const items = this.orders.updatedAt.list.array;
    for (let i = matches.length - 1; i >= 0 && at < end; i--) {
      const e = items[matches[i] as number] as IndexEntry;
      if (tierOf(e, word) < TIERS - 1) continue; // in a prefix list, counted above
      if (at >= start) ids.push(e.id);
      at++;
    }
    return ids;
  }

  /**
   * Positions (ascending) of the entries whose text holds every word. The longest word is looked for
   * with indexOf over the joined texts, which jumps straight from one candidate to the next.
   */
  private scan(order: Order, words: string[], keep: (e: IndexEntry) => boolean): Int32Array {
    const { text, starts } = (order.joined ??= join(order.list.array));
    const items = order.list.array;
    let longest = 0;
    for (let i = 1; i < words.length; i++) if ((words[i] as string).length > (words[longest] as string).length) longest = i;
    const needle = words[longest] as string;
    const others = words.filter((_, i) => i !== longest);
    const out = new Int32Array(items.length);
    let count = 0;
    let entry = 0;
    let p = text.indexOf(needle);
    while (p !== -1) {
      while ((starts[entry + 1] as number) <= p) entry++;
      const e = items[entry] as IndexEntry;
      if ((others.length === 0 || containsAll(e.text, others)) && keep(e)) out[count++] = entry;
      p = text.indexOf(needle, starts[entry + 1] as number);
    }
    return out.subarray(0, count);
  }

  private resort(): void {
    const all = [...this.entries.values()];
    this.orders = Object.fromEntries(sortKeys.map((k) => [k, { list: SortedList.from(all, comparators[k]), joined: null }])) as Record<
      SortBy,
      Order
    >;
    this.prefixes = buildPrefixLists(this.orders.updatedAt.list.array);
  }

  private invalidate(): void {
    for (const k of sortKeys) this.orders[k].joined = null;
  }
}

function join(items: readonly IndexEntry[]): { text: string; starts: Int32Array } {
  const starts = new Int32Array(items.length + 1);
  let at = 0;
  for (let i = 0; i < items.length; i++) {
    starts[i] = at;
    at += (items[i] as IndexEntry).text.length + SEP.length;
  }
  // A sentinel past the end, so the scan's position-to-entry walk needs no bounds check.
  starts[items.length] = 0x7fffffff;
  return { text: items.map((e) => e.text).join(SEP), starts };
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
  const nameEnd = e.nameKey.length;
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
function zoneOf(e: IndexEntry, p: number): number {
  return p >= e.nameKey.length ? 2 : p >= e.lastStart ? 0 : 1;
}

/** Each prefix (1 to PREFIX_MAX characters) starting one of the customer's words, with its best tier. */
function prefixTiersOf(e: IndexEntry): Map<string, 0 | 1 | 2> {
  const out = new Map<string, 0 | 1 | 2>();
  for (let i = 0; i < e.wordStarts.length; i++) {
    const p = e.wordStarts.charCodeAt(i);
    const zone = zoneOf(e, p) as 0 | 1 | 2;
    for (let k = 1; k <= PREFIX_MAX && p + k <= e.text.length; k++) {
      const prefix = e.text.slice(p, p + k);
      const was = out.get(prefix);
      if (was === undefined || zone < was) out.set(prefix, zone);
    }
  }
  return out;
}

function listsOf(prefixes: PrefixLists, prefix: string) {
  let lists = prefixes.get(prefix);
  if (!lists) {
    lists = [new SortedList(comparators.updatedAt), new SortedList(comparators.updatedAt), new SortedList(comparators.updatedAt)];
    prefixes.set(prefix, lists);
  }
  return lists;
}

/**
 * The prefix lists, from the entries in most-recently-seen order: appending keeps each list sorted.
 * An entry goes once per prefix, into its best tier; its word starts come first name (1), last name
 * (0), then email and phone (2), so a better tier found later takes it back from the list it just
 * joined, where it is still last.
 */
function buildPrefixLists(bySeen: readonly IndexEntry[]): PrefixLists {
  const building = new Map<string, { tiers: [IndexEntry[], IndexEntry[], IndexEntry[]]; last: IndexEntry | null; lastTier: number }>();
  for (const e of bySeen) {
    for (let i = 0; i < e.wordStarts.length; i++) {
      const p = e.wordStarts.charCodeAt(i);
      const zone = zoneOf(e, p);
      for (let k = 1; k <= PREFIX_MAX && p + k <= e.text.length; k++) {
        const prefix = e.text.slice(p, p + k);
        let b = building.get(prefix);
        if (!b) building.set(prefix, (b = { tiers: [[], [], []], last: null, lastTier: 0 }));
        if (b.last === e) {
          if (zone >= b.lastTier) continue;
          (b.tiers[b.lastTier] as IndexEntry[]).pop();
        }
        (b.tiers[zone] as IndexEntry[]).push(e);
        b.last = e;
        b.lastTier = zone;
      }
    }
  }
  const prefixes: PrefixLists = new Map();
  const wrap = (items: IndexEntry[]) => SortedList.ofSorted(items, comparators.updatedAt);
  for (const [prefix, { tiers }] of building) prefixes.set(prefix, [wrap(tiers[0]), wrap(tiers[1]), wrap(tiers[2])]);
  return prefixes;
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

function nameWordsOf(q: Query): string[] {
  return q.name ? foldText(q.name).split(/\s+/).filter(Boolean) : [];
}

function keeper(active: boolean | undefined, nameWords: string[]): (e: IndexEntry) => boolean {
  return (e) => (active === undefined || e.active === active) && (nameWords.length === 0 || containsAll(e.nameKey, nameWords));
}

function filterAll(items: readonly IndexEntry[], keep: (e: IndexEntry) => boolean): Int32Array {
  const out = new Int32Array(items.length);
  let count = 0;
  for (let i = 0; i < items.length; i++) if (keep(items[i] as IndexEntry)) out[count++] = i;
  return out.subarray(0, count);
}

function containsAll(text: string, words: string[]): boolean {
  for (let i = 0; i < words.length; i++) if (!text.includes(words[i] as string)) return false;
  return true;
}
