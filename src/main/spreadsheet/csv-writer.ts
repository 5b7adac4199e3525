import Papa from 'papaparse';

/*
 * CSV files this app writes (exports, call lists, import reports) are opened by staff in a
 * spreadsheet, which runs a cell starting with = + - @ as a formula: a customer named
 * "=HYPERLINK(…)" would become a link on the owner's PC (CSV injection). Such cells get a leading
 * apostrophe, which spreadsheets show as text. Phone numbers and signed numbers ("+33 6 12…",
 * "-1.25") stay as they are: they cannot run.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-][\d .()-]*$/;

export type CsvValue = string | number | null | undefined;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/**
 * One CSV document: a header row then the rows, CRLF line ends, every cell quoted where needed, and a
 * UTF-8 byte-order mark so Excel on a Windows counter PC reads accents as written.
 */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvValue[]>, delimiter = ','): string {
  const data: string[][] = [header.map(csvCell)];
  for (const row of rows) data.push(row.map(csvCell));
  return `\uFEFF${Papa.unparse(data, { delimiter, newline: '\r\n' })}\r\n`;
}

/*
 * The same document as toCsv, in pieces, for a file too long to hold as rows (a list export of the
 * whole store): csvHead first, then csvLines for each batch of rows; joined, they are toCsv's text.
 */
export function csvHead(header: readonly string[], delimiter = ','): string {
  return `\uFEFF${Papa.unparse([header.map(csvCell)], { delimiter, newline: '\r\n' })}\r\n`;
}

export function csvLines(rows: readonly (readonly CsvValue[])[], delimiter = ','): string {
  if (rows.length === 0) return '';
  return `${Papa.unparse(rows.map((row) => row.map(csvCell)), { delimiter, newline: '\r\n' })}\r\n`;
}
