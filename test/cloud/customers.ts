import { createHash, randomUUID } from 'node:crypto';
import { type CustomerCreate, type CustomerUpdate, type ListQuery, parseBulkIds, parseJsonData, parseListQuery } from './customer-input';
import { HttpError, type RequestContext, type Route, json, parseJsonBody, parseMultipart } from './http';
import type { IdempotencyKeys } from './idempotency';
import type { Db } from './store';

/*
 * Seed 001's customers, stored the way its responses are shaped: `localData`, `address` and
 * `opticData` are JSON documents (each with its own id), and the columns beside them are the
 * lower-cased keys that search, sorting and the per-store email rule need. Deletes are soft.
 */

export interface CloudFile {
  field: string;
  fileName: string;
  mimeType: string;
  size: number;
  sha256: string;
  bytes: Buffer;
}

export interface LocalData {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  phoneNumber: string;
  dateOfBirth: string;
  sex: 'male' | 'female';
  customerId: string;
  /** Keys the seed does not define, only when the server keeps them. */
  [unknown: string]: unknown;
}

/** A customer as the server holds it: what tests assert on. */
export interface CloudCustomer {
  id: string;
  storeId: string;
  isActive: boolean;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  localData: LocalData;
  address: Record<string, unknown> | null;
  opticData: Record<string, unknown> | null;
  files: CloudFile[];
  /** Seed 001's list shows them; the detail does not. */
  groups: { id: string; name: string }[];
}

interface Row {
  id: string;
  store_id: string;
  is_active: number;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  local_id: string;
  local_data: string;
  address_id: string | null;
  address: string | null;
  optic_id: string | null;
  optic_data: string | null;
}

type Document = Record<string, unknown>;

const NOT_FOUND = 'Customer not found or does not belong to this store';
const EMAIL_TAKEN = 'Customer with this email already exists';

const SORT_COLUMNS = { name: 'name_key', status: 'is_active', createdAt: 'created_at', updatedAt: 'updated_at' } as const;

export class Customers {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  create(storeId: string, input: CustomerCreate, files: CloudFile[]): CloudCustomer {
    const id = randomUUID();
    this.assertEmailFree(storeId, input.customerData.email, id);
    const at = this.now().toISOString();
    const local = withoutUndefined(input.customerData);
    this.db
      .prepare(
        `INSERT INTO customers (id, store_id, is_active, created_at, updated_at, local_id, local_data, address_id, address,
           optic_id, optic_data, email_key, first_key, last_key, name_key)
         VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        storeId,
        at,
        at,
        randomUUID(),
        JSON.stringify(local),
        input.address ? randomUUID() : null,
        input.address ? JSON.stringify(mergeAddress(null, input.address)) : null,
        input.opticData ? randomUUID() : null,
        input.opticData ? JSON.stringify(mergeOptic(null, input.opticData)) : null,
        ...searchKeys(local),
      );
    this.replaceFiles(id, files);
    return this.find(storeId, id)!;
  }

  /** A partial update: absent fields stay; address fields merge; each opticData vision given replaces that vision. */
  update(storeId: string, id: string, input: CustomerUpdate, files: CloudFile[]): CloudCustomer {
    const row = this.row(storeId, id);
    if (!row) throw new HttpError(404, NOT_FOUND);
    const local = { ...(JSON.parse(row.local_data) as Document), ...withoutUndefined(input.customerData ?? {}) };
    if (input.customerData?.email !== undefined) this.assertEmailFree(storeId, input.customerData.email, id);
    const address = input.address ? mergeAddress(parse(row.address), input.address) : parse(row.address);
    const optic = input.opticData ? mergeOptic(parse(row.optic_data), input.opticData) : parse(row.optic_data);
    this.db
      .prepare(
        `UPDATE customers SET updated_at = ?, local_data = ?, address_id = ?, address = ?, optic_id = ?, optic_data = ?,
           email_key = ?, first_key = ?, last_key = ?, name_key = ? WHERE id = ?`,
      )
      .run(
        this.nextStamp(row.updated_at),
        JSON.stringify(local),
        row.address_id ?? (address ? randomUUID() : null),
        address ? JSON.stringify(address) : null,
        row.optic_id ?? (optic ? randomUUID() : null),
        optic ? JSON.stringify(optic) : null,
        ...searchKeys(local),
        id,
      );
    this.replaceFiles(id, files);
    return this.find(storeId, id)!;
  }

  /**
   * Puts a customer in a group (null: takes them out of every group), as the store's back office
   * would; updatedAt moves, as with any change the list shows.
   */
  setGroup(storeId: string, id: string, group: { id: string; name: string } | null): CloudCustomer {
    const row = this.row(storeId, id);
    if (!row) throw new HttpError(404, NOT_FOUND);
    if (group) {
      this.db
        .prepare('INSERT INTO customer_groups (customer_id, group_id, group_name) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET group_name = excluded.group_name')
        .run(id, group.id, group.name);
    } else {
      this.db.prepare('DELETE FROM customer_groups WHERE customer_id = ?').run(id);
    }
    this.db.prepare('UPDATE customers SET updated_at = ? WHERE id = ?').run(this.nextStamp(row.updated_at), id);
    return this.find(storeId, id)!;
  }

  /** Soft delete; updatedAt moves too, so a change feed (the updatedSince extension) sees it. */
  remove(storeId: string, ids: string[]): number {
    const at = this.now().toISOString();
    let count = 0;
    for (const id of ids) {
      const row = this.row(storeId, id);
      if (!row) continue;
      this.db.prepare('UPDATE customers SET deleted_at = ?, updated_at = ? WHERE id = ?').run(at, this.nextStamp(row.updated_at), id);
      count++;
    }
    return count;
  }

  find(storeId: string, id: string, opts: { includeDeleted?: boolean } = {}): CloudCustomer | null {
    const row = this.row(storeId, id, opts.includeDeleted);
    return row ? this.hydrate(row) : null;
  }

  all(storeId: string, opts: { includeDeleted?: boolean } = {}): CloudCustomer[] {
    const rows = this.db
      .prepare(`SELECT * FROM customers WHERE store_id = ? ${opts.includeDeleted ? '' : 'AND deleted_at IS NULL'} ORDER BY created_at, id`)
      .all(storeId) as Row[];
    return rows.map((r) => this.hydrate(r));
  }

  /** One page of seed 001's list; ties on the sort column are broken by id, so pages never overlap or skip. */
  list(storeId: string, q: ListQuery): { rows: CloudCustomer[]; total: number } {
    const where = ['store_id = ?'];
    const args: unknown[] = [storeId];
    if (!q.includeDeleted) where.push('deleted_at IS NULL');
    if (q.search) {
      const s = q.search.toLowerCase();
      where.push('(instr(first_key, ?) > 0 OR instr(last_key, ?) > 0 OR instr(email_key, ?) > 0)');
      args.push(s, s, s);
    }
    if (q.name) {
      const s = q.name.toLowerCase();
      where.push('(instr(first_key, ?) > 0 OR instr(last_key, ?) > 0)');
      args.push(s, s);
    }
    if (q.isActive !== undefined) {
      where.push('is_active = ?');
      args.push(q.isActive ? 1 : 0);
    }
    if (q.updatedSince) {
      where.push('updated_at >= ?');
      args.push(q.updatedSince);
    }
    const filter = where.join(' AND ');
    const total = (this.db.prepare(`SELECT count(*) AS n FROM customers WHERE ${filter}`).get(...args) as { n: number }).n;
    // "status" sorts by its text: 'active' < 'unactive', i.e. active customers first when ascending.
    const flip = q.sortBy === 'status';
    const dir = (q.sortOrder === 'asc') !== flip ? 'ASC' : 'DESC';
    const rows = this.db
      .prepare(`SELECT * FROM customers WHERE ${filter} ORDER BY ${SORT_COLUMNS[q.sortBy]} ${dir}, id ${dir} LIMIT ? OFFSET ?`)
      .all(...args, q.limit, (q.page - 1) * q.limit) as Row[];
    return { rows: rows.map((r) => this.hydrate(r)), total };
  }

  /** Email is unique per store among live customers, trimmed and compared case-insensitively. */
  private assertEmailFree(storeId: string, email: string, exceptId: string): void {
    const taken = this.db
      .prepare('SELECT 1 FROM customers WHERE store_id = ? AND deleted_at IS NULL AND email_key = ? AND id <> ?')
      .get(storeId, email.trim().toLowerCase(), exceptId);
    if (taken) throw new HttpError(409, EMAIL_TAKEN);
  }

  /** Files sent under a field name replace the files stored under that name; other fields' files stay. */
  private replaceFiles(customerId: string, files: CloudFile[]): void {
    const remove = this.db.prepare('DELETE FROM customer_files WHERE customer_id = ? AND field = ?');
    for (const field of new Set(files.map((f) => f.field))) remove.run(customerId, field);
    const insert = this.db.prepare(
      `INSERT INTO customer_files (customer_id, field, position, file_name, mime_type, size, sha256, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    files.forEach((f, position) => insert.run(customerId, f.field, position, f.fileName, f.mimeType, f.size, f.sha256, f.bytes));
  }

  /**
   * Every write moves updatedAt, even when the clock has not moved (a frozen test clock, or two
   * writes in one millisecond): a client comparing updatedAt must see the change.
   */
  private nextStamp(previous: string): string {
    const now = this.now().getTime();
    const prev = Date.parse(previous);
    return new Date(now > prev ? now : prev + 1).toISOString();
  }

  private row(storeId: string, id: string, includeDeleted = false): Row | undefined {
    return this.db
      .prepare(`SELECT * FROM customers WHERE id = ? AND store_id = ? ${includeDeleted ? '' : 'AND deleted_at IS NULL'}`)
      .get(id, storeId) as Row | undefined;
  }

  private hydrate(r: Row): CloudCustomer {
    const files = this.db
      .prepare('SELECT * FROM customer_files WHERE customer_id = ? ORDER BY field, position')
      .all(r.id) as { field: string; file_name: string; mime_type: string; size: number; sha256: string; bytes: Buffer }[];
    const address = parse(r.address);
    const optic = parse(r.optic_data);
    const groups = this.db.prepare('SELECT group_id AS id, group_name AS name FROM customer_groups WHERE customer_id = ? ORDER BY group_name').all(r.id) as { id: string; name: string }[];
    return {
      groups,
      id: r.id,
      storeId: r.store_id,
      isActive: r.is_active === 1,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      deletedAt: r.deleted_at,
      localData: { id: r.local_id, ...(JSON.parse(r.local_data) as Document), customerId: r.id } as LocalData,
      address: address ? { id: r.address_id, ...address, customerId: r.id } : null,
      opticData: optic ? { id: r.optic_id, ...optic, customerId: r.id } : null,
      files: files.map((f) => ({ field: f.field, fileName: f.file_name, mimeType: f.mime_type, size: f.size, sha256: f.sha256, bytes: f.bytes })),
    };
  }
}

function parse(doc: string | null): Document | null {
  return doc === null ? null : (JSON.parse(doc) as Document);
}

function withoutUndefined(doc: object): Document {
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined));
}

/** The four seed fields are always present (null when never given); a null sent clears one. */
function mergeAddress(old: Document | null, given: Document): Document {
  return { street: null, city: null, zipCode: null, state: null, ...old, ...withoutUndefined(given) };
}

/** Each top-level key given (a vision, or a kept unknown key) replaces the stored one. */
function mergeOptic(old: Document | null, given: Document): Document {
  return { ...old, ...withoutNulls(given) };
}

/** Prescription values are strings or absent: a null sent for one reads as "not given". */
function withoutNulls(doc: Document): Document {
  const out: Document = {};
  for (const [k, v] of Object.entries(doc)) {
    if (v === null || v === undefined) continue;
    out[k] = typeof v === 'object' && !Array.isArray(v) ? withoutNulls(v as Document) : v;
  }
  return out;
}

function searchKeys(local: Document): [email: string, first: string, last: string, name: string] {
  const first = String(local.firstName).toLowerCase();
  const last = String(local.lastName).toLowerCase();
  return [String(local.email).trim().toLowerCase(), first, last, `${first} ${last}`];
}

// ---- the seed's response shapes ----

function record(c: CloudCustomer) {
  return { id: c.id, isActive: c.isActive, createdAt: c.createdAt, updatedAt: c.updatedAt, deletedAt: c.deletedAt };
}

function detail(c: CloudCustomer) {
  return {
    ...record(c),
    localData: c.localData,
    ...(c.address ? { address: c.address } : {}),
    ...(c.opticData ? { opticData: c.opticData } : {}),
    // Not in the seed: lets a client see which documents the server holds.
    files: c.files.map(({ field, fileName, mimeType, size, sha256 }) => ({ field, fileName, mimeType, size, sha256 })),
  };
}

function listItem(c: CloudCustomer, withDeletedAt: boolean) {
  return {
    id: c.id,
    name: `${c.localData.firstName} ${c.localData.lastName}`,
    userName: c.localData.email,
    groups: c.groups,
    isLocal: true,
    status: c.isActive ? 'active' : 'unactive',
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    ...(withDeletedAt ? { deletedAt: c.deletedAt } : {}),
  };
}

async function filesOf(form: FormData): Promise<CloudFile[]> {
  const files: CloudFile[] = [];
  for (const [field, value] of form) {
    if (typeof value === 'string') continue;
    const bytes = Buffer.from(await value.arrayBuffer());
    files.push({
      field,
      fileName: value.name,
      mimeType: value.type || 'application/octet-stream',
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes,
    });
  }
  return files;
}

// ---- routes ----

export function customerRoutes(deps: {
  db: Db;
  customers: Customers;
  idempotency: IdempotencyKeys;
  keepUnknownFields: boolean;
  extensions: boolean;
}): Route[] {
  const { db, customers, idempotency, keepUnknownFields, extensions } = deps;
  const id = (ctx: RequestContext) => ctx.params[0]!;

  return [
    {
      method: 'POST',
      pattern: /^\/customer$/,
      access: 'user',
      async handle(ctx) {
        const form = await parseMultipart(ctx.rawUrl, ctx.headers['content-type'], ctx.body);
        const input = parseJsonData(form, 'create', keepUnknownFields);
        const files = await filesOf(form);
        const header = ctx.headers['idempotency-key'];
        const key = extensions && typeof header === 'string' && header !== '' ? header : null;
        // Look-up, create and the stored reply in one transaction: a concurrent retry cannot slip between.
        return db.transaction(() => {
          const prior = key ? idempotency.find(ctx.storeId, key) : null;
          if (prior) return prior;
          const c = customers.create(ctx.storeId, input, files);
          const reply = json(201, { customer: record(c), localData: c.localData });
          if (key) idempotency.save(ctx.storeId, key, reply);
          return reply;
        })();
      },
    },
    {
      method: 'GET',
      pattern: /^\/customer$/,
      access: 'user',
      handle(ctx) {
        const q = parseListQuery(ctx.url.searchParams, extensions);
        const { rows, total } = customers.list(ctx.storeId, q);
        return json(200, {
          data: rows.map((c) => listItem(c, q.includeDeleted === true)),
          pagination: { page: q.page, limit: q.limit, total, totalPages: Math.ceil(total / q.limit) },
        });
      },
    },
    // Before `/customer/:id`, so "bulk" is never read as an id.
    {
      method: 'DELETE',
      pattern: /^\/customer\/bulk$/,
      access: 'user',
      handle(ctx) {
        const ids = parseBulkIds(parseJsonBody(ctx.body));
        const deletedCount = db.transaction(() => customers.remove(ctx.storeId, ids))();
        if (deletedCount === 0) throw new HttpError(404, 'No valid customers found to delete');
        return json(200, { message: `Successfully deleted ${deletedCount} customer(s)`, deletedCount });
      },
    },
    {
      method: 'GET',
      pattern: /^\/customer\/([^/]+)$/,
      access: 'user',
      handle(ctx) {
        const c = customers.find(ctx.storeId, id(ctx));
        if (!c) throw new HttpError(404, NOT_FOUND);
        return json(200, detail(c));
      },
    },
    {
      method: 'PUT',
      pattern: /^\/customer\/([^/]+)$/,
      access: 'user',
      async handle(ctx) {
        const form = await parseMultipart(ctx.rawUrl, ctx.headers['content-type'], ctx.body);
        const input = parseJsonData(form, 'update', keepUnknownFields);
        const files = await filesOf(form);
        const c = db.transaction(() => customers.update(ctx.storeId, id(ctx), input, files))();
        return json(200, { customer: record(c), localData: c.localData });
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/customer\/([^/]+)$/,
      access: 'user',
      handle(ctx) {
        if (db.transaction(() => customers.remove(ctx.storeId, [id(ctx)]))() === 0) throw new HttpError(404, NOT_FOUND);
        return json(200, { message: 'Customer successfully deleted', customerId: id(ctx) });
      },
    },
  ];
}
