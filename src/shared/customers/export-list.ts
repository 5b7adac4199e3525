import { z } from 'zod';
import { SearchText, sortByValues } from './schema';

/*
 * customers.exportList (issue 13 item 2): the customer list, the current search or everyone, as a
 * CSV or an .xlsx with the columns the owner picks. A bulk export of personal data: owner only, audited.
 */

/** The columns a list export can hold, in the order the file gets them. */
export const exportColumns = [
  'name',
  'firstName',
  'lastName',
  'email',
  'phoneNumber',
  'dateOfBirth',
  'sex',
  'street',
  'city',
  'zipCode',
  'state',
  'status',
  'createdAt',
  'updatedAt',
  'lastExamDate',
] as const;
export const ExportColumn = z.enum(exportColumns, { error: `a column is one of ${exportColumns.join(', ')}` });
export type ExportColumn = z.infer<typeof ExportColumn>;

/** The columns ticked when the owner has never chosen. */
export const defaultExportColumns: readonly ExportColumn[] = ['firstName', 'lastName', 'email', 'phoneNumber', 'dateOfBirth', 'city', 'lastExamDate'];

export const CustomerExportListInput = z.strictObject({
  format: z.enum(['csv', 'xlsx'], { error: 'format must be csv or xlsx' }),
  /** The search as customers.list reads it; absent or blank: every customer. */
  search: SearchText.optional(),
  /** The order of the list on screen (customers.list's): relevance for a search, newest first without. */
  sortBy: z.enum(sortByValues, { error: `sortBy must be one of ${sortByValues.join(', ')}` }).optional(),
  sortOrder: z.enum(['asc', 'desc'], { error: 'sortOrder must be asc or desc' }).optional(),
  /** Without it, defaultExportColumns. Each column once. */
  columns: z
    .array(ExportColumn)
    .min(1, 'Choose at least one column')
    .refine((c) => new Set(c).size === c.length, 'Each column only once')
    .optional(),
  /** The header row in the person's language (the page translates); a column without one gets its English name. */
  /** A CSV's separator: ';' for a French spreadsheet (where ',' is the decimal comma), ',' without one. */
  delimiter: z.enum([',', ';'], { error: 'delimiter must be , or ;' }).optional(),
  headers: z.partialRecord(ExportColumn, z.string().trim().max(100, 'A header is at most 100 characters')).optional(),
});
export type CustomerExportListQuery = z.output<typeof CustomerExportListInput>;

export const CustomerExportListOutput = z.object({
  fileName: z.string(),
  /** The file, base64-encoded (JSON carries no binary). */
  bytes: z.string(),
  rows: z.number().int(),
});
