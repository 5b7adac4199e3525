import type { Kysely, Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { OpticValues } from '../../shared/customers/schema';
import { AppError } from '../../shared/errors';
import type { Message } from '../../shared/messages';
import { type OpticPatch, mergeOpticPatch, opticDataOf } from '../../shared/prescriptions/optic-data';
import { checkRx, diffRx, enteredRx, flattenRx, readSaved, rxInputOf } from '../../shared/prescriptions/rules';
import type { PrescriptionVersion, Rx, RxCheck, RxInput, RxProblem } from '../../shared/prescriptions/schema';
import type { Actor } from '../audit/log';
import type { Unit, UnitOfWork } from '../unit-of-work';
import type { Clock } from '../clock';
import type { Database, Db, PrescriptionsTable } from '../db/schema';
import { currentOf } from '../../shared/prescriptions/current';

/** Who wrote seed-shaped optic values: staff here, or the store's cloud (which carries no ADD). */
export type OpticSource = 'staff' | 'cloud';
type Row = Selectable<PrescriptionsTable>;

/**
 * Prescriptions as versions: every save is a new row, a correction points at the version it
 * corrects, nothing is overwritten. The current prescription is the latest exam among the versions
 * no later version corrects.
 */
export class PrescriptionService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly writes: UnitOfWork,
  ) {}

  /** Checks an Rx as staff type it; with a customer, against their age and current prescription. */
  async check(rx: RxInput, customerId?: string): Promise<RxCheck> {
    const context = customerId ? await this.context(this.db, customerId) : { dateOfBirth: null, previous: null };
    return checkRx(rx, { today: this.today(), ...context });
  }

  async create(customerId: string, rx: RxInput, actor: Actor): Promise<PrescriptionVersion> {
    const id = await this.writes.run(actor, async (unit) => {
      await this.context(unit.trx, customerId); // 404 for an unknown customer
      const rows = await this.rows(unit.trx, customerId);
      const same = rows.find((r) => this.sameLenses(r, rx));
      // Save pressed twice on the same exam: the version it already is, not a second one.
      const newer = same && rows.find((r) => r.corrects_id === same.id);
      if (same && !newer) return same.id;
      // The same exam a later version corrected (a second tab showing the old entry): saving it again
      // would make the corrected values current once more.
      if (same && newer) {
        let latest = newer;
        for (let next = rows.find((r) => r.corrects_id === latest.id); next; next = rows.find((r) => r.corrects_id === latest.id)) latest = next;
        throw new AppError('prescription.superseded', `These are the values of version ${same.version}, which version ${newer.version} corrected; correct version ${latest.version} instead`);
      }
      return this.insert(unit, customerId, rx, null, 'rx.');
    });
    return this.version(this.db, id);
  }

  /** Saves a corrected copy of a version; the corrected one stays, pointed at. */
  async correct(id: string, rx: RxInput, actor: Actor): Promise<PrescriptionVersion> {
    const newId = await this.writes.run(actor, async (unit) => {
      const { trx } = unit;
      const old = await trx.selectFrom('prescriptions').selectAll().where('id', '=', id).executeTakeFirst();
      if (!old) throw new AppError('prescription.notFound', 'Prescription not found');
      await this.context(trx, old.customer_id);
      const newer = await trx.selectFrom('prescriptions').select('version').where('corrects_id', '=', id).executeTakeFirst();
      if (newer) {
        throw new AppError('prescription.superseded', `Version ${old.version} was already corrected by version ${newer.version}; correct that one instead`);
      }
      if (this.sameLenses(old, rx)) {
        throw new AppError('prescription.unchanged', `Nothing to correct: these are the values of version ${old.version}`);
      }
      return this.insert(unit, old.customer_id, rx, id, 'rx.');
    });
    return this.version(this.db, newId);
  }

  /** Every version of a customer's prescription, newest first, each with what it changed. */
  async list(customerId: string, db: Db = this.db): Promise<PrescriptionVersion[]> {
    await this.context(db, customerId);
    const rows = await db.selectFrom('prescriptions').selectAll().where('customer_id', '=', customerId).orderBy('version', 'desc').execute();
    const read = new Map(rows.map((r) => [r.id, readSaved(JSON.parse(r.rx) as Rx)]));
    const byVersion = new Map(rows.map((r) => [r.version, r]));
    const currentId = currentRow(rows)?.id;
    const names = await displayNames(db, rows.map((r) => r.created_by));
    return rows.map((r) => {
      const before = r.corrects_id ? rows.find((o) => o.id === r.corrects_id) : byVersion.get(r.version - 1);
      const { rx, problems } = read.get(r.id) as ReturnType<typeof readSaved>;
      const beforeRx = before ? (read.get(before.id) as ReturnType<typeof readSaved>).rx : null;
      const changes = typedChanges(before ? (JSON.parse(before.rx) as Rx) : null, beforeRx, JSON.parse(r.rx) as Rx, rx);
      return { ...toVersion(r, rx, r.id === currentId, changes, problems), createdByName: names.get(r.created_by) ?? r.created_by };
    });
  }

  /** Seed 001's opticData of the current prescription, or null when there is none. */
  async currentOpticData(customerId: string, db: Db = this.db): Promise<(OpticValues & { id: string }) | null> {
    const row = currentRow(await this.rows(db, customerId));
    return row ? { id: row.id, ...opticDataOf(this.fullRx(row)) } : null;
  }

  /** Where the current prescription contradicts itself (see RxProblem); empty when it does not, or there is none. */
  async currentProblems(customerId: string, db: Db = this.db): Promise<RxProblem[]> {
    const row = currentRow(await this.rows(db, customerId));
    return row ? readSaved(JSON.parse(row.rx) as Rx).problems : [];
  }

  /**
   * Records seed-shaped optic values from customers.create/update as a new version (a correction
   * of the current one, if any), inside the caller's unit. Unchanged values record nothing.
   * Errors name `opticData.<path>`. `from` says who wrote the values: staff here (a near row that
   * contradicts the stored ADD is refused, they can fix it) or the store's cloud (see below).
   * Answers whether a version was recorded.
   */
  async recordOpticData(unit: Unit, customerId: string, patch: OpticPatch, legacy: OpticValues | null, from: OpticSource = unit.origin === 'cloud' ? 'cloud' : 'staff') {
    const current = currentRow(await this.rows(unit.trx, customerId));
    const stored = current ? (JSON.parse(current.rx) as Rx) : null;
    const currentFull = current ? this.fullRx(current) : null;
    const empty: RxInput = { kind: 'spectacles', examDate: this.today(), distanceVision: {} };
    const base = stored ? rxInputOf(stored) : legacy ? mergeOpticPatch(empty, legacy) : empty;
    const merged = mergeOpticPatch(base, patch);
    // Rows shown in the grid only because they were derived come back unchanged: keep them derived.
    if (stored && currentFull) {
      const probe = checkRx(merged, { today: this.today() });
      for (const v of ['intermediateVision', 'nearVision'] as const) {
        if (!stored[v] && JSON.stringify(probe.normalized[v]) === JSON.stringify(currentFull[v])) delete merged[v];
      }
    }
    if (from === 'cloud' && merged.nearVision) {
      // The cloud's opticData (seed 001) has no ADD: a near row from there that is not the one our
      // ADD gives is the only reading prescription the cloud states, written there. Keeping our ADD
      // beside it would store a version that contradicts itself; refusing it would drop the cloud's
      // change without anyone to ask (a pull runs unattended). So it is read as a near row written
      // without an ADD, and the rules derive the ADD from it (or keep none for a reading sphere under a
      // distance cylinder); one no ADD can give is refused like any contradiction (left as a conflict).
      // The new version is audited as `sync` and its changes show in the timeline.
      for (const e of ['rightEye', 'leftEye'] as const) delete merged.distanceVision[e]?.add;
    }
    const next = checkRx(merged, { today: this.today() });
    if (currentFull && next.valid && JSON.stringify(opticDataOf(next.normalized as Rx)) === JSON.stringify(opticDataOf(currentFull))) return false;
    await this.insert(unit, customerId, merged, current?.id ?? null, 'opticData.');
    return true;
  }

  /**
   * An imported prescription (import/) for a customer already here, a new version inside the caller's
   * unit unless a version already says the same lenses. Answers its id, or null when it was already
   * there. The caller has checked it.
   */
  async addImportedIn(unit: Unit, customerId: string, rx: RxInput): Promise<string | null> {
    if ((await this.rows(unit.trx, customerId)).some((r) => this.sameLenses(r, rx))) return null;
    return this.insert(unit, customerId, rx, null, 'rx.');
  }

  /**
   * The first versions of customers an import just created, a few statements for a whole chunk
   * (one insert per row would be most of an import's time). The caller has checked each Rx.
   */
  async addFirstVersionsIn(unit: Unit, items: { customerId: string; rx: RxInput }[]): Promise<string[]> {
    const now = this.clock.now().toISOString();
    const rows = items.map(({ customerId, rx }) => {
      const check = checkRx(rx, { today: this.today() });
      if (!check.valid) throw invalid(check.errors, 'rx.');
      const normalized = check.normalized as Rx;
      const entered = enteredRx(rx, normalized);
      return { id: uuidv7(), customer_id: customerId, version: 1, exam_date: normalized.examDate, rx: JSON.stringify(entered), corrects_id: null, created_at: now, created_by: unit.actor.username };
    });
    // 8 columns x 500 rows stays under SQLite's bound parameters limit.
    for (let i = 0; i < rows.length; i += 500) await unit.trx.insertInto('prescriptions').values(rows.slice(i, i + 500)).execute();
    unit.record(rows.map((r) => ({ entity: 'prescription', entityId: r.id, customerId: r.customer_id, action: 'create', after: { customerId: r.customer_id, correctsId: null, rx: JSON.parse(r.rx) as Rx } })));
    return rows.map((r) => r.id);
  }

  /**
   * Whether `rx` says what the version says, however it was typed (an ADD typed or the near row
   * written, `-2` or `-2.00`): the version list would show no change between them. An Rx that does
   * not pass its check is never the same (insert says why).
   */
  private sameLenses(row: Row, rx: RxInput): boolean {
    const check = checkRx(rx, { today: this.today() });
    if (!check.valid) return false;
    const typed = readSaved(enteredRx(rx, check.normalized as Rx)).rx;
    return diffRx(this.fullRx(row), typed).length === 0;
  }

  private async insert({ trx, actor, record }: Unit, customerId: string, rx: RxInput, correctsId: string | null, pathPrefix: string) {
    const check = checkRx(rx, { today: this.today() });
    if (!check.valid) throw invalid(check.errors, pathPrefix);
    const normalized = check.normalized as Rx;
    const last = await trx.selectFrom('prescriptions').select((eb) => eb.fn.max('version').as('v')).where('customer_id', '=', customerId).executeTakeFirst();
    const id = uuidv7();
    await trx
      .insertInto('prescriptions')
      .values({
        id,
        customer_id: customerId,
        version: Number(last?.v ?? 0) + 1,
        exam_date: normalized.examDate,
        rx: JSON.stringify(enteredRx(rx, normalized)),
        corrects_id: correctsId,
        created_at: this.clock.now().toISOString(),
        created_by: actor.username,
      })
      .execute();
    record({
      entity: 'prescription',
      entityId: id,
      customerId,
      action: correctsId ? 'correct' : 'create',
      after: { customerId, correctsId, rx: enteredRx(rx, normalized) },
    });
    return id;
  }

  private async version(db: Db, id: string): Promise<PrescriptionVersion> {
    const row = await db.selectFrom('prescriptions').select('customer_id').where('id', '=', id).executeTakeFirstOrThrow();
    return (await this.list(row.customer_id, db)).find((v) => v.id === id) as PrescriptionVersion;
  }

  private rows(db: Db, customerId: string) {
    return db.selectFrom('prescriptions').selectAll().where('customer_id', '=', customerId).execute();
  }

  /** The stored Rx with near/intermediate derived again (they are not stored when derived). */
  private fullRx(row: Row): Rx {
    return readSaved(JSON.parse(row.rx) as Rx).rx;
  }

  private async context(db: Db, customerId: string) {
    const customer = await db.selectFrom('customers').select('date_of_birth').where('id', '=', customerId).where('deleted_at', 'is', null).executeTakeFirst();
    if (!customer) throw new AppError('customer.notFound', 'Customer not found');
    const current = currentRow(await this.rows(db, customerId));
    return { dateOfBirth: customer.date_of_birth, previous: current ? this.fullRx(current) : null };
  }

  /** Today where the counter is (an exam typed just after local midnight is not "in the future"). */
  private today(): string {
    const d = this.clock.now();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  }
}

/** The latest exam among versions that no other version corrects. */
function currentRow(rows: Row[]): Row | null {
  return currentOf(rows, (r) => ({ id: r.id, correctsId: r.corrects_id, examDate: r.exam_date, version: r.version }));
}

function toVersion(r: Row, rx: Rx, current: boolean, changes: PrescriptionVersion['changes'], problems: RxProblem[]): Omit<PrescriptionVersion, 'createdByName'> {
  return {
    id: r.id,
    customerId: r.customer_id,
    version: r.version,
    createdAt: r.created_at,
    createdBy: r.created_by,
    correctsId: r.corrects_id,
    current,
    rx,
    changes,
    problems,
  };
}

/**
 * What a person changed between two versions: the values either of them typed (the stored Rx), shown
 * as read (with the values derived). A value derived in both, or derived in one and absent from the
 * other (the near rows of a changed ADD, a binocular PD summed), follows from a typed one: it is not
 * listed again. A value typed on one side and derived on the other is (the ADD left to a typed near row).
 */
function typedChanges(beforeTyped: Rx | null, beforeRead: Rx | null, afterTyped: Rx, afterRead: Rx): PrescriptionVersion['changes'] {
  const typed = new Set([...(beforeTyped ? flattenRx(beforeTyped).keys() : []), ...flattenRx(afterTyped).keys()]);
  return diffRx(beforeRead, afterRead).filter((c) => typed.has(c.path));
}

function invalid(errors: Record<string, Message>, prefix: string): AppError {
  return AppError.fields(Object.fromEntries(Object.entries(errors).map(([path, message]) => [`${prefix}${path}`, [message]])), Object.keys(errors).length ? undefined : 'Invalid prescription');
}

/** The display names of the staff who saved versions, by username (a disabled account keeps its name). */
async function displayNames(db: Db, usernames: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(usernames)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('staff').select(['username', 'display_name']).where('username', 'in', unique).execute();
  return new Map(rows.map((r) => [r.username, r.display_name]));
}
