import { z } from 'zod';
import { Message } from '../messages';

/*
 * Importing the customers of the store's previous system (issue 13, item 1). The file travels as
 * attachments do, `{fileName, bytes}` with the bytes in base64. A person maps each column of the file
 * to one of the fields below (or to nothing); the core guesses a mapping from the headers.
 */

/** What a column can hold: a customer's field, or one value of the prescription on file. */
export const importFields = [
  'firstName',
  'lastName',
  'fullName',
  'email',
  'phoneNumber',
  'dateOfBirth',
  'sex',
  'street',
  'city',
  'zipCode',
  'state',
  'consentMarketing',
  'consentSms',
  'rx.examDate',
  'rx.rightEye.sph',
  'rx.rightEye.cyl',
  'rx.rightEye.axis',
  'rx.rightEye.add',
  'rx.leftEye.sph',
  'rx.leftEye.cyl',
  'rx.leftEye.axis',
  'rx.leftEye.add',
] as const;
export const ImportField = z.enum(importFields, { error: `a column maps to one of ${importFields.join(', ')}, or to null` });
export type ImportField = z.infer<typeof ImportField>;

/** Column header (as `columns[].header` names it, made unique) → the field it fills, or null to leave it out. */
export const ImportMapping = z.record(z.string(), ImportField.nullable());
export type ImportMapping = z.infer<typeof ImportMapping>;

/** How dates are written in the file; `auto` reads it from the file's own dates (a day above 12). */
export const DateOrder = z.enum(['auto', 'dmy', 'mdy', 'ymd']);

export const ImportFile = z.strictObject({
  fileName: z.string({ error: 'fileName is required' }).trim().min(1, 'fileName is required').max(255, 'fileName must be at most 255 characters'),
  /** The file's bytes, base64-encoded (JSON carries no binary). */
  bytes: z.string({ error: 'bytes must be the file in base64' }).min(1, 'The file is empty'),
});

/** How a CSV's text is read: `auto` (the default) detects it, preferring UTF-8 when almost all of the file is. */
export const TextEncodingChoice = z.enum(['auto', 'utf-8', 'utf-16le', 'utf-16be', 'windows-1252']);

export const ImportPreviewInput = ImportFile.extend({
  mapping: ImportMapping.optional(),
  dateOrder: DateOrder.optional(),
  encoding: TextEncodingChoice.optional(),
});

export const duplicateChoices = ['skip', 'merge', 'import'] as const;
export const DuplicateChoice = z.enum(duplicateChoices, { error: 'onDuplicate must be skip, merge or import' });

export const ImportRunInput = ImportFile.extend({
  mapping: ImportMapping,
  dateOrder: DateOrder.optional(),
  encoding: TextEncodingChoice.optional(),
  onDuplicate: DuplicateChoice,
  /** A person's choice for single rows (by their 1-based row number in the file), over `onDuplicate`. */
  rowChoices: z.record(z.string(), DuplicateChoice).optional(),
  /** Names this run for import.cancel and for the progress events. */
  runId: z.string().max(100).optional(),
});

/** One problem of one row: the field (as the form names it) and the same message the form gives. */
export const RowProblem = Message.extend({ row: z.number(), field: z.string() });

export const ImportColumn = z.object({ index: z.number(), header: z.string(), samples: z.array(z.string()) });

export const ImportPreview = z.object({
  format: z.enum(['csv', 'xlsx']),
  /** Detected: 'utf-8', 'utf-16le', 'utf-16be', 'windows-1252' (csv only). */
  encoding: z.string().nullable(),
  delimiter: z.string().nullable(),
  dateOrder: DateOrder,
  columns: z.array(ImportColumn),
  /** The mapping given, else the one last used for a file with these headers, else the one guessed from them. */
  mapping: ImportMapping,
  /** Where the mapping came from. */
  mappingSource: z.enum(['given', 'saved', 'guessed']),
  totalRows: z.number(),
  /** The first rows as they would be stored (customer fields, and the prescription when the row has one). */
  rows: z.array(
    z.object({
      row: z.number(),
      /** A row the import leaves out: `customer` then holds the file's own text by field (who it is), its problems why. */
      skipped: z.boolean(),
      customer: z.record(z.string(), z.string().nullable()),
      prescription: z.record(z.string(), z.string().nullable()).nullable(),
      problems: z.array(RowProblem),
    }),
  ),
  /** Problems of the whole file (not only the rows shown), the first 500 of them (`problemCount` says how many in all). */
  problems: z.array(RowProblem),
  problemCount: z.number(),
  problemRows: z.number(),
  /** Rows that would not be imported at all (no name, no way to reach the person, nothing in them). */
  skipRows: z.number(),
  /** Rows that look like a customer already here, with the match: the first 500 (`duplicateRows` says how many in all). */
  duplicates: z.array(z.object({ row: z.number(), customerId: z.string(), name: z.string(), reasons: z.array(z.string()) })),
  duplicateRows: z.number(),
});

/** The rows of an import's report: a row left out ('skipped') or brought in without some values ('partial'). */
export const ImportReportRows = z.object({
  fileName: z.string(),
  headers: z.array(z.string()),
  /** The file's own delimiter; null for an .xlsx (the page then picks its language's). */
  delimiter: z.string().nullable(),
  lines: z.array(z.object({ row: z.number(), outcome: z.enum(['skipped', 'partial']), problems: z.array(RowProblem), cells: z.array(z.string()) })),
  /** Rows with problems past the report's first ones (import/report.ts), counted but not listed. */
  unlisted: z.number(),
});

export const ImportRunOutput = z.object({
  batchId: z.string(),
  imported: z.number(),
  merged: z.number(),
  skipped: z.number(),
  prescriptions: z.number(),
  cancelled: z.boolean(),
  /** A cancelled run: the customers it wrote and removed again (the counts above are then what stays). */
  removed: z.number().optional(),
  /**
   * The same rows structured (codes and params, the file's headers and delimiter): the page writes the
   * report from them in the person's language, with the form's field names. Null when no row is in it.
   */
  reportRows: ImportReportRows.nullable().optional(),
  /** The skipped rows with their reasons, as a CSV a person can save: `{fileName, bytes}` in base64. */
  report: z.object({ fileName: z.string(), bytes: z.string() }).nullable(),
});

export const ImportUndoInput = z.strictObject({ batchId: z.string().min(1, 'batchId is required') });
export const ImportCancelInput = z.strictObject({ runId: z.string().min(1, 'runId is required') });
export const ImportProgressInput = ImportCancelInput;

/**
 * What an undo did: customers of the batch removed (and deleted in the cloud once sent), merged ones
 * given their values back, and those changed since the import (edited, a new prescription or document)
 * kept as they are.
 */
export const ImportUndoOutput = z.object({ batchId: z.string(), removed: z.number(), restored: z.number(), kept: z.number() });
export const ImportCancelOutput = z.object({ runId: z.string(), cancelling: z.boolean() });

export const ImportBatch = z.object({
  batchId: z.string(),
  fileName: z.string(),
  startedAt: z.string(),
  by: z.string(),
  status: z.enum(['running', 'done', 'cancelled', 'undone', 'interrupted']),
  imported: z.number(),
  merged: z.number(),
  skipped: z.number(),
  prescriptions: z.number(),
  finishedAt: z.string().nullable(),
  /** done, cancelled half-way or interrupted by a crash: its customers can still be removed. */
  undoable: z.boolean(),
  /** A running batch's run (import.progress and import.cancel take it), so a page opened later finds it; else null. */
  runId: z.string().nullable(),
});

/** Progress of an import: an 'import.progress' event (no data, shared/events.ts) says it changed; the page asks import.progress. `total` is the CSV's line count until the rows are read. */
export const ImportProgress = z.object({
  runId: z.string(),
  done: z.number(),
  total: z.number(),
  /** running; then done, cancelled (what it wrote removed) or failed. */
  status: z.enum(['running', 'done', 'cancelling', 'cancelled', 'failed']),
  batchId: z.string().nullable(),
});
