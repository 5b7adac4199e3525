import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { AppError } from '../../shared/errors';
import { type FileFormat, type TextEncoding, decodeText, formatOf } from './file-bytes';

/**
 * A file read as a table: unique headers, and its rows of text handed out in chunks as they are
 * asked for. A CSV is parsed as it is read, so 100,000 rows are never held at once.
 */
export interface Table {
  format: FileFormat;
  encoding: TextEncoding | null;
  delimiter: string | null;
  headers: string[];
  /** How many rows the file has, before they are read: exact for an .xlsx, its line count for a CSV. */
  estimatedRows: number;
  /** The rows (never the header, never a blank one), `size` at a time; once only. */
  chunks(size: number): AsyncGenerator<string[][]>;
}

const DELIMITERS = [',', ';', '\t', '|'];
/** Rows looked at to know how wide the table is (a header shorter than its rows gets "Column n"). */
const HEAD_ROWS = 50;

/** Reads a CSV (any of , ; tab |, its encoding detected) or the first worksheet of an .xlsx. */
export async function readTable(bytes: Buffer): Promise<Table> {
  return formatOf(bytes) === 'xlsx' ? fromRows('xlsx', null, null, await readXlsx(bytes)) : readCsv(bytes);
}

/** A pull parser over the text: each call gives the next rows (at most `n`), [] at the end. */
function csvRows(text: string): { next(n: number): string[][]; delimiter(): string | null } {
  let parser: Papa.Parser | null = null;
  let started = false;
  let done = false;
  let delimiter: string | null = null;
  let want = 0;
  let out: string[][] = [];
  const step = (r: Papa.ParseStepResult<string[]>, p: Papa.Parser) => {
    delimiter ??= r.meta.delimiter;
    out.push(r.data);
    if (out.length >= want) {
      parser = p;
      p.pause();
    }
  };
  return {
    next(n) {
      if (done) return [];
      out = [];
      want = n;
      if (!started) {
        started = true;
        Papa.parse<string[]>(text, { delimiter: '', delimitersToGuess: DELIMITERS, skipEmptyLines: 'greedy', step, complete: () => (done = true) });
      } else parser?.resume();
      return out;
    },
    delimiter: () => delimiter,
  };
}

function readCsv(bytes: Buffer): Table {
  const { text, encoding } = decodeText(bytes);
  if (text.trim() === '') throw new AppError('import.empty', 'The file is empty');
  const rows = csvRows(text);
  const [header = [], ...head] = rows.next(HEAD_ROWS + 1);
  let lines = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
  const table = shape('csv', encoding, rows.delimiter(), header, head);
  return {
    ...table,
    estimatedRows: Math.max(head.length, lines - (text.endsWith('\n') ? 1 : 0)),
    async *chunks(size) {
      const pending = head.filter(hasText);
      for (;;) {
        while (pending.length < size) {
          const more = rows.next(size);
          if (more.length === 0) break;
          pending.push(...more.filter(hasText));
        }
        if (pending.length === 0) return;
        yield pending.splice(0, size);
      }
    },
  };
}

async function readXlsx(bytes: Buffer): Promise<string[][]> {
  // Streamed: a workbook of 100,000 rows is never held as exceljs's whole object model.
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(bytes), { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  const rows: string[][] = [];
  let sheets = 0;
  try {
    for await (const sheet of reader) {
      sheets++;
      for await (const row of sheet) {
        const values = (row.values as unknown[]).slice(1);
        const cells = Array.from(values, cellText);
        if (hasText(cells)) rows.push(cells);
      }
      break; // the first worksheet only
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('import.unreadable', 'This .xlsx workbook could not be read');
  }
  if (sheets === 0) throw new AppError('import.noSheet', 'The workbook has no worksheet');
  return rows;
}

function fromRows(format: FileFormat, encoding: TextEncoding | null, delimiter: string | null, all: string[][]): Table {
  const [header = [], ...rows] = all;
  return {
    ...shape(format, encoding, delimiter, header, rows.slice(0, HEAD_ROWS)),
    estimatedRows: rows.length,
    async *chunks(size) {
      for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
    },
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

const hasText = (row: readonly string[]) => row.some((c) => c.trim() !== '');

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
