import { type CompiledQuery, type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../db/schema';
import { searchTokens } from './fold';
import { INDEX_COLUMNS, type IndexRow, indexEntry, seenAtColumn } from './records';
import { type Filter, IndexColumns, type IndexEntry, rankText } from './index-columns';
import { type IndexPage, type Query, filterOf } from './search-index';
import { nextTurnAhead } from '../turns';

/*
 * customers.list while the search index is still being built (opening a large store takes seconds
 * of CPU for it): the rows holding every word are read from the store a range of rows at a time, the
 * event loop given back every few milliseconds, and ordered exactly as the index orders them (the same
 * columns' ranks and comparisons), so the counter answers within a second of opening and the results do not reorder
 * once the index is ready. Only the page's candidates are kept, never every match. What the index's
 * load has already read is scanned in memory instead (LoadedSoFar, below).
 */

// Rows of the table read per statement, and how long the reads go on before the event loop's turn:
// a person waits for this answer, so it takes twice the background's slice (12 ms), the two still
// well under the 50 ms a turn may take (8 ms made a rare word's first search 2–4 times slower).
const ROWS_PER_READ = 2000;
const SLICE_MS = 24;
// Read off the event loop (a reader thread), a statement's length holds nothing: fewer, larger
// ranges save the round trips (2,000 a read answered the first search at 1,000,000 in 1.5–2.3 s).
const ROWS_PER_READ_ASIDE = 25_000;
// Slots of the load's columns scanned between two looks at the clock.
const SLOTS_PER_STEP = 4096;

/** A query's page, gathered from entries met in any order, a batch at a time. */
export class PageCollector {
  private readonly words: string[];
  private readonly filter: Filter;
  private readonly q: Query;
  private readonly start: number;
  private readonly end: number;
  /** The candidates so far, by slot: the index's own columns, so they sort exactly as it sorts. */
  private cols = new IndexColumns();
  private ranks: number[] = [];
  private total = 0;
  /**
   * Once the page is full (best matches first), its worst rank: a match ranked past it can never
   * come into the page, and is only counted. A search of one letter at 100,000 customers kept
   * and sorted its 36,000 matches (0.2 s a keystroke while the index loads); now ~the page.
   */
  private worst = Number.POSITIVE_INFINITY;

  /** `cutPast`: the candidates are sorted and cut back once twice this many (or the page) are kept. */
  constructor(
    q: Query,
    private readonly cutPast = ROWS_PER_READ,
  ) {
    this.q = q;
    this.words = q.search ? searchTokens(q.search) : [];
    this.filter = filterOf(q);
    this.start = (q.page - 1) * q.limit;
    this.end = this.start + q.limit;
  }

  /** The words a row must hold (the store's query narrows by them before anything is read). */
  get searchWords(): readonly string[] {
    return this.words;
  }

  add(entries: readonly IndexEntry[]): void {
    for (const entry of entries) {
      if (!this.holdsEvery(entry.text)) continue;
      const rank = this.words.length > 0 ? rankText(entry.text, entry.nameEnd, entry.lastStart, this.words) : 0;
      if (!this.onlyCounted(rank)) this.keep(this.cols.push(entry), rank);
    }
    this.cutIfDoubled();
  }

  /**
   * The customers in slots [from, to) of columns the index's load is filling, but for those in
   * `skip` (changed since it read them: the store's rows are added instead). Only a match that may
   * reach the page is copied, its columns' values as they are.
   */
  addSlots(source: IndexColumns, from: number, to: number, skip: ReadonlySet<string>): void {
    for (let slot = from; slot < to; slot++) {
      if (!source.holds(slot) || !this.holdsEvery(source.text(slot))) continue;
      if (skip.size > 0 && skip.has(source.id(slot))) continue;
      const rank = this.words.length > 0 ? source.rank(slot, this.words) : 0;
      if (!this.onlyCounted(rank)) this.keep(this.cols.pushFrom(source, slot), rank);
    }
    this.cutIfDoubled();
  }

  private holdsEvery(text: string): boolean {
    for (let i = 0; i < this.words.length; i++) if (!text.includes(this.words[i] as string)) return false;
    return true;
  }

  /** Without a filter every match counts: one ranked past the page's worst needs nothing more. */
  private onlyCounted(rank: number): boolean {
    if (rank <= this.worst || this.filter) return false;
    this.total++;
    return true;
  }

  /** A match just put in the candidates' columns at `slot`: counted, and kept unless filtered out or ranked past the page. */
  private keep(slot: number, rank: number): void {
    const kept = this.cols.kept(slot, this.filter);
    if (kept) this.total++;
    if (kept && rank <= this.worst) this.ranks[slot] = rank;
    else this.cols.truncate(slot);
  }

  /** Sorted and cut back to the page's end once it has doubled: what falls past it can never come back. */
  private cutIfDoubled(): void {
    if (this.cols.length >= 2 * Math.max(this.end, this.cutPast)) this.cut();
  }

  page(): IndexPage {
    this.cut();
    const ids: string[] = [];
    for (let slot = this.start; slot < this.cols.length; slot++) ids.push(this.cols.id(slot));
    return { ids, total: this.total };
  }

  /** Sorts the candidates in the page's order and keeps those up to its end: the columns then hold just those, in that order. */
  private cut(): void {
    const best = Array.from({ length: this.cols.length }, (_, i) => i).sort(orderOf(this.q, this.words.length > 0, this.cols, this.ranks));
    best.length = Math.min(best.length, this.end);
    const kept = new IndexColumns();
    const ranks = best.map((slot) => this.ranks[slot] as number);
    for (const slot of best) kept.push(this.cols.entryAt(slot));
    this.cols = kept;
    this.ranks = ranks;
    // Ranked best first (a search by relevance): the page's last sets the bar.
    if (this.words.length > 0 && (this.q.sortBy ?? 'relevance') === 'relevance' && ranks.length >= this.end) this.worst = ranks[ranks.length - 1] as number;
  }
}

/** The index's order for a query: ranked, ties most recently seen first; or a sort order, reversed for desc. */
function orderOf(q: Query, searching: boolean, cols: IndexColumns, ranks: number[]): (a: number, b: number) => number {
  const newestFirst = (a: number, b: number) => cols.compare.updatedAt(b, a);
  const sortBy = q.sortBy ?? (searching ? 'relevance' : 'createdAt');
  if (sortBy === 'relevance') return searching ? (a, b) => (ranks[a] as number) - (ranks[b] as number) || newestFirst(a, b) : newestFirst;
  const by = cols.compare[sortBy];
  return q.sortOrder === 'asc' ? by : (a, b) => by(b, a);
}

/**
 * A read run off the event loop (CustomerService.readAside): a reader thread while the index loads;
 * null when there is none (any more), the read then being the caller's, on the store's connection.
 */
export type ReadRows = <R>(query: { compile(): CompiledQuery<R> }) => Promise<R[] | null>;

/**
 * How far the search index's load has read (CustomerService keeps it up to date): its pages go into
 * `columns` in id order. A search meanwhile scans those slots in memory rather than reading the store
 * again: at 1,000,000 customers the load reads every row in ~7 s, then builds its lists for ~15 s more,
 * and a search read from the store took 0.7–3.4 s a keystroke all that time.
 */
export interface LoadedSoFar {
  readonly columns: IndexColumns;
  /** Slots [0, slots) hold, as read, every live customer whose id is up to `through`. */
  slots: number;
  /** The last id read (SQLite's order); null before the first page. */
  through: string | null;
  /** Every customer has been read (only the lists are still being built). */
  complete: boolean;
  /** Customers changed since the load began: their slots may be out of date, so the store is read for them. */
  readonly changed: Set<string>;
}

/**
 * customers.list's page read from the store itself, `aside` while it reads, else on `db` in slices
 * (see above); with `loaded`, what the index's load has read is scanned in memory instead.
 */
export async function coldPage(db: Kysely<Database>, q: Query, aside?: ReadRows, loaded?: LoadedSoFar | null): Promise<IndexPage> {
  const collector = new PageCollector(q);
  // The list as it opens (no search, no filter, newest first): off the creation-order index.
  if (collector.searchWords.length === 0 && !q.name && q.isActive === undefined && (q.sortBy ?? 'createdAt') === 'createdAt') return creationPage(db, q);
  // Its slices each on a turn of their own, the first too: run in the caller's turn, it was added to
  // whatever that turn had done (signing in then searching held the loop 60–77 ms at 100,000).
  await nextTurnAhead();
  // The load's progress as of this turn: each customer is then counted once, from memory or the store.
  const through = loaded?.through ?? null;
  const inMemory = loaded && through !== null ? { columns: loaded.columns, slots: loaded.slots, complete: loaded.complete, changed: new Set(loaded.changed) } : null;
  const matching = <Q extends { where: (cond: RawBuilder<boolean>) => Q }>(query: Q): Q => {
    let narrowed = query;
    for (const word of collector.searchWords) narrowed = narrowed.where(sql<boolean>`instr(search_text, ${word}) > 0`);
    return narrowed;
  };
  const live = () => db.selectFrom('customers').select(INDEX_COLUMNS).select(seenAtColumn).where('deleted_at', 'is', null);
  let reader = aside;
  let until = performance.now() + SLICE_MS;
  const turnIfDue = async () => {
    if (performance.now() < until) return;
    await nextTurnAhead();
    until = performance.now() + SLICE_MS;
  };
  // Rows go into the page 2,000 at a time: a reader's 25,000 in one step held the loop 65 ms (review 30).
  const addRows = async (rows: readonly IndexRow[], skip?: ReadonlySet<string>) => {
    for (let i = 0; i < rows.length; i += ROWS_PER_READ) {
      await turnIfDue();
      const slice = rows.slice(i, i + ROWS_PER_READ);
      collector.add((skip && skip.size > 0 ? slice.filter((r) => !skip.has(r.id)) : slice).map(indexEntry));
    }
  };

  if (inMemory) {
    for (let slot = 0; slot < inMemory.slots; slot += SLOTS_PER_STEP) {
      await turnIfDue();
      collector.addSlots(inMemory.columns, slot, Math.min(inMemory.slots, slot + SLOTS_PER_STEP), inMemory.changed);
    }
    // The customers changed since the load began, as the store has them now: 2,000 ids a statement
    // (15,000 read in one held the loop 90–210 ms; review 30).
    const changed = [...inMemory.changed];
    for (let i = 0; i < changed.length; i += ROWS_PER_READ) {
      await turnIfDue();
      const byId = matching(live().where(sql<boolean>`id in (select value from json_each(${JSON.stringify(changed.slice(i, i + ROWS_PER_READ))}))`));
      await addRows((reader && (await reader(byId))) || (await byId.execute()));
    }
    if (inMemory.complete) return collector.page();
  }

  const { top } = await db.selectFrom('customers').select(sql<number | null>`max(rowid)`.as('top')).executeTakeFirstOrThrow();
  // A range of the table, however few of its rows match: reading up to 2,000 matches scanned all
  // 100,000 rows for a rare word in one statement (45 ms without a turn). Those in memory are passed
  // over; the changed ones among the rest are dropped here (read above), not bound to every range.
  const rangeOf = (from: number, rows: number) => {
    const range = matching(live().where(sql<boolean>`rowid > ${from} and rowid <= ${from + rows}`));
    return inMemory ? range.where('id', '>', through as string) : range;
  };
  for (let from = 0; from < (top ?? 0); ) {
    await turnIfDue();
    const read = reader ? await reader(rangeOf(from, ROWS_PER_READ_ASIDE)) : null;
    if (read) {
      await addRows(read, inMemory?.changed);
      from += ROWS_PER_READ_ASIDE;
      continue;
    }
    // No reader (or no more: it failed, the load ended): the rest here, in the smaller ranges (review 23).
    reader = undefined;
    await addRows(await rangeOf(from, ROWS_PER_READ).execute(), inMemory?.changed);
    from += ROWS_PER_READ;
  }
  return collector.page();
}

async function creationPage(db: Kysely<Database>, q: Query): Promise<IndexPage> {
  const dir = q.sortOrder === 'asc' ? 'asc' : 'desc';
  const live = db.selectFrom('customers').where('deleted_at', 'is', null);
  const rows = await live.select('id').orderBy('created_at', dir).orderBy('id', dir).limit(q.limit).offset((q.page - 1) * q.limit).execute();
  const { n } = await live.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { ids: rows.map((r) => r.id), total: Number(n) };
}
