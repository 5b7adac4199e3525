import { GramPostings, type MatchSet, Posting, slotsOfBits } from './gram-postings';

/**
 * Which customers' texts hold each run of letters (a maximal stretch of letters: "hassan" and
 * "elhassani" in "hassan elhassani\nhassan.elhassani7@…"), so that a search word of letters only is
 * answered exactly without reading any customer's text. A word of letters can only occur inside one
 * run of letters, so its matches are the customers of the runs that hold it: found among the few
 * distinct runs (names repeat; at 1,000,000 customers ~5,000 runs of 4+ letters) through their own
 * trigram lists, then their customer lists joined. Checking the ~20,000 candidates of a common name's
 * trigrams one text at a time cost 6–10 ms at 1,000,000 customers (issue 14).
 */

/** Runs shorter than this hold no word the trigram lists do not answer exactly already (1 to 3 characters). */
const RUN_MIN = 4;

// Each UTF-16 code's class, found once: 1 a letter, 2 anything else (0 not looked at yet).
const classes = new Uint8Array(65536);
const LETTER = /\p{L}/u;
function isLetter(code: number): boolean {
  let c = classes[code] as number;
  if (c === 0) classes[code] = c = LETTER.test(String.fromCharCode(code)) ? 1 : 2;
  return c === 1;
}

/** Whether LetterRuns answers this search word: 4 or more characters, letters only. */
export function isLetterWord(word: string): boolean {
  if (word.length < RUN_MIN) return false;
  for (let i = 0; i < word.length; i++) if (!isLetter(word.charCodeAt(i))) return false;
  return true;
}

/**
 * Each distinct run of RUN_MIN letters or more in the text, in an array (a text has a few: a Set
 * for each of 1,000,000 customers was garbage enough to hold the start-up build's slices ~30 ms).
 */
function runsOf(text: string): string[] {
  const runs: string[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const letter = i < text.length && isLetter(text.charCodeAt(i));
    if (letter && start < 0) start = i;
    else if (!letter && start >= 0) {
      if (i - start >= RUN_MIN) {
        const run = text.slice(start, i);
        if (!runs.includes(run)) runs.push(run);
      }
      start = -1;
    }
  }
  return runs;
}

export class LetterRuns {
  private readonly idOf = new Map<string, number>();
  /** By run id: the run ('' for a free id) and its customers (slots). */
  private runs: string[] = [];
  private slotsOf: (Posting | undefined)[] = [];
  /**
   * By run id, for a run only one customer has: its slot + 1 (0 once the run has a list, or is free).
   * E-mails like "jdupont1987@…" give most customers a run of their own: a list each cost ~200 bytes
   * (review 14: +94 MB at 200,000 customers).
   */
  private single = new Int32Array(1024);
  private freeIds: number[] = [];
  /** The runs' own trigram lists, a run's id as its slot. */
  private readonly grams = new GramPostings();

  add(slot: number, text: string): void {
    for (const run of runsOf(text)) this.join(run, slot);
  }

  remove(slot: number, text: string): void {
    for (const run of runsOf(text)) this.take(run, slot);
  }

  replace(slot: number, old: string | null, text: string): void {
    if (old === null) return this.add(slot, text);
    if (old === text) return;
    const before = runsOf(old);
    const after = runsOf(text);
    for (const run of before) if (!after.includes(run)) this.take(run, slot);
    for (const run of after) if (!before.includes(run)) this.join(run, slot);
  }

  /** Every list from the customers' texts by slot (each list filled in slot order, so each add appends); then trimmed. */
  *buildSteps(textOf: (slot: number) => string, count: number): Generator<void> {
    for (let slot = 0; slot < count; slot++) {
      const text = textOf(slot);
      if (text) this.add(slot, text);
      if (slot % 256 === 255) yield;
    }
    yield* this.trimSteps(count);
  }

  /** Gives back the room grown ahead, and takes each list's smaller form (a bitset for "example", which everyone has). */
  *trimSteps(slotCount: number): Generator<void> {
    let copied = 0;
    for (const p of this.slotsOf) {
      if (!p) continue;
      copied += p.trim(slotCount) + 16;
      if (copied >= 65536) {
        copied = 0;
        yield;
      }
    }
  }

  /** The customers whose text holds `word` (isLetterWord), exactly. `slotCount`: the store's slots (the size of a joined list's bits). */
  matchSet(word: string, slotCount: number): MatchSet {
    const lists: Posting[] = [];
    const singles: number[] = [];
    const found = this.grams.candidates([word]);
    for (let i = 0; found && i < found.slots.length; i++) {
      const id = found.slots[i] as number;
      if (!(this.runs[id] as string).includes(word)) continue;
      const p = this.slotsOf[id];
      if (p) lists.push(p);
      else singles.push((this.single[id] as number) - 1);
    }
    if (lists.length === 1 && singles.length === 0) {
      const p = lists[0] as Posting;
      return { count: p.n, bits: p.bits, slots: () => p.view() };
    }
    const bits = new Uint32Array(Math.ceil(slotCount / 32) + 1);
    let count = 0;
    const mark = (s: number) => {
      const w = s >>> 5;
      const m = 1 << (s & 31);
      if (((bits[w] as number) & m) !== 0) return;
      bits[w] = (bits[w] as number) | m;
      count++;
    };
    for (const s of singles) mark(s);
    for (const p of lists) {
      const slots = p.view();
      for (let i = 0; i < slots.length; i++) mark(slots[i] as number);
    }
    return { count, bits, slots: () => slotsOfBits(bits, count) };
  }

  /** The customer joins the run's customers: the run's only one, or a list from the second on. */
  private join(run: string, slot: number): void {
    const id = this.idOf.get(run);
    if (id === undefined) return this.create(run, slot);
    const p = this.slotsOf[id];
    if (p) return p.add(slot);
    const other = (this.single[id] as number) - 1;
    if (other === slot) return;
    const list = new Posting();
    list.add(Math.min(other, slot));
    list.add(Math.max(other, slot));
    this.slotsOf[id] = list;
    this.single[id] = 0;
  }

  private create(run: string, slot: number): void {
    const id = this.freeIds.pop() ?? this.runs.length;
    if (id >= this.single.length) {
      const bigger = new Int32Array(this.single.length * 2);
      bigger.set(this.single);
      this.single = bigger;
    }
    this.idOf.set(run, id);
    this.runs[id] = run;
    this.slotsOf[id] = undefined;
    this.single[id] = slot + 1;
    this.grams.add(id, run);
  }

  /** The customer leaves the run's customers; a run nobody has any more goes. */
  private take(run: string, slot: number): void {
    const id = this.idOf.get(run);
    if (id === undefined) return;
    const p = this.slotsOf[id];
    if (p) {
      p.remove(slot);
      if (p.n > 0) return;
    } else if ((this.single[id] as number) - 1 !== slot) return;
    this.grams.remove(id, run);
    this.idOf.delete(run);
    this.runs[id] = '';
    this.slotsOf[id] = undefined;
    this.single[id] = 0;
    this.freeIds.push(id);
  }
}
