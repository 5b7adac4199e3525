/*
 * The core's CSV writer is the shared one (src/shared/spreadsheet/csv.ts): the page writes the import's
 * report in the person's language with the very same formula guard.
 */
export { type CsvValue, csvCell, csvHead, csvLines, toCsv } from '../../shared/spreadsheet/csv';
