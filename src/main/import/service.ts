import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import { AppError } from '../../shared/errors';
import type { ImportBatch as ImportBatchSchema, ImportMapping, ImportPreview, ImportPreviewInput, ImportProgress, ImportRunInput, ImportRunOutput, ImportUndoOutput } from '../../shared/import/schema';
import { type Actor, SYSTEM_ACTOR } from '../audit/log';
import type { Clock } from '../clock';
import type { CustomerService } from '../customers/service';
import type { Database } from '../db/schema';
import type { OpenScratch } from '../db/scratch';
import type { Logger } from '../log';
import type { PrescriptionService } from '../prescriptions/service';
import type { UnitOfWork } from '../unit-of-work';
import { type Counts, batchOut, laterMerger, saveMapping, savedMapping, writeCounts } from './batch-store';
import { type RunContext, writeChunk } from './chunk-writer';
import { guessMapping } from './column-guess';
import { type DayOrder, defaultOrder, orderFromSamples } from './dates';
import { decodeImportBytes } from './file-bytes';
import { DuplicateMatcher } from './matcher';
import { ReportLines, importReport, importReportRows } from './report';
import { type RowProblemT, customerView, fieldColumns, readRow, rxView } from './row-rules';
import { type Table, flawsOf, lineOf, readTable } from './table-reader';
import { type UndoCounts, undoItems } from './undo';
import { nextTurn } from '../turns';

/** Rows written per transaction: between two, the counter's other calls (a search) get their turn. */
export const IMPORT_CHUNK_ROWS = 500;
const PREVIEW_ROWS = 20;
/** Rows parsed at a time; the first such chunk also tells the order of the file's dates. */
const READ_CHUNK_ROWS = 5000;
type DateOrderAsked = z.output<typeof ImportPreviewInput>['dateOrder'];
const MAX_LISTED = 500;

type Progress = z.infer<typeof ImportProgress>;
/** `finishing`: the batch is being recorded as done; a cancel asked from then on comes too late. */
type RunState = Progress & { cancel: boolean; finishing: boolean };

export interface ImportDeps {
  db: Kysely<Database>;
  sqlite: BetterSqlite3.Database;
  clock: Clock;
  log: Logger;
  writes: UnitOfWork;
  customers: CustomerService;
  prescriptions: PrescriptionService;
  /** The store's country (store profile): the order of a file's dates when they do not tell. */
  country: () => Promise<string | null>;
  /** Told when a run's progress changed (the page hears an 'import.progress' event and asks). */
  progressed: () => void;
  /** Where a preview's or a run's duplicate lookups are kept (db/scratch.ts). */
  openScratch: OpenScratch;
}

/** Lets the event loop run other work (calls, timers) before the next chunk. */
const yieldToOthers = nextTurn;

/** Importing a previous system's customers (issue 13 item 1): preview, run as one batch, cancel, undo. */
export class ImportService {
  private readonly runs = new Map<string, RunState>();
  /**
   * One run or one undo at a time, whichever batch: an undo removes customers a run would match as
   * "already here" (skipped, then gone), and two undos of batches merged into each other interleave.
   */
  private busy: { kind: 'run'; runId: string } | { kind: 'undo'; batchId: string } | null = null;

  /** markInterrupted() under way: the batches and an undo wait for it (a batch may be one it marks). */
  private interruptedMarked: Promise<void> = Promise.resolve();

  constructor(private readonly d: ImportDeps) {}

  /**
   * At opening, in the background: its writes wait for the start's check (a minute on a cold disk),
   * which the opening does not (review 23).
   */
  markInterruptedLater(): Promise<void> {
    this.interruptedMarked = this.markInterrupted();
    return this.interruptedMarked;
  }

  /**
   * A batch a crash left running, or left half undone, is interrupted; its customers (those still
   * here) stay until an undo.
   */
  private async markInterrupted(): Promise<void> {
    const left = await this.d.db
      .selectFrom('import_batches')
      .selectAll()
      .where((eb) => eb.or([eb('status', '=', 'running'), eb.and([eb('status', '=', 'done'), eb('undo_started_at', 'is not', null)])]))
      .execute();
    for (const b of left) {
      const action = b.status === 'running' ? 'import.interrupted' : 'import.undoInterrupted';
      await this.interrupt(b.id, action, { fileName: b.file_name, imported: b.imported, merged: b.merged, skipped: b.skipped });
    }
  }

  private async interrupt(batchId: string, action: string, after: Record<string, unknown>): Promise<void> {
    await this.d.writes.run(SYSTEM_ACTOR, async (unit) => {
      await unit.trx.updateTable('import_batches').set({ status: 'interrupted', finished_at: this.now() }).where('id', '=', batchId).execute();
      unit.record({ entity: 'store', entityId: batchId, action, after });
    });
  }

  async preview(input: z.output<typeof ImportPreviewInput>): Promise<z.infer<typeof ImportPreview>> {
    const table = await this.readFile(input);
    const saved = input.mapping ? null : await savedMapping(this.d.db, table.headers);
    const mapping = input.mapping ?? saved ?? guessMapping(table.headers);
    const matcher = await DuplicateMatcher.load(this.d.sqlite, this.d.openScratch);
    try {
      return await this.checkRows(input, table, mapping, saved, matcher);
    } finally {
      matcher.close();
    }
  }

  private async checkRows(
    input: z.output<typeof ImportPreviewInput>,
    table: Table,
    mapping: ImportMapping,
    saved: ImportMapping | null,
    matcher: DuplicateMatcher,
  ): Promise<z.infer<typeof ImportPreview>> {
    const cols = fieldColumns(table.headers, mapping);
    const out = { rows: [] as z.infer<typeof ImportPreview>['rows'], problems: [] as RowProblemT[], duplicates: [] as z.infer<typeof ImportPreview>['duplicates'] };
    let order: DayOrder | null = null;
    let samples: string[][] = [];
    let total = 0;
    let problemRows = 0;
    let problemCount = 0;
    let duplicateRows = 0;
    let skipRows = 0;
    for await (const chunk of table.chunks(READ_CHUNK_ROWS)) {
      order ??= await this.dateOrder(input.dateOrder, table.headers, mapping, chunk);
      if (total === 0) samples = chunk.slice(0, 5);
      const ctx = { dateOrder: order, today: this.today(), country: await this.d.country() };
      for (const cells of chunk) {
        total++;
        const r = readRow(cells, lineOf(cells), cols, ctx, flawsOf(cells));
        if (r.problems.length > 0) problemRows++;
        problemCount += r.problems.length;
        if (!r.customer) skipRows++;
        // Copied, as report lines are (report.ts): a value sliced from the file would keep its piece of text.
        if (out.problems.length < MAX_LISTED) out.problems.push(...structuredClone(r.problems.slice(0, MAX_LISTED - out.problems.length)));
        const match = r.customer ? matcher.find(r.customer) : null;
        if (match) duplicateRows++;
        if (match && out.duplicates.length < MAX_LISTED) out.duplicates.push({ row: r.row, customerId: match.id, name: match.name, reasons: match.reasons });
        if (r.customer) matcher.add(DuplicateMatcher.known(`row:${r.row}`, r.customer));
        // A skipped row shows as the file has it (cells by mapped field): the person sees who it is.
        const asInFile = () => Object.fromEntries(Object.entries(cols).map(([f, i]) => [f, i === undefined ? null : (cells[i] ?? null)]));
        if (out.rows.length < PREVIEW_ROWS) out.rows.push({ row: r.row, skipped: !r.customer, customer: r.customer ? customerView(r.customer) : asInFile(), prescription: r.rx ? rxView(r.rx, ctx.today) : null, problems: r.problems });
        // As often as the import itself: the counter's searches answer while a big file is checked.
        if (total % IMPORT_CHUNK_ROWS === 0) await yieldToOthers();
      }
    }
    return {
      format: table.format,
      encoding: table.encoding,
      delimiter: table.delimiter,
      dateOrder: order ?? 'dmy',
      columns: table.headers.map((header, index) => ({ index, header, samples: samples.map((r) => r[index] ?? '') })),
      mapping,
      mappingSource: input.mapping ? 'given' : saved ? 'saved' : 'guessed',
      totalRows: total,
      ...out,
      problemRows,
      problemCount,
      duplicateRows,
      skipRows,
    };
  }

  async run(input: z.output<typeof ImportRunInput>, actor: Actor): Promise<z.infer<typeof ImportRunOutput>> {
    if (this.busy) throw this.busyError();
    const runId = input.runId ?? uuidv7();
    this.busy = { kind: 'run', runId };
    const state: RunState = { runId, done: 0, total: 0, status: 'running', batchId: null, cancel: false, finishing: false };
    this.runs.set(runId, state);
    try {
      return await this.runFile(input, state, actor);
    } catch (err) {
      state.status = 'failed';
      throw err;
    } finally {
      this.busy = null;
      this.d.progressed();
    }
  }

  private async runFile(input: z.output<typeof ImportRunInput>, state: RunState, actor: Actor): Promise<z.infer<typeof ImportRunOutput>> {
    const { answer, customerIds } = await this.importRows(input, state, actor);
    // Its customers are found by search from now on: the index hears of them once, not chunk by chunk
    // (and once the file's rows and the run's lookups can be let go: the index grows meanwhile).
    if (!answer.cancelled) await this.d.writes.announce(customerIds);
    state.status = answer.cancelled ? 'cancelled' : 'done';
    return answer;
  }

  private async importRows(input: z.output<typeof ImportRunInput>, state: RunState, actor: Actor): Promise<{ answer: z.infer<typeof ImportRunOutput>; customerIds: string[] }> {
    const table = await this.readFile(input);
    state.total = table.estimatedRows;
    const batchId = uuidv7();
    const startedAt = this.now();
    await this.d.writes.run(actor, async ({ trx }) => {
      await trx.insertInto('import_batches').values({ id: batchId, file_name: input.fileName, started_at: startedAt, by_username: actor.username, status: 'running' }).execute();
      await saveMapping(trx, table.headers, input.mapping, startedAt);
    });
    state.batchId = batchId;
    const run: RunContext = {
      cols: fieldColumns(table.headers, input.mapping),
      // Read from the first rows, as the preview did (see writeRows).
      rowCtx: { dateOrder: 'dmy', today: this.today(), country: await this.d.country() },
      onDuplicate: input.onDuplicate,
      rowChoices: input.rowChoices ?? {},
      matcher: await DuplicateMatcher.load(this.d.sqlite, this.d.openScratch),
      batchId,
      counts: { imported: 0, merged: 0, skipped: 0, prescriptions: 0 },
      report: new ReportLines(),
      now: () => this.now(),
    };
    try {
      await this.writeRows(table, run, state, batchId, actor, input.dateOrder, input.mapping);
    } catch (err) {
      // A batch is all or nothing: what the failed run wrote goes.
      this.d.log.error(`import ${batchId} failed; removing what it wrote`, err);
      await this.cancelRun(batchId, actor, run.counts.skipped).catch((e: unknown) => this.d.log.error(`import ${batchId}: removing what it wrote failed`, e));
      throw err;
    } finally {
      run.matcher.close();
    }
    const reports = (lines: ReportLines) => ({ report: importReport(input.fileName, table.headers, lines), reportRows: importReportRows(input.fileName, table.headers, table.delimiter, lines) });
    const rows = state.total;
    // Whether a cancel came first is decided inside the unit that records the batch as done: one
    // asked after that is answered `cancelling: false` (cancel()), never acknowledged then ignored.
    const finished = await this.d.writes.run(actor, async (unit) => {
      if (state.cancel) return false;
      state.finishing = true;
      await unit.trx.updateTable('import_batches').set({ status: 'done', finished_at: this.now(), ...run.counts }).where('id', '=', batchId).execute();
      unit.record({ entity: 'store', entityId: batchId, action: 'import.run', after: { fileName: input.fileName, rows, onDuplicate: input.onDuplicate, ...run.counts } });
      return true;
    });
    if (finished) {
      const customerIds = (await this.d.db.selectFrom('import_items').select('customer_id').where('batch_id', '=', batchId).execute()).map((i) => i.customer_id);
      return { answer: { batchId, ...run.counts, cancelled: false, ...reports(run.report) }, customerIds };
    }
    state.status = 'cancelling';
    this.d.progressed();
    const { back, stays } = await this.cancelRun(batchId, actor, run.counts.skipped);
    // What it imported without some values is gone again: its report keeps the skipped rows only.
    return { answer: { batchId, ...stays, cancelled: true, removed: back.removed, ...reports(run.report.skippedOnly()) }, customerIds: [] };
  }

  private async writeRows(table: Table, run: RunContext, state: RunState, batchId: string, actor: Actor, asked: DateOrderAsked, mapping: ImportMapping): Promise<void> {
    const deps = { customers: this.d.customers, prescriptions: this.d.prescriptions, sqlite: this.d.sqlite };
    let first = true;
    for await (const read of table.chunks(READ_CHUNK_ROWS)) {
      if (first) run.rowCtx.dateOrder = await this.dateOrder(asked, table.headers, mapping, read);
      first = false;
      for (let i = 0; i < read.length && !state.cancel; i += IMPORT_CHUNK_ROWS) {
        const rows = read.slice(i, i + IMPORT_CHUNK_ROWS);
        await this.d.writes.run(actor, async (unit) => {
          await writeChunk(unit, deps, run, rows);
          await writeCounts(unit.trx, batchId, run.counts);
        });
        state.done += rows.length;
        state.total = Math.max(state.total, state.done);
        this.d.progressed();
        await yieldToOthers();
      }
      if (state.cancel) return;
    }
    state.total = state.done;
  }

  cancel(runId: string): { runId: string; cancelling: boolean } {
    const state = this.runs.get(runId);
    if (!state) throw new AppError('import.runNotFound', 'No import is running under this name');
    if (state.status !== 'running' || state.finishing) return { runId, cancelling: false };
    state.cancel = true;
    return { runId, cancelling: true };
  }

  progress(runId: string): Progress {
    const state = this.runs.get(runId);
    if (!state) throw new AppError('import.runNotFound', 'No import is running under this name');
    const { cancel: _cancel, finishing: _finishing, ...progress } = state;
    return progress;
  }

  /** The batches, newest first; a running one with its runId, so a page opened later shows its bar and Cancel. */
  async batches(): Promise<z.infer<typeof ImportBatchSchema>[]> {
    // A batch a crash cut short is shown interrupted, not running (it waits only where there is one).
    await this.interruptedMarked.catch(() => undefined);
    const rows = await this.d.db.selectFrom('import_batches').selectAll().orderBy('started_at', 'desc').limit(100).execute();
    const running = new Map([...this.runs.values()].filter((r) => r.status === 'running' && r.batchId).map((r) => [r.batchId, r.runId]));
    return rows.map((r) => ({ ...batchOut(r), runId: r.status === 'running' ? (running.get(r.id) ?? null) : null }));
  }

  async undo(batchId: string, actor: Actor): Promise<z.infer<typeof ImportUndoOutput>> {
    await this.interruptedMarked;
    // Two clicks, or two pages: refused rather than undone twice, or beside a run.
    if (this.busy) throw this.busyError(batchId);
    this.busy = { kind: 'undo', batchId };
    try {
      const batch = await this.d.db.selectFrom('import_batches').selectAll().where('id', '=', batchId).executeTakeFirst();
      if (!batch) throw new AppError('import.batchNotFound', 'This import was not found');
      if (!batchOut(batch).undoable) throw new AppError('import.notUndoable', `This import is ${batch.status}: there is nothing to undo`);
      const later = await laterMerger(this.d.db, batch);
      if (later) {
        throw new AppError('import.undoLaterFirst', `${later.file_name}, imported later, merged into customers of this import: undo it first`, undefined, { batchId: later.id });
      }
      // On record before the first customer goes: a crash or an error half-way leaves the batch
      // interrupted (markInterrupted, or below), its deletions so far attributed to this undo.
      await this.d.writes.run(actor, async (unit) => {
        await unit.trx.updateTable('import_batches').set({ undo_started_at: this.now() }).where('id', '=', batchId).execute();
        unit.record({ entity: 'store', entityId: batchId, action: 'import.undoStarted', after: { fileName: batch.file_name } });
      });
      try {
        return { batchId, ...(await this.takeBack(batchId, actor, 'undone')) };
      } catch (err) {
        await this.interrupt(batchId, 'import.undoInterrupted', { fileName: batch.file_name }).catch(() => undefined);
        throw err;
      }
    } finally {
      this.busy = null;
    }
  }

  /** Why a run, or the undo of `batchId`, must wait for the one under way. */
  private busyError(batchId?: string): AppError {
    const b = this.busy;
    if (b?.kind === 'undo') {
      return new AppError('import.busy', b.batchId === batchId ? 'This import is being undone already' : 'An import is being undone; wait for it to finish');
    }
    if (batchId && b && this.runs.get(b.runId)?.batchId === batchId) return new AppError('import.busy', 'This import is still running: cancel it instead');
    return new AppError('import.busy', 'Another import is running; wait for it to finish');
  }

  /**
   * A run cancelled, or failed: what it wrote is taken back, and the batch counts what stays (the
   * customers changed meanwhile, kept; the merged given their values back), not what it had written.
   */
  private async cancelRun(batchId: string, actor: Actor, skipped: number): Promise<{ back: UndoCounts; stays: Counts }> {
    const back = await this.takeBack(batchId, actor, 'cancelled');
    const stays = { imported: back.kept, merged: 0, skipped, prescriptions: 0 };
    await this.d.writes.run(actor, ({ trx }) => writeCounts(trx, batchId, stays));
    return { back, stays };
  }

  /** Removes what a batch wrote (see undo.ts), chunk by chunk, then records the undo or the cancellation once. */
  private async takeBack(batchId: string, actor: Actor, outcome: 'undone' | 'cancelled'): Promise<UndoCounts> {
    const batch = await this.d.db.selectFrom('import_batches').selectAll().where('id', '=', batchId).executeTakeFirstOrThrow();
    const items = await this.d.db.selectFrom('import_items').selectAll().where('batch_id', '=', batchId).execute();
    const counts: UndoCounts = { removed: 0, restored: 0, kept: 0 };
    try {
      for (let i = 0; i < items.length; i += IMPORT_CHUNK_ROWS) {
        await this.d.writes.run(actor, (unit) => undoItems(unit, this.d.customers, items.slice(i, i + IMPORT_CHUNK_ROWS), batch.started_at, counts, this.now()));
        await yieldToOthers();
      }
      await this.d.writes.run(actor, async (unit) => {
        await unit.trx.updateTable('import_batches').set({ status: outcome, finished_at: this.now() }).where('id', '=', batchId).execute();
        unit.record({ entity: 'store', entityId: batchId, action: outcome === 'undone' ? 'import.undo' : 'import.cancel', after: { fileName: batch.file_name, ...counts } });
      });
    } finally {
      // Cut half-way too: search must not find the customers the chunks so far removed.
      await this.d.writes.announce(items.map((i) => i.customer_id));
    }
    return counts;
  }

  /** The file as a table. Its body was parsed and its bytes decoded in one turn: calls waiting meanwhile go first. */
  private async readFile(input: { bytes: string; encoding?: z.output<typeof ImportPreviewInput>['encoding'] }): Promise<Table> {
    const bytes = decodeImportBytes(input.bytes);
    await yieldToOthers();
    return readTable(bytes, input.encoding);
  }

  /** The order of the file's dates: as asked, else from its first rows, else the store's country's. */
  private async dateOrder(asked: DateOrderAsked, headers: readonly string[], mapping: ImportMapping, firstRows: readonly string[][]): Promise<DayOrder> {
    if (asked && asked !== 'auto') return asked;
    const dateCols = headers.flatMap((h, i) => (mapping[h] === 'dateOfBirth' || mapping[h] === 'rx.examDate' ? [i] : []));
    const samples = firstRows.flatMap((r) => dateCols.map((i) => r[i] ?? ''));
    return orderFromSamples(samples) ?? defaultOrder(await this.d.country());
  }

  private now(): string {
    return this.d.clock.now().toISOString();
  }

  private today(): string {
    const d = this.d.clock.now();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  }
}

export type { Counts };
