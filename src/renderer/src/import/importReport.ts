import type { z } from 'zod';
import type { ImportReportRows, RowProblem } from '../../../shared/import/schema';
import { toCsv } from '../../../shared/spreadsheet/csv';

type Rows = z.infer<typeof ImportReportRows>;

export type ReportWords = {
  columns: { row: string; outcome: string; problems: string };
  outcomes: Record<Rows['lines'][number]['outcome'], string>;
  /** One problem as the preview says it (the form's field name and the message, in the page's language). */
  problem: (p: z.infer<typeof RowProblem>) => string;
  /** The page language's delimiter, for a file that had none (an .xlsx). */
  fallbackDelimiter: string;
  /** The last line's words when more rows had problems than the report lists. */
  unlisted: (count: number, listed: number) => string;
};

/**
 * The skipped rows' report as the person reads it: their language, the form's field names, the file's
 * own delimiter (a French ';' file gets a ';' report), then the row's own cells. Written by the shared
 * CSV writer, whose guard neutralises a cell a spreadsheet would run (the file came from elsewhere).
 */
export function reportCsv(rows: Rows, words: ReportWords): string {
  return toCsv(
    [words.columns.row, words.columns.outcome, words.columns.problems, ...rows.headers],
    [...rows.lines.map((l) => [l.row, words.outcomes[l.outcome], l.problems.map(words.problem).join(' | '), ...l.cells]), ...(rows.unlisted > 0 ? [['', '', words.unlisted(rows.unlisted, rows.lines.length)]] : [])],
    rows.delimiter ?? words.fallbackDelimiter,
  );
}
