import type { z } from 'zod';
import type { ImportReportRows } from '../../shared/import/schema';
import type { RowProblemT } from './row-rules';
import { toCsv } from '../spreadsheet/csv-writer';

/** A row the import left out, or brought in without some of its values. */
export interface ReportLine {
  row: number;
  outcome: 'skipped' | 'imported without some values';
  problems: RowProblemT[];
  cells: readonly string[];
}

/**
 * A report line holding its own copy of the row. A cell is a slice of the file's text as it was read,
 * and would keep that whole piece of text (2 MB) alive for as long as the run: with a few problem rows
 * spread over a file, every piece of it.
 */
export function reportLine(row: number, outcome: ReportLine['outcome'], problems: RowProblemT[], cells: readonly string[]): ReportLine {
  return { row, outcome, ...structuredClone({ problems, cells }) };
}

/**
 * The report a person saves and opens in a spreadsheet to fix the file: each row not imported as it
 * was, why (the form's messages, in English as the core writes them), and the row's own cells.
 * Written by the one CSV writer (formula cells neutralised: the file came from elsewhere).
 */
export function importReport(fileName: string, headers: readonly string[], lines: readonly ReportLine[]): { fileName: string; bytes: string } | null {
  if (lines.length === 0) return null;
  const csv = toCsv(
    ['Row', 'Outcome', 'Problems', ...headers],
    lines.map((l) => [l.row, l.outcome, l.problems.map((p) => `${p.field}: ${p.message}`).join(' | '), ...l.cells]),
  );
  return { fileName: reportFileName(fileName), bytes: Buffer.from(csv, 'utf8').toString('base64') };
}

const reportFileName = (fileName: string) => `${fileName.replace(/\.[^.]*$/, '')}-import-report.csv`;

/**
 * The report's rows as they are (codes and params, not English): the page writes the file in the
 * person's language with the form's field names and the file's own delimiter (review item 8).
 */
export function importReportRows(fileName: string, headers: readonly string[], delimiter: string | null, lines: readonly ReportLine[]): z.infer<typeof ImportReportRows> | null {
  if (lines.length === 0) return null;
  return {
    fileName: reportFileName(fileName),
    headers: [...headers],
    delimiter,
    lines: lines.map((l) => ({ row: l.row, outcome: l.outcome === 'skipped' ? 'skipped' : 'partial', problems: l.problems, cells: [...l.cells] })),
  };
}
