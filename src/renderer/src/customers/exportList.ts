import { type ExportColumn, ExportColumn as ExportColumnSchema, defaultExportColumns, exportColumns } from '../../../shared/customers/export-list';

/*
 * The list export's choices the owner made last time (its columns), kept on this PC: the next export
 * starts from them. What was kept is read as untrusted: unknown or repeated columns are dropped.
 */

export const EXPORT_COLUMNS_KEY = 'opticounter.exportList.columns';

/** The columns kept, in the file's order; the defaults when nothing (valid) was kept. */
export function readExportColumns(saved: string | null): ExportColumn[] {
  if (!saved) return [...defaultExportColumns];
  let parsed: unknown;
  try {
    parsed = JSON.parse(saved);
  } catch {
    return [...defaultExportColumns];
  }
  if (!Array.isArray(parsed)) return [...defaultExportColumns];
  const kept = new Set(parsed.flatMap((c) => (ExportColumnSchema.safeParse(c).success ? [c as ExportColumn] : [])));
  const columns = exportColumns.filter((c) => kept.has(c));
  return columns.length > 0 ? columns : [...defaultExportColumns];
}

/** Ticks or unticks a column; the result keeps the file's order of columns. */
export function toggleColumn(columns: readonly ExportColumn[], column: ExportColumn, on: boolean): ExportColumn[] {
  const set = new Set(columns);
  if (on) set.add(column);
  else set.delete(column);
  return exportColumns.filter((c) => set.has(c));
}

export type ExportScope = 'search' | 'all';

/** What customers.exportList is asked for: the search only when that is the scope and there is one. */
export function exportRequest(o: { format: 'csv' | 'xlsx'; scope: ExportScope; search: string; columns: readonly ExportColumn[]; headers: Partial<Record<ExportColumn, string>> }) {
  const search = o.search.trim();
  const headers = Object.fromEntries(o.columns.map((c) => [c, o.headers[c] ?? c])) as Partial<Record<ExportColumn, string>>;
  return {
    format: o.format,
    ...(o.scope === 'search' && search ? { search } : {}),
    columns: [...o.columns],
    headers,
  };
}

export const EXPORT_MIME = {
  csv: 'text/csv;charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;
