import { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { AppError } from '../../shared/errors';
import { type EncodingChoice, type FileFormat, type TextEncoding, decodeText, formatOf } from './file-bytes';
import { checkZipSizes, sheetRowCount } from './zip-sizes';

/**
 * A file read as a table: unique headers, and its rows of text handed out in chunks as they are
 * asked for. A CSV is parsed as it is read, an .xlsx streamed, so 100,000 rows are never held at once.
 */
export interface Table {
  format: FileFormat;
  encoding: TextEncoding | null;
  delimiter: string | null;
  headers: string[];
  /** How many rows the file has, before they are read: its line count for a CSV, the sheet's last row for an .xlsx. */
  estimatedRows: number;
  /** The rows (never the header, never a blank one), `size` at a time; once only. */
  chunks(size: number): AsyncGenerator<string[][]>;
}

/**
 * What the file itself broke in a row, found while reading it: a quote never closed, a row or a
 * cell too long (its value left out), bytes not in the file's encoding. `refuses`: the row is not read.
 */
export interface RowFlaw {
  code: 'import.quoteNotClosed' | 'import.rowTooLong' | 'import.cellTooLong' | 'import.badBytes';
  params: Record<string, string | number>;
  message: string;
  /** The column (index) the flaw is in, when it is one cell's. */
  column?: number;
  refuses: boolean;
}

/** A row's flaws, kept beside its cells (a row travels as its array of cells through the chunks). */
const flaws = new WeakMap<readonly string[], RowFlaw[]>();
export const flawsOf = (cells: readonly string[]): RowFlaw[] => flaws.get(cells) ?? [];
/** The line of the file (or the sheet's row) each row starts on, blank lines counted: what a person finds it by. */
const lines = new WeakMap<readonly string[], number>();
export function lineOf(cells: readonly string[]): number {
  const line = lines.get(cells);
  if (line === undefined) throw new Error('A row was read without its line number');
  return line;
}
function atLine(cells: string[], line: number): string[] {
  lines.set(cells, line);
  return cells;
}
function flag(cells: string[], flaw: RowFlaw): string[] {
  flaws.set(cells, [...flawsOf(cells), flaw]);
  return cells;
}

/** A customer's value is never this long: a longer cell is left out, listed (a name of 2,001 characters is a broken file). */
export const MAX_CELL_CHARS = 2000;
/** A row this long is no customer's: it is refused whole (the preview's answer and the host stay small). */
export const MAX_ROW_CHARS = 64 * 1024;
/** Rows with a quote not closed before the whole file is refused. */
const MAX_BROKEN_ROWS = 100;

const DELIMITERS = [',', ';', '\t', '|'];
/** Rows looked at to know how wide the table is (a header shorter than its rows gets "Column n"). */
const HEAD_ROWS = 50;

/** Reads a CSV (any of , ; tab |, its encoding detected or chosen) or the first worksheet of an .xlsx. */
export async function readTable(bytes: Buffer, encoding: EncodingChoice = 'auto', pieceBytes?: number): Promise<Table> {
  return formatOf(bytes) === 'xlsx' ? readXlsx(bytes) : readCsv(bytes, encoding, pieceBytes);
}

/**
 * A pull parser over the text, read a piece at a time (file-bytes.ts): each call gives the next rows
 * (at most `n`), [] at the end.
 *
 * A quote opened and never closed (or closed in the middle of a cell) makes papaparse read on to the
 * end of the file, or to the next quote, as one cell: the rows after it would silently become one.
 * Such a row is handed out as a refused row (its flaw says why) and reading starts again at the line
 * after the one it began on, with the same delimiter: one broken row costs that row only. A piece
 * ends at a line feed, which may be inside a quoted cell: the row is read again with the next piece
 * joined on, as often as it takes, so a row is cut only where the whole file would cut it.
 */
function csvRows(pieces: Iterator<string, void>): { next(n: number): string[][]; delimiter(): string | null } {
  const ahead: string[] = []; // pieces read for the guess below, not parsed yet
  let ended = false;
  const readPiece = (): string => {
    const r = pieces.next();
    if (r.done) ended = true;
    return r.done ? '' : r.value;
  };
  const nextPiece = (): string => (ahead.length > 0 ? (ahead.shift() as string) : readPiece());
  const more = () => ahead.length > 0 || !ended;
  let text = nextPiece(); // the piece being read (with the start of a row the one before cut short)
  // Guessed as papaparse would from the whole file (its first 1 MB of text), whatever the pieces.
  const { delimiter, linebreak } = guessLayout(text, () => {
    const piece = readPiece();
    if (piece !== '') ahead.push(piece);
    return piece;
  });
  let parser: Papa.Parser | null = null;
  let base = 0; // where the current parse started in the text
  let rowStart = 0; // where the next row starts, relative to base
  let restartAt: number | null = 0;
  let broken = 0;
  let done = false;
  let want = 0;
  let out: string[][] = [];
  let line = 1; // the file's line at `from` below, where the next row (or blank lines before it) starts
  const breaks = (a: number, b: number) => {
    let n = 0;
    for (let i = text.indexOf(linebreak, a); i !== -1 && i < b; i = text.indexOf(linebreak, i + linebreak.length)) n++;
    return n;
  };
  /** The line the row at `from` starts on, blank lines papaparse skipped before it counted; `line` moved past its end. */
  const lineOfRow = (from: number, end: number) => {
    const start = skipBlankLines(text, from, linebreak, delimiter);
    const at = line + breaks(from, start);
    line = at + breaks(start, end);
    return at;
  };
  const step = (r: Papa.ParseStepResult<string[]>, p: Papa.Parser) => {
    parser = p;
    const from = base + rowStart;
    rowStart = r.meta.cursor;
    if (base + r.meta.cursor >= text.length && more()) {
      // The row reaches the piece's end, so it may go on in the next: a quoted cell still open, or a
      // CR LF file cut after an LF inside a cell. It is read again with the next piece joined on.
      text = text.slice(from) + nextPiece();
      restartAt = 0;
      p.abort();
      return;
    }
    if (r.errors.some((e) => e.type === 'Quotes')) {
      // Each such row has the rest of the file read again: past a few, the file is broken, not a row.
      if (++broken > MAX_BROKEN_ROWS) throw new AppError('import.unreadable', `Quotes are not closed in more than ${MAX_BROKEN_ROWS} rows: check the file's separator and quotes`, undefined, { brokenRows: broken });
      // The row is the line it starts on, ended by the file's own line break (a Mac CSV has only CRs).
      const lineStart = skipBlankLines(text, from, linebreak, delimiter);
      const nl = text.indexOf(linebreak, lineStart);
      const lineEnd = nl === -1 ? text.length : nl;
      const cells = refused(text.slice(lineStart, Math.min(lineEnd, lineStart + MAX_ROW_CHARS)).split(delimiter), 'import.quoteNotClosed', {}, 'A quote opened in this row is never closed: the row was not read');
      out.push(atLine(cells, lineOfRow(from, nl === -1 ? text.length : nl + linebreak.length)));
      restartAt = nl === -1 ? null : nl + linebreak.length;
      p.abort();
      return;
    }
    // Measured from where the row starts: papaparse counts the blank rows it skipped before it.
    const tooLong = base + r.meta.cursor - from > MAX_ROW_CHARS && base + r.meta.cursor - skipBlankLines(text, from, linebreak, delimiter) > MAX_ROW_CHARS;
    const row = tooLong ? refused([], 'import.rowTooLong', { max: MAX_ROW_CHARS }, `This row is longer than ${MAX_ROW_CHARS} characters: it was not read`) : capCells(r.data);
    out.push(atLine(row, lineOfRow(from, base + r.meta.cursor)));
    if (out.length >= want) {
      // Paused, papaparse keeps only the text after this row: its cursors then count from there.
      base += r.meta.cursor;
      rowStart = 0;
      p.pause();
    }
  };
  const start = (at: number) => {
    base = at;
    rowStart = 0;
    restartAt = null;
    parser = null;
    // The layout given: a restart's text may begin with a line break inside quotes, which papaparse would take for the file's.
    Papa.parse<string[]>(text.slice(at), {
      delimiter,
      newline: linebreak,
      skipEmptyLines: 'greedy',
      // Papaparse's fast mode (a file without quotes) splits all the text left into lines at each
      // resume: 100,000 rows read 5,000 at a time made ~1,000,000 line strings, most outliving a chunk.
      fastMode: false,
      step,
      complete: () => {
        if (restartAt !== null) return; // aborted, to read again from there
        // This piece is read: on to the next. What papaparse did not hand out as a row goes with it:
        // blank lines, or a quoted cell open at the piece's end that held only blanks so far (skipped as blank).
        const tail = text.slice(base + rowStart);
        const piece = more() ? nextPiece() : '';
        if (piece === '') done = true;
        else {
          text = tail + piece;
          restartAt = 0;
        }
      },
    });
  };
  return {
    next(n) {
      out = [];
      want = n;
      while (!done && out.length < n) {
        if (restartAt !== null) start(restartAt);
        else if (parser && out.length === 0) parser.resume();
        else break;
      }
      return out;
    },
    delimiter: () => delimiter,
  };
}

/** Papaparse guesses a file's line break from its first 1 MB of text, its delimiter from its first rows. */
const GUESS_CHARS = 1024 * 1024;

/** The delimiter and line break papaparse would guess for the whole file, from its start: pieces are joined (`more`) until it is long enough. */
function guessLayout(first: string, more: () => string): { delimiter: string; linebreak: Papa.ParseConfig['newline'] & string } {
  let start = first;
  for (let piece = start; start.length < GUESS_CHARS && piece !== ''; ) {
    piece = more();
    start += piece;
  }
  const guess = (text: string) => Papa.parse<string[]>(text, { delimitersToGuess: DELIMITERS, skipEmptyLines: 'greedy', preview: 1 });
  const undetected = (r: Papa.ParseResult<string[]>) => r.errors.some((e) => e.code === 'UndetectableDelimiter');
  // From the first line with text: papaparse guesses from its first 10 rows, blank ones included.
  const head = start.slice(0, GUESS_CHARS).replace(/^(?:[ \t]*(?:\r\n|\r|\n))+/, '');
  const guessed = guess(head);
  let { delimiter } = guessed.meta;
  // A stray quote in the first rows makes every row after it one cell, and papaparse gives up (then
  // reads "," whatever the file's is): guessed again without the quotes.
  if (undetected(guessed)) {
    const again = guess(head.replaceAll('"', ''));
    if (!undetected(again)) delimiter = again.meta.delimiter;
  }
  return { delimiter, linebreak: guessed.meta.linebreak as Papa.ParseConfig['newline'] & string };
}

/** Where the first line from `at` that is not blank starts: papaparse skips unseen those with nothing but spaces, delimiters and empty quotes. */
function skipBlankLines(text: string, at: number, linebreak: string, delimiter: string): number {
  let i = at;
  for (;;) {
    const c = text[i];
    // Most rows start with their first letter: no blank line before them to look for.
    if (c !== undefined && c.trim() !== '' && c !== '"' && c !== delimiter) return i;
    const nl = text.indexOf(linebreak, i);
    const end = nl === -1 ? text.length : nl;
    if (nl === -1 || !blankLine(text.slice(i, end), delimiter, linebreak)) return i;
    i = nl + linebreak.length;
  }
}

/** A line papaparse reads as a row of blank cells: with quotes, only if they are closed within it (`"" "` opens a cell that goes on). */
function blankLine(line: string, delimiter: string, linebreak: string): boolean {
  if (!line.includes('"')) return line.replaceAll(delimiter, '').trim() === '';
  const r = Papa.parse<string[]>(line, { delimiter, newline: linebreak as Papa.ParseConfig['newline'] });
  return r.errors.length === 0 && r.data.every((cells) => cells.every((c) => c.trim() === ''));
}

/** A row not read: kept (cut short) only for the report of skipped rows, with why. */
function refused(cells: string[], code: RowFlaw['code'], params: Record<string, string | number>, message: string): string[] {
  return flag(cells.slice(0, 50).map((c) => c.slice(0, MAX_CELL_CHARS)), { code, params, message, refuses: true });
}

/** A cell over MAX_CELL_CHARS left out (emptied), listed; the rest of the row is read. */
function capCells(cells: string[]): string[] {
  const long: number[] = [];
  for (const [i, c] of cells.entries()) {
    if (c.length > MAX_CELL_CHARS) {
      cells[i] = '';
      long.push(i);
    }
  }
  for (const i of long) flag(cells, { code: 'import.cellTooLong', params: { column: String(i + 1), max: MAX_CELL_CHARS }, message: `The cell of column ${i + 1} is longer than ${MAX_CELL_CHARS} characters: left out`, column: i, refuses: false });
  return cells;
}

/** Bytes that were not in the file's encoding (read as U+FFFD): the row is read, and listed. */
function markBadBytes(cells: string[], encoding: TextEncoding): string[] {
  if (cells.some((c) => c.includes('\uFFFD'))) flag(cells, { code: 'import.badBytes', params: { encoding }, message: `This row has characters that are not ${encoding} (shown as \uFFFD)`, refuses: false });
  return cells;
}

function readCsv(bytes: Buffer, choice: EncodingChoice, pieceBytes?: number): Table {
  const { pieces, encoding, linesAfterFirst } = decodeText(bytes, choice, pieceBytes);
  const rows = csvRows(pieces());
  // A file of blank lines has no header: shape() says it is empty.
  const [header = [], ...first] = rows.next(HEAD_ROWS + 1);
  if (flawsOf(header).some((f) => f.refuses)) throw new AppError('import.unreadable', 'The header row of this file cannot be read (a quote not closed, or a line too long)');
  // Copied: its cells are slices of the first piece of text, which they would keep for the whole run.
  const table = shape('csv', encoding, rows.delimiter(), structuredClone(header), first);
  let head: string[][] | null = first;
  return {
    ...table,
    estimatedRows: Math.max(first.length, linesAfterFirst),
    async *chunks(size) {
      const pending = (head ?? []).filter(hasText);
      head = null; // handed on: let go of with the rows, once read
      for (;;) {
        while (pending.length < size) {
          const more = rows.next(size);
          if (more.length === 0) break;
          pending.push(...more.filter(hasText));
        }
        if (pending.length === 0) return;
        yield pending.splice(0, size).map((r) => markBadBytes(r, encoding));
      }
    },
  };
}

/**
 * The first worksheet of an .xlsx, streamed: its header and first rows read now (to know its
 * columns), the others as the chunks ask for them, so a workbook of 100,000 rows is never held.
 */
async function readXlsx(bytes: Buffer): Promise<Table> {
  checkZipSizes(bytes);
  // Loaded when a workbook comes: exceljs weighs ~27 MB in memory, held for good once imported.
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(bytes), { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  const rows = xlsxRows(reader);
  const head: string[][] = [];
  for (;;) {
    const r = await rows.next();
    if (r.done) break;
    head.push(r.value);
    if (head.length > HEAD_ROWS) break;
  }
  if (!(await rows.hadSheet())) throw new AppError('import.noSheet', 'The workbook has no worksheet');
  const [header = [], ...first] = head;
  const table = shape('xlsx', null, null, header, first);
  const counted = await sheetRowCount(bytes);
  return {
    ...table,
    // Its rows, the header and blank ones included: close enough for a progress bar.
    estimatedRows: Math.max(first.length, (counted ?? 0) - 1),
    async *chunks(size) {
      const pending = first;
      for (;;) {
        while (pending.length < size) {
          const r = await rows.next();
          if (r.done) break;
          pending.push(r.value);
        }
        if (pending.length === 0) return;
        yield pending.splice(0, size);
      }
    },
  };
}

/** The non-blank rows of the workbook's first sheet, one at a time; a reading error as the import's own. */
function xlsxRows(reader: ExcelJS.stream.xlsx.WorkbookReader) {
  let sheets = 0;
  async function* all(): AsyncGenerator<string[]> {
    try {
      for await (const sheet of reader) {
        sheets++;
        for await (const row of sheet) {
          const cells = capCells(Array.from((row.values as unknown[]).slice(1), cellText));
          if (hasText(cells)) yield atLine(cells, row.number);
        }
        break; // the first worksheet only
      }
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('import.unreadable', 'This .xlsx workbook could not be read');
    }
  }
  const it = all();
  return {
    next: () => it.next(),
    hadSheet: async () => sheets > 0,
  };
}

/** The headers made unique and as wide as the rows; the file refused when it has no rows. */
function shape(format: FileFormat, encoding: TextEncoding | null, delimiter: string | null, header: string[], head: string[][]) {
  if (!hasText(header) && head.length === 0) throw new AppError('import.empty', 'The file is empty');
  if (!head.some(hasText)) throw new AppError('import.headerOnly', 'The file has a header row but no customers');
  const width = Math.max(header.length, ...head.map((r) => r.length));
  const headers = uniqueHeaders(Array.from({ length: width }, (_, i) => (header[i] ?? '').trim()));
  return { format, encoding, delimiter, headers };
}

const hasText = (row: readonly string[]) => row.some((c) => c.trim() !== '') || flawsOf(row).length > 0;

/** A cell as the text a person sees; a date cell as its day (YYYY-MM-DD). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; result?: unknown; text?: unknown };
    if (v.richText) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText(v.result);
    if ('text' in v) return cellText(v.text);
  }
  return '';
}

/** Headers as the mapping names them: a blank one is "Column 3", a repeated one "Tél (2)". */
export function uniqueHeaders(headers: string[]): string[] {
  const seen = new Map<string, number>();
  return headers.map((h, i) => {
    const base = h === '' ? `Column ${i + 1}` : h;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} (${n})`;
  });
}
