import { type Transaction, sql } from 'kysely';
import { CustomerCreateInput, CustomerUpdateInput } from '../../shared/customers/schema';
import { AppError } from '../../shared/errors';
import type { Actor } from '../audit/log';
import type { CustomerService } from '../customers/service';
import type { CustomerSummary } from '../customers/summary';
import { localData } from '../customers/records';
import type { Database } from '../db/schema';
import type { Logger } from '../log';
import type { Unit, UnitOfWork } from '../unit-of-work';
import { type CustomerDocument, type FieldPath, type Fields, documentOfCustomer, fieldsOf } from './document';

/** Changes the cloud brings are made, and audited, as this user. */
export const SYNC_ACTOR: Actor = { staffId: null, username: 'sync' };


/**
 * Writes what the cloud says into the local store, inside the sync's transaction, through the
 * customer service (so the same rules, search index and audit trail apply) but without queueing the
 * change back to the cloud. Values the local rules refuse are not written: they come back as
 * refused, for the caller to keep as conflicts rather than lose.
 */
export class LocalApply {
  constructor(
    private readonly customers: CustomerService,
    private readonly writes: UnitOfWork,
    private readonly log: Logger,
  ) {}

  /** A transaction applying what the cloud says: audited as `sync`, never queued back to the cloud. */
  fromCloud<T>(work: (unit: Unit) => Promise<T>): Promise<T> {
    return this.writes.run(SYNC_ACTOR, work, 'cloud');
  }

  /** The local customer's fields, or null when it is not live here. */
  async fields(trx: Transaction<Database>, id: string): Promise<Fields | null> {
    try {
      return fieldsOf(documentOfCustomer(await this.customers.getIn(trx, id)));
    } catch (err) {
      if (err instanceof AppError && err.code === 'customer.notFound') return null;
      throw err;
    }
  }

  async document(trx: Transaction<Database>, id: string): Promise<CustomerDocument | null> {
    try {
      return documentOfCustomer(await this.customers.getIn(trx, id));
    } catch (err) {
      if (err instanceof AppError && err.code === 'customer.notFound') return null;
      throw err;
    }
  }

  /** Sets the given fields to `target`'s values; returns the ones the local rules refused. */
  async update(unit: Unit, id: string, target: Fields, paths: FieldPath[]): Promise<FieldPath[]> {
    const input: { id: string; customerData?: Record<string, string>; address?: Record<string, string | null>; opticData?: unknown } = { id };
    const sent: FieldPath[] = [];
    for (const path of paths) {
      const value = target[path];
      const [group, field] = path.split('.') as [string, string | undefined];
      if (group === 'customerData' && field) {
        if (value === null) continue; // required here: an empty value from the cloud is not applied
        (input.customerData ??= {})[field] = value;
      } else if (group === 'address' && field) {
        (input.address ??= {})[field] = value;
      } else if (path === 'opticData') {
        if (value === null) continue; // prescriptions are versions: the cloud cannot erase them
        input.opticData = JSON.parse(value);
      }
      sent.push(path);
    }
    if (sent.length === 0) return [];
    const parsed = CustomerUpdateInput.safeParse(input);
    if (!parsed.success) {
      this.log.warn(`sync: the cloud's values for customer ${id} break local rules (${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}); kept as conflicts`);
      return sent;
    }
    try {
      await refusedWhole(unit.trx, () => this.customers.updateIn(unit, parsed.data));
      return [];
    } catch (err) {
      if (err instanceof AppError && err.status < 500) {
        this.log.warn(`sync: customer ${id} not updated from the cloud (${err.code}); kept as conflicts`);
        return sent;
      }
      throw err;
    }
  }

  /** A customer first seen in the cloud; or why the local rules refuse it (kept for staff to see). */
  async insert(unit: Unit, doc: CustomerDocument): Promise<{ id: string } | { refused: Refusal }> {
    const parsed = parseCloudCustomer(doc);
    if (!parsed.success) {
      this.log.warn(`sync: a cloud customer breaks local rules (${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}); not copied here`);
      return { refused: refusalOf(doc, parsed.error.issues) };
    }
    try {
      const [row] = await refusedWhole(unit.trx, () => this.customers.insertIn(unit, [parsed.data]));
      if (!row) throw new AppError('internal', 'A customer from the cloud was not recorded');
      return { id: row.id };
    } catch (err) {
      // Rules across fields (a prescription that contradicts itself) are only checked as it is
      // recorded, and an email already used here by another customer: such a customer is left out
      // like one the schema refuses, not the whole pull.
      if (err instanceof AppError && err.status < 500) {
        this.log.warn(`sync: a cloud customer breaks local rules (${err.code}); not copied here`);
        const [field] = Object.keys(err.fieldErrors ?? {});
        return { refused: { field: field ?? null, value: valueAt(doc, field ?? null), reason: (field && err.fieldErrors?.[field]?.[0]) || err.message } };
      }
      throw err;
    }
  }

  /** A customer as the cloud's list has it, its detail to come (null: the local rules cannot hold it so). */
  /** The fields (as sync compares them) of the customer made, the link's first shadow; null: not made. */
  async insertSummary(unit: Unit, summary: CustomerSummary): Promise<{ id: string; fields: Fields } | null> {
    const row = await this.customers.insertSummaryIn(unit, summary);
    return row ? { id: row.id, fields: fieldsOf(documentOfCustomer({ localData: localData(row), address: null, opticData: null })) } : null;
  }

  updateSummary(unit: Unit, id: string, summary: CustomerSummary): Promise<void> {
    return this.customers.updateSummaryIn(unit, id, summary);
  }

  /** The cloud's full copy of the customer has been applied: no longer "details arriving". */
  detailsArrived(trx: Transaction<Database>, id: string): Promise<void> {
    return this.customers.detailsArrivedIn(trx, id);
  }

  async delete(unit: Unit, id: string): Promise<void> {
    await this.customers.deleteIn(unit, [id]);
  }
}

/** A cloud customer read with the rules of a local create. */
function parseCloudCustomer(doc: CustomerDocument) {
  return CustomerCreateInput.safeParse({
    customerData: pick(doc.customerData, ['firstName', 'lastName', 'email', 'phoneNumber', 'dateOfBirth', 'sex']),
    ...(doc.address ? { address: pick(doc.address, ['street', 'city', 'zipCode', 'state']) } : {}),
    ...(doc.opticData ? { opticData: doc.opticData } : {}),
  });
}

function refusalOf(doc: CustomerDocument, issues: { path: PropertyKey[]; message: string }[]): Refusal {
  const field = issues[0]?.path.map(String).join('.') || null;
  return { field, value: valueAt(doc, field), reason: issues.map((i) => i.message).join('; ') };
}

/** Why the local rules would refuse this cloud customer as a whole (null: they take it), as a create would say. */
export function refusalOfCloudCustomer(doc: CustomerDocument): Refusal | null {
  const parsed = parseCloudCustomer(doc);
  return parsed.success ? null : refusalOf(doc, parsed.error.issues);
}

/** Why the local rules refuse a cloud customer: the first field at fault, and the rule in words. */
export interface Refusal {
  field: string | null;
  value: string | null;
  reason: string;
}

/** The document's value at a dotted path, as text: what staff compare with the rule. */
function valueAt(doc: CustomerDocument, path: string | null): string | null {
  if (!path) return null;
  let at: unknown = doc;
  for (const key of path.split('.')) at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  return typeof at === 'string' || typeof at === 'number' ? String(at) : null;
}

/**
 * Runs one customer's write inside a savepoint of the sync's transaction: when the local rules
 * refuse part of it (say its prescription, checked last), none of it stays half-written.
 */
async function refusedWhole<T>(trx: Transaction<Database>, write: () => Promise<T>): Promise<T> {
  await sql`savepoint cloud_customer`.execute(trx);
  try {
    const out = await write();
    await sql`release cloud_customer`.execute(trx);
    return out;
  } catch (err) {
    await sql`rollback to cloud_customer`.execute(trx);
    await sql`release cloud_customer`.execute(trx);
    throw err;
  }
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) out[k] = o[k];
  return out;
}
