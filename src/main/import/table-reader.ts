import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { AppError } from '../../shared/errors';
import { type FileFormat, type TextEncoding, decodeText, formatOf } from './file-bytes';

/** A file read as a table: unique headers and rows of text, every row as long as the header row. */
export interface Table {
  format: FileFormat;
  encoding: TextEncoding | null;
  delimiter: string | null;
  headers: string[];
  rows: string[][];
}

const DELIMITERS = [',', ';', '\t', '|'];

/** Reads a CSV (any of , ; tab |, its encoding detected) or the first worksheet of an .xlsx. */
export async function readTable(bytes: Buffer): Promise<Table> {
  const format = formatOf(bytes);
  const table = format === 'xlsx' ? await readXlsx(bytes) : readCsv(bytes);
  return finish(table);
}

function readCsv(bytes: Buffer): Table {
  const { text, encoding } = decodeText(bytes);
  if (text.trim() === '') throw new AppError('import.empty', 'The file is empty');
  const parsed = Papa.parse<string[]>(text, { delimiter: '', delimitersToGuess: DELIMITERS, skipEmptyLines: 'greedy' });
  const [header = [], ...rows] = parsed.data;
  return { format: 'csv', encoding, delimiter: parsed.meta.delimiter, headers: header, rows };
}

async function readXlsx(bytes: Buffer): Promise<Table> {
  // Streamed: a workbook of 100,000 rows is never held as exceljs's whole object model.
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(bytes), { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  const rows: string[][] = [];
  let sheets = 0;
  try {
    for await (const sheet of reader) {
      sheets++;
      for await (const row of sheet) {
        const values = (row.values as unknown[]).slice(1);
        rows.push(Array.from(values, cellText));
      }
      break; // the first worksheet only
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('import.unreadable', 'This .xlsx workbook could not be read');
  }
  if (sheets === 0) throw new AppError('import.noSheet', 'The workbook has no worksheet');
  const [header = [], ...body] = rows.filter((r) => r.some((c) => c.trim() !== ''));
  return { format: 'xlsx', encoding: null, delimiter: null, headers: header, rows: body };
}

/** A cell as the text a person sees; a date cell as its day (YYYY-MM-DD). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: unknown };
    if (v.richText) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText(v.result);
    if ('text' in v) return cellText(v.text);
  }
  return '';
}

function finish(t: Table): Table {
  const width = Math.max(t.headers.length, ...t.rows.slice(0, 50).map((r) => r.length));
  if (t.headers.every((h) => h.trim() === '') && t.rows.length === 0) throw new AppError('import.empty', 'The file is empty');
  const headers = uniqueHeaders(Array.from({ length: width }, (_, i) => (t.headers[i] ?? '').trim()));
  const rows = t.rows.filter((r) => r.some((c) => c.trim() !== ''));
  if (rows.length === 0) throw new AppError('import.headerOnly', 'The file has a header row but no customers');
  return { ...t, headers, rows };
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
