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
  const base = fileName.replace(/\.[^.]*$/, '');
  return { fileName: `${base}-import-report.csv`, bytes: Buffer.from(csv, 'utf8').toString('base64') };
}
