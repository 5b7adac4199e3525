import type BetterSqlite3 from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { DuplicateChoice } from '../../shared/import/schema';
import { say } from '../../shared/messages';
import type { RxInput } from '../../shared/prescriptions/schema';
import { emailKey } from '../customers/records';
import { searchTextOf } from '../customers/fold';
import type { CustomerService } from '../customers/service';
import type { PrescriptionService } from '../prescriptions/service';
import type { Unit } from '../unit-of-work';
import { type Counts, type Item, readItem, writeItems } from './batch-store';
import { type AddressColumns, type CustomerColumns, fillEmpty } from './merge-fill';
import { batchedUnit } from './batched-unit';
import { DuplicateMatcher, type Match } from './matcher';
import { type CustomerCreate, type FieldColumns, type RowContext, type RowProblemT, readRow } from './row-rules';
import type { ReportLines } from './report';
import { flawsOf, lineOf } from './table-reader';

type Choice = z.infer<typeof DuplicateChoice>;

/** What one run knows across its chunks. */
export interface RunContext {
  cols: FieldColumns;
  rowCtx: RowContext;
  onDuplicate: Choice;
  rowChoices: Record<string, Choice>;
  matcher: DuplicateMatcher;
  batchId: string;
  counts: Counts;
  report: ReportLines;
  now: () => string;
}

interface Pending {
  key: string;
  row: number;
  cells: readonly string[];
  customer: CustomerCreate;
  rx: RxInput | null;
  /** What the row lost so far: reported once it is written (or skipped), in one line. */
  problems: RowProblemT[];
}

const PENDING = 'pending:';

/**
 * Writes one chunk of rows in the caller's unit, with what the batch did to each customer
 * (import_items, what an undo reads). Each change is queued for the cloud but not audited one by one
 * (the batch is audited once, with its counts) nor announced to the search index (the batch is, once
 * over): see batched-unit.ts. Only the chunk's own rows are held: what earlier chunks did is read
 * back from the store when a row merges into a customer they touched.
 */
export async function writeChunk(
  unit: Unit,
  deps: { customers: CustomerService; prescriptions: PrescriptionService; sqlite: BetterSqlite3.Database },
  run: RunContext,
  rows: readonly (readonly string[])[],
): Promise<void> {
  const q = batchedUnit(unit);
  const touched: string[] = [];
  const items = new Map<string, Item>();
  let pending: Pending[] = [];
  // A row's customer, known to the matcher by its row until written, by its id after.
  const resolved = new Map<string, string>();

  // Rows skipped as someone already here, told apart from someone deleted meanwhile once per chunk.
  const duplicates: DuplicateRow[] = [];

  const flush = async () => {
    if (pending.length === 0) return;
    let batch = pending;
    pending = [];
    batch = await leaveOutTakenEmails(q, batch, run);
    const inserted = await deps.customers.insertIn(q, batch.map((p) => p.customer));
    const withRx = batch.flatMap((p, i) => (p.rx ? [{ customerId: inserted[i]!.id, rx: p.rx }] : []));
    const rxIds = await deps.prescriptions.addFirstVersionsIn(q, withRx);
    const rxOf = new Map(withRx.map((w, i) => [w.customerId, rxIds[i]!]));
    for (const [i, p] of batch.entries()) {
      const id = inserted[i]!.id;
      resolved.set(p.key, id);
      run.matcher.written(p.key, id);
      const rxId = rxOf.get(id);
      items.set(id, { kind: 'created', before: null, prescriptionIds: rxId ? [rxId] : [], stamp: inserted[i]!.updated_at });
      run.counts.imported++;
      if (rxId) run.counts.prescriptions++;
      touched.push(id);
      if (p.problems.length > 0) run.report.add(p.row, 'imported without some values', p.problems, p.cells);
    }
  };

  for (const cells of rows) {
    const r = readRow(cells, lineOf(cells), run.cols, run.rowCtx, flawsOf(cells));
    if (!r.customer) {
      skip(run, r.row, r.problems, cells);
      continue;
    }
    const match = run.matcher.find(r.customer);
    const choice = match ? (run.rowChoices[String(r.row)] ?? run.onDuplicate) : 'import';
    if (match && choice === 'skip') {
      duplicates.push({ row: r.row, problems: r.problems, cells, id: resolved.get(match.id) ?? match.id, match });
      continue;
    }
    if (match && choice === 'merge') await flush();
    const target = match ? (resolved.get(match.id) ?? match.id) : null;
    // A row it matched that was not written after all (see leaveOutTakenEmails) is no one to merge into.
    if (match && choice === 'merge' && target && !target.startsWith(PENDING)) {
      const unfit = await unfitToMerge(q, target, match.name);
      if (unfit) {
        skip(run, r.row, [...r.problems, { ...unfit, row: r.row, field: 'customer' }], cells);
        continue;
      }
      const problems = [...r.problems, ...(await mergeInto(q, deps, run, items, target, r.customer, r.rx)).map((p) => ({ ...p, row: r.row }))];
      touched.push(target);
      if (problems.length > 0) run.report.add(r.row, 'imported without some values', problems, cells);
      continue;
    }
    // Imported as a new customer: an email someone has is left out (emails are unique among customers).
    const customer = r.customer;
    if (customer.customerData.email && run.matcher.emailHolder(customer.customerData.email)) {
      r.problems.push({ ...say('import.emailTaken', {}, 'Another customer already has this email; left empty'), row: r.row, field: 'email' });
      if (!customer.customerData.phoneNumber) {
        skip(run, r.row, r.problems, cells);
        continue;
      }
      customer.customerData = { ...customer.customerData, email: '' };
    }
    const key = `${PENDING}${r.row}`;
    pending.push({ key, row: r.row, cells, customer, rx: r.rx, problems: r.problems });
    run.matcher.add(DuplicateMatcher.known(key, customer));
  }
  await flush();
  await skipDuplicates(q, run, duplicates);
  await writeItems(unit.trx, run.batchId, items, touched);
}

/**
 * An email given at the counter since the import read the store's customers (a colleague saving a
 * walk-in meanwhile) is found in this chunk's own transaction and left out of the row, as one taken
 * before would be; the row is skipped only when that leaves no way to reach the person.
 */
async function leaveOutTakenEmails(q: Unit, batch: Pending[], run: RunContext): Promise<Pending[]> {
  const keys = batch.flatMap((p) => (p.customer.customerData.email ? [emailKey(p.customer.customerData.email)] : []));
  if (keys.length === 0) return batch;
  const taken = new Set((await q.trx.selectFrom('customers').select('email_key').where('email_key', 'in', keys).where('deleted_at', 'is', null).execute()).map((r) => r.email_key));
  if (taken.size === 0) return batch;
  return batch.filter((p) => {
    const d = p.customer.customerData;
    if (!taken.has(emailKey(d.email))) return true;
    p.problems.push({ ...say('import.emailTaken', {}, 'Another customer already has this email; left empty'), row: p.row, field: 'email' });
    if (!d.phoneNumber) {
      skip(run, p.row, p.problems, p.cells);
      return false;
    }
    p.customer.customerData = { ...d, email: '' };
    return true;
  });
}

function mergedBefore(first: Item['before'] & object, next: Item['before'] & object): Item['before'] & object {
  const address =
    first.address === null ? next.address : first.address === 'none' || next.address === null || next.address === 'none' ? first.address : { ...next.address, ...first.address };
  return { customer: { ...next.customer, ...first.customer }, address, stampBefore: first.stampBefore };
}

function skip(run: RunContext, row: number, problems: RowProblemT[], cells: readonly string[]) {
  run.counts.skipped++;
  run.report.add(row, 'skipped', problems, cells);
}

const REASON_WORDS: Record<Match['reasons'][number], string> = { nameAndBirth: 'name and date of birth', phone: 'phone', email: 'email' };

function duplicateProblem(row: number, match: Match): RowProblemT {
  const same = match.reasons.map((r) => REASON_WORDS[r]).join(', ');
  return { ...say('import.duplicate', { name: match.name }, `Skipped: may be ${match.name}, already here (same ${same})`), row, field: 'customer' };
}

/**
 * Why a row cannot merge into the customer it matched, if it cannot: deleted at the counter since the
 * import read the store (the row's values would go nowhere), or made from the cloud's list on a first
 * sync, whose own details are on their way (filled from the file now, they would be overwritten, and
 * its prescription doubled, when they come).
 */
async function unfitToMerge(q: Unit, id: string, name: string) {
  const target = await q.trx.selectFrom('customers').select(['deleted_at', 'summary_at']).where('id', '=', id).executeTakeFirst();
  if (!target || target.deleted_at !== null) return mergeTargetDeleted(name);
  if (target.summary_at !== null) return say('import.detailsArriving', { name }, `Skipped: ${name}'s details are still arriving from the cloud; import this row again once they are here`);
  return null;
}

/** A row matching `id` (a customer, or a row of this chunk not yet written), to be skipped. */
interface DuplicateRow {
  row: number;
  problems: RowProblemT[];
  cells: readonly string[];
  id: string;
  match: Match;
}

/** Skips rows matching a customer here; one deleted at the counter since the run read the store is said so, not "already here". */
async function skipDuplicates(q: Unit, run: RunContext, rows: readonly DuplicateRow[]) {
  const ids = rows.flatMap((d) => (d.id.startsWith(PENDING) ? [] : [d.id]));
  const live = new Set(ids.length ? (await q.trx.selectFrom('customers').select('id').where('id', 'in', ids).where('deleted_at', 'is', null).execute()).map((c) => c.id) : []);
  for (const d of rows) {
    const why = d.id.startsWith(PENDING) || live.has(d.id) ? duplicateProblem(d.row, d.match) : { ...mergeTargetDeleted(d.match.name), row: d.row, field: 'customer' };
    skip(run, d.row, [...d.problems, why], d.cells);
  }
}

const mergeTargetDeleted = (name: string) =>
  say('import.mergeTargetDeleted', { name }, `Skipped: ${name} was deleted while the import ran; import this row again if they should come back`);

/**
 * Fills the customer's empty fields from the row and adds its prescription as a new version unless
 * they have it. Answers what it left out (an email someone else has).
 */
async function mergeInto(
  q: Unit,
  deps: { prescriptions: PrescriptionService },
  run: RunContext,
  items: Map<string, Item>,
  id: string,
  row: CustomerCreate,
  rx: RxInput | null,
): Promise<Omit<RowProblemT, 'row'>[]> {
  const { trx } = q;
  const current = await trx.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const address = (await trx.selectFrom('customer_addresses').select(['street', 'city', 'zip_code', 'state']).where('customer_id', '=', id).executeTakeFirst()) ?? null;
  const email = row.customerData.email;
  const holder = email ? run.matcher.emailHolder(email) : null;
  // The rows before this merge are written (see writeChunk): a holder still known by its row never was.
  // The store is asked too: a colleague may have given the email to a walk-in since the import read it.
  const emailFree =
    (holder === null || holder === id) &&
    !(email && (await trx.selectFrom('customers').select('id').where('email_key', '=', emailKey(email)).where('deleted_at', 'is', null).where('id', '!=', id).executeTakeFirst()));
  const left = email && !current.email && !emailFree ? [{ ...say('import.emailTaken', {}, 'Another customer already has this email; left empty'), field: 'email' }] : [];
  const fill = fillEmpty(current as CustomerColumns, address as AddressColumns | null, row, emailFree);
  const now = run.now();
  const changed = Object.keys(fill.customer).length > 0 || fill.address !== null;
  if (Object.keys(fill.customer).length > 0) {
    const next = { ...current, ...fill.customer };
    await trx
      .updateTable('customers')
      .set({ ...fill.customer, email_key: emailKey(next.email), search_text: searchTextOf({ firstName: next.first_name, lastName: next.last_name, email: next.email, phoneNumber: next.phone_number }) })
      .where('id', '=', id)
      .execute();
    if (fill.customer.email) run.matcher.add({ ...next, email_key: emailKey(next.email) });
  }
  if (fill.address) {
    if (address) await trx.updateTable('customer_addresses').set(fill.address).where('customer_id', '=', id).execute();
    else await trx.insertInto('customer_addresses').values({ id: uuidv7(), customer_id: id, street: null, city: null, zip_code: null, state: null, ...fill.address }).execute();
  }
  const rxId = rx ? await deps.prescriptions.addImportedIn(q, id, rx) : null;
  if (!changed && !rxId) return left;
  await trx.updateTable('customers').set({ updated_at: now }).where('id', '=', id).execute();
  if (changed) q.queue([{ entity: 'customer', entityId: id, customerId: id, action: 'update' }]);
  const item = items.get(id) ?? (await readItem(trx, run.batchId, id));
  if (item) {
    items.set(id, item);
    // Merged twice in one file, or into a customer this batch created: each field's first value before stands.
    if (item.before) item.before = mergedBefore(item.before, fill.before);
    item.stamp = now;
    if (rxId) item.prescriptionIds.push(rxId);
  } else {
    items.set(id, { kind: 'merged', before: { ...fill.before, stampBefore: current.updated_at }, prescriptionIds: rxId ? [rxId] : [], stamp: now });
    run.counts.merged++;
  }
  if (rxId) run.counts.prescriptions++;
  return left;
}
