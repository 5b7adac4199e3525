import type BetterSqlite3 from 'better-sqlite3';

/**
 * A schema as far as telling versions apart needs: each table's column names, by table name. Read
 * from sqlite_master and pragma table_info only, never a row, so it costs the same on any store size.
 */
export type SchemaShape = ReadonlyMap<string, readonly string[]>;

/** The file's own tables (not SQLite's sqlite_* ones) and their columns, in order. */
export function shapeOf(sqlite: BetterSqlite3.Database): SchemaShape {
  const tables = sqlite.prepare("select name from sqlite_master where type = 'table' and substr(name, 1, 7) != 'sqlite_' order by name").pluck().all() as string[];
  const columns = sqlite.prepare('select name from pragma_table_info(?)').pluck();
  return new Map(tables.map((table) => [table, columns.all(table) as string[]]));
}

/**
 * How `actual` differs from `expected`, one phrase per difference ([] when none): a table or column
 * missing, or one the version does not make; a table of `mayBeMissing` may be missing. Column order
 * is not compared: the app names every column it reads or writes.
 */
export function shapeDifferences(expected: SchemaShape, actual: SchemaShape, mayBeMissing: readonly string[] = []): string[] {
  const differences: string[] = [];
  for (const [table, columns] of expected) {
    const found = actual.get(table);
    if (!found) {
      if (!mayBeMissing.includes(table)) differences.push(`no table ${table}`);
      continue;
    }
    const missing = columns.filter((c) => !found.includes(c));
    const extra = found.filter((c) => !columns.includes(c));
    if (missing.length > 0) differences.push(`table ${table} has no column ${missing.join(', ')}`);
    if (extra.length > 0) differences.push(`table ${table} has an extra column ${extra.join(', ')}`);
  }
  for (const table of actual.keys()) if (!expected.has(table)) differences.push(`extra table ${table}`);
  return differences;
}
