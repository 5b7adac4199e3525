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
 * Rows listed in a report at most, and their cells' characters; past either, rows are counted, not
 * kept. A file with a problem in every row (a placeholder birth date) shows it in its first lines:
 * 100,000 lines held, then written out and sent back, took the import from 340 to 700 MB; 10,000
 * rows of 2,000-character cells, to 570 MB.
 */
export const MAX_REPORT_LINES = 5_000;
export const MAX_REPORT_CHARS = 1_000_000;

/** The run's report lines so far, and how many more rows would have been listed. */
export class ReportLines {
  readonly lines: ReportLine[] = [];
  unlisted = 0;
  /** Of the unlisted, those skipped. */
  private unlistedSkipped = 0;
  private chars = 0;

  /**
   * A line holding its own copy of the row: a cell is a slice of the file's text as it was read, and
   * would keep that whole piece of text (2 MB) alive for the run; with a few problem rows spread over
   * a file, every piece of it.
   */
  add(row: number, outcome: ReportLine['outcome'], problems: RowProblemT[], cells: readonly string[]): void {
    const size = cells.reduce((n, c) => n + c.length, 0);
    if (this.unlisted > 0 || this.lines.length >= MAX_REPORT_LINES || this.chars + size > MAX_REPORT_CHARS) {
      this.unlisted++;
      if (outcome === 'skipped') this.unlistedSkipped++;
      return;
    }
    this.chars += size;
    this.lines.push({ row, outcome, ...structuredClone({ problems, cells }) });
  }

  /** In the file's order: a row imported without some values is listed once it is written, after the chunk's skipped ones. */
  inRowOrder(): ReportLine[] {
    return [...this.lines].sort((a, b) => a.row - b.row);
  }

  /** The skipped rows only: a cancelled run took back the rows it imported without some values. */
  skippedOnly(): ReportLines {
    const out = new ReportLines();
    out.lines.push(...this.lines.filter((l) => l.outcome === 'skipped'));
    out.unlisted = this.unlistedSkipped;
    out.unlistedSkipped = this.unlistedSkipped;
    return out;
  }
}

const unlistedLine = (n: number, listed: number) => `${n} more rows were skipped or imported without some values; only the first ${listed} are listed`;

/**
 * The report a person saves and opens in a spreadsheet to fix the file: each row not imported as it
 * was, why (the form's messages, in English as the core writes them), and the row's own cells.
 * Written by the one CSV writer (formula cells neutralised: the file came from elsewhere).
 */
export function importReport(fileName: string, headers: readonly string[], report: ReportLines): { fileName: string; bytes: string } | null {
  const { unlisted } = report;
  const lines = report.inRowOrder();
  if (lines.length === 0) return null;
  const csv = toCsv(
    ['Row', 'Outcome', 'Problems', ...headers],
    [...lines.map((l) => [l.row, l.outcome, l.problems.map((p) => `${p.field}: ${p.message}`).join(' | '), ...l.cells]), ...(unlisted > 0 ? [['', '', unlistedLine(unlisted, lines.length)]] : [])],
  );
  return { fileName: reportFileName(fileName), bytes: Buffer.from(csv, 'utf8').toString('base64') };
}

const reportFileName = (fileName: string) => `${fileName.replace(/\.[^.]*$/, '')}-import-report.csv`;

/**
 * The report's rows as they are (codes and params, not English): the page writes the file in the
 * person's language with the form's field names and the file's own delimiter (review item 8).
 */
export function importReportRows(fileName: string, headers: readonly string[], delimiter: string | null, report: ReportLines): z.infer<typeof ImportReportRows> | null {
  const { unlisted } = report;
  const lines = report.inRowOrder();
  if (lines.length === 0) return null;
  return {
    fileName: reportFileName(fileName),
    headers: [...headers],
    delimiter,
    lines: lines.map((l) => ({ row: l.row, outcome: l.outcome === 'skipped' ? 'skipped' : 'partial', problems: l.problems, cells: [...l.cells] })),
    unlisted,
  };
}
