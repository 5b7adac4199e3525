import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect } from 'vitest';
import { DB_FILE_NAME } from '../../src/main/db/database';
import type { ChannelInput, ChannelOutput } from '../../src/shared/contract';
import { opticDataOf } from '../../src/shared/prescriptions/optic-data';
import type { SyncStatus } from '../../src/shared/sync/schema';
import type { CloudCustomer, CloudServer } from '../cloud/server';
import { png, sha256 } from '../helpers/files';
import { HostCallError, type HostProcess } from '../helpers/host-process';
import { STORE, connect, connectHost, syncUntilSettled } from '../helpers/sync';
import { hostSyncTest } from '../helpers/sync-fixtures';
import { mulberry32 } from '../helpers/prng';
import { scaledTimeline } from '../../src/main/sync/timeline';

/*
 * Fault injection for sync (issue 5, "Proof we expect"): the browser host as a child process against
 * the test cloud over real HTTP, with 5xx, resets after commit, cut-off replies, latency and token
 * expiry switched on, the host killed with SIGKILL at random points and started again on the same
 * data dir. At the end the cloud must hold exactly the local set, nothing acknowledged lost, nothing
 * duplicated, nothing left in the outbox. Randomness comes from one seed (printed; set
 * SYNC_FAULTS_SEED to replay a run).
 *
 * The cloud's rate limit is on, at its default (100 requests a minute per user, sliding), and so is
 * the app's own limiter, as in a store. The hosts' sync timelines and the cloud's rate limiter run on
 * one clock SYNC_TIME_SCALE times faster than real time (OPTICOUNTER_SYNC_TIME_SCALE, timeline.ts):
 * the chaos run sends a few hundred requests in under a minute, which a real-time limit would
 * stretch to several minutes, while a restarted host (its limiter's memory gone, the cloud's window
 * still full) still meets real 429s and has to wait them out.
 */

const SEED = Number(process.env.SYNC_FAULTS_SEED ?? 20_260_115);
const SYNC_TIME_SCALE = 30;
const timeline = scaledTimeline(SYNC_TIME_SCALE);

// ---------------------------------------------------------------------------------------------
// Canonical customer form: what "field by field" compares, the same whether read from the host's
// customers.get or from the cloud's storage.
// ---------------------------------------------------------------------------------------------

type CustomerDataField = 'firstName' | 'lastName' | 'email' | 'phoneNumber' | 'dateOfBirth' | 'sex';
const ADDRESS = ['street', 'city', 'zipCode', 'state'] as const;
const VISIONS = ['distanceVision', 'intermediateVision', 'nearVision'] as const;
const EYES = ['rightEye', 'leftEye'] as const;

interface Canon {
  customerData: Record<CustomerDataField, string | null>;
  address: Record<(typeof ADDRESS)[number], string | null>;
  /** JSON of {vision: {eye: {sph, cyl, axis}}} with numbers written one way ("-1.25", "0", "90"). */
  opticData: string | null;
}

type Doc = Record<string, unknown> | null | undefined;

function text(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  const s = String(v).trim();
  return s === '' ? null : s;
}

/** A prescription value as one string: "-1.250" / "-1.25", "PL" / "0", "090" / "90" are the same. */
function measure(v: unknown): string {
  const s = text(v);
  if (s === null || s.toUpperCase() === 'PL') return '0';
  const n = Number(s.replace(',', '.'));
  return Number.isFinite(n) ? String(n) : s;
}

function canonOptic(optic: Doc): string | null {
  if (!optic) return null;
  const out: Record<string, Record<string, Record<string, string>>> = {};
  for (const v of VISIONS) {
    for (const e of EYES) {
      const eye = (optic[v] as Record<string, Record<string, unknown>> | undefined)?.[e];
      if (!eye || Object.values(eye).every((x) => text(x) === null)) continue;
      (out[v] ??= {})[e] = { sph: measure(eye.sph), cyl: measure(eye.cyl), axis: measure(eye.axis) };
    }
  }
  return Object.keys(out).length > 0 ? JSON.stringify(out) : null;
}

function canon(c: { localData: Doc; address?: Doc; opticData?: Doc }): Canon {
  const l = c.localData ?? {};
  const dob = text(l.dateOfBirth);
  return {
    customerData: {
      firstName: text(l.firstName),
      lastName: text(l.lastName),
      email: text(l.email)?.toLowerCase() ?? null,
      phoneNumber: text(l.phoneNumber),
      dateOfBirth: dob ? dob.slice(0, 10) : null,
      sex: text(l.sex),
    },
    address: Object.fromEntries(ADDRESS.map((f) => [f, text(c.address?.[f])])) as Canon['address'],
    opticData: canonOptic(c.opticData),
  };
}

// ---------------------------------------------------------------------------------------------
// Reading state: a host's local customers, the cloud's.
// ---------------------------------------------------------------------------------------------

interface Live {
  id: string;
  canon: Canon;
  /** `field:sha256`, sorted (a multiset). */
  files: string[];
}

async function readLocal(h: HostProcess, id: string): Promise<Live | null> {
  let detail: ChannelOutput<'customers.get'>;
  try {
    detail = await h.call('customers.get', { id });
  } catch (err) {
    if (err instanceof HostCallError && err.status === 404) return null;
    throw err;
  }
  const files = (await h.call('attachments.list', { customerId: id })).map((a) => `${a.field}:${a.sha256}`).sort();
  return { id, canon: canon(detail), files };
}

async function localIds(h: HostProcess): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const { data, pagination } = await h.call('customers.list', { page, limit: 100, sortBy: 'createdAt', sortOrder: 'asc' });
    ids.push(...data.map((d) => d.id));
    if (page >= pagination.totalPages || data.length === 0) break;
  }
  return ids;
}

async function readAllLocal(h: HostProcess): Promise<Live[]> {
  const out: Live[] = [];
  for (const id of await localIds(h)) {
    const l = await readLocal(h, id);
    if (l) out.push(l);
  }
  return out;
}

function liveCloud(cloud: CloudServer): CloudCustomer[] {
  return cloud.customers(STORE.storeId);
}

/** Live customers keyed by email, canonical; fails on a duplicate email. */
function byEmail<T>(items: T[], emailOf: (t: T) => string | null, what: string): Map<string, T> {
  const out = new Map<string, T>();
  for (const item of items) {
    const email = emailOf(item)?.toLowerCase() ?? '';
    if (out.has(email)) throw new Error(`${what} holds two customers with the email ${email}`);
    out.set(email, item);
  }
  return out;
}

/** The cloud holds exactly `local` (field by field, files of every field present), no duplicates. */
function expectCloudEqualsLocal(cloud: CloudServer, local: Live[], who = 'the PC'): void {
  const inCloud = liveCloud(cloud);
  const cloudByEmail = byEmail(inCloud, (c) => text(c.localData.email), 'the cloud');
  const localByEmail = byEmail(local, (l) => l.canon.customerData.email, who);
  expect([...cloudByEmail.keys()].sort(), `emails in the cloud vs on ${who}`).toEqual([...localByEmail.keys()].sort());
  expect(inCloud).toHaveLength(local.length);
  for (const [email, l] of localByEmail) {
    const c = cloudByEmail.get(email)!;
    expect(canon(c), `cloud copy of ${email}`).toEqual(l.canon);
    // The cloud keeps, per field name, the files of the last upload under it: every file there is one
    // of this customer's, and every field that has files here has some there.
    const localFiles = new Set(l.files);
    for (const f of c.files) expect(localFiles.has(`${f.field}:${f.sha256}`), `cloud file ${f.field}/${f.fileName} of ${email} is one of the PC's`).toBe(true);
    const localFields = new Set(l.files.map((f) => f.split(':')[0]));
    expect(new Set(c.files.map((f) => f.field)), `file fields of ${email} in the cloud`).toEqual(localFields);
  }
}

/** Equal live sets on two PCs, matched by email (their local ids differ). */
function expectSameCustomers(a: Live[], b: Live[]): void {
  const ma = byEmail(a, (l) => l.canon.customerData.email, 'PC A');
  const mb = byEmail(b, (l) => l.canon.customerData.email, 'PC B');
  expect([...ma.keys()].sort()).toEqual([...mb.keys()].sort());
  for (const [email, l] of ma) expect(mb.get(email)!.canon, `PC B's copy of ${email}`).toEqual(l.canon);
}

function cloudStamp(cloud: CloudServer): string {
  return JSON.stringify(cloud.customers(STORE.storeId, { includeDeleted: true }).map((c) => [c.id, c.updatedAt, c.deletedAt]));
}

/** What is left in a PC's outbox, with its links: read straight from its database (read-only; the host may be running). */
function outboxDump(dir: string): string {
  const db = new BetterSqlite3(join(dir, DB_FILE_NAME), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('select o.*, l.cloud_id, l.remote_updated_at, l.shadow from sync_outbox o left join sync_links l on l.local_id = o.customer_id order by o.id').all();
    return JSON.stringify(rows, null, 1);
  } finally {
    db.close();
  }
}

/**
 * "Sync now" on every PC in turn until a whole pass leaves the cloud unchanged with nothing pending
 * anywhere: then every PC has pushed all it had and pulled everything the others pushed.
 */
async function settle(cloud: CloudServer, pcs: HostProcess[], maxPasses = 12): Promise<SyncStatus[]> {
  let statuses: SyncStatus[] = [];
  for (let pass = 0; pass < maxPasses; pass++) {
    const before = cloudStamp(cloud);
    statuses = [];
    for (const pc of pcs) statuses.push(await pc.call('sync.now', {}));
    if (statuses.every((s) => s.pending === 0 && s.state === 'idle') && cloudStamp(cloud) === before) return statuses;
  }
  throw new Error(`sync did not settle in ${maxPasses} passes: ${JSON.stringify(statuses)}`);
}

// ---------------------------------------------------------------------------------------------
// Random data, from one seeded generator.
// ---------------------------------------------------------------------------------------------


class Rand {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** Up to n distinct items. */
  sample<T>(xs: readonly T[], n: number): T[] {
    const copy = [...xs];
    const out: T[] = [];
    while (out.length < n && copy.length > 0) out.push(copy.splice(Math.floor(this.next() * copy.length), 1)[0] as T);
    return out;
  }
  weighted<K extends string>(weights: Record<K, number>): K {
    const entries = Object.entries(weights) as [K, number][];
    let r = this.next() * entries.reduce((s, [, w]) => s + w, 0);
    for (const [k, w] of entries) {
      r -= w;
      if (r < 0) return k;
    }
    return entries[entries.length - 1]![0];
  }
}

const FIRST = ['Amina', 'Bruno', 'Chloé', 'Driss', 'Élodie', 'Farid', 'Giulia', 'Hugo', 'Inès', 'Jonas', 'Karim', 'Léa', 'Mehdi', 'Nora', 'Omar', 'Pauline', 'Rania', 'Sami', 'Théo', 'Yasmine'];
const LAST = ['Alaoui', 'Bernard', 'Cohen', 'Dubois', 'El Fassi', 'Fournier', 'García', 'Haddad', 'Ibrahim', 'Jaber', 'Klein', 'Lambert', 'Martin', 'Nguyen', 'Ouazzani', 'Petit'];
const STREETS = ['12 rue de la Paix', '4 avenue Hassan II', '221B Baker Street', '7 boulevard Zerktouni', '18 place du Marché', '3 impasse des Lilas'];
const CITIES = ['Casablanca', 'Rabat', 'Lyon', 'Marseille', 'Tanger', 'Bordeaux'];
const FIELDS = ['prescription', 'idCard', 'other'] as const;

const two = (r: Rand) => String(r.int(10, 99));
const phone = (r: Rand) => `+212 6 ${two(r)} ${two(r)} ${two(r)} ${two(r)}`;
const fmt = (v: number) => (v === 0 ? '0' : `${v > 0 ? '+' : '-'}${Math.abs(v).toFixed(2)}`);
const diopter = (r: Rand, min: number, max: number) => fmt(r.int(min * 4, max * 4) / 4);
const eye = (r: Rand) => {
  const cyl = diopter(r, -2, 0);
  return { sph: diopter(r, -4, 3), cyl, axis: cyl === '0' ? '0' : String(r.int(1, 180)) };
};

/** Today where the host runs (exam dates may not be in the future). */
function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function newCustomer(r: Rand, email: string): ChannelInput<'customers.create'> {
  return {
    customerData: {
      firstName: r.pick(FIRST),
      lastName: r.pick(LAST),
      email,
      phoneNumber: phone(r),
      dateOfBirth: `19${r.int(40, 99)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`,
      sex: r.pick(['male', 'female'] as const),
    },
    ...(r.chance(0.6) ? { address: { street: r.pick(STREETS), city: r.pick(CITIES), zipCode: String(r.int(10000, 99999)) } } : {}),
    ...(r.chance(0.5) ? { opticData: { distanceVision: { rightEye: eye(r), leftEye: eye(r) } } } : {}),
  };
}

/** A new prescription version (dated today, so it becomes the current one); with near vision or without. */
function newRx(r: Rand, withNear = r.chance(0.6)): ChannelInput<'prescriptions.create'>['rx'] {
  const right = eye(r);
  const left = eye(r);
  const add = r.int(3, 12) / 4;
  const near = (e: { sph: string; cyl: string; axis: string }) => ({ ...e, sph: fmt(Number(e.sph) + add) });
  return {
    kind: 'spectacles',
    examDate: today(),
    distanceVision: { rightEye: right, leftEye: left },
    ...(withNear ? { nearVision: { rightEye: near(right), leftEye: near(left) } } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// The model of what the host acknowledged.
// ---------------------------------------------------------------------------------------------

/** null: deleted. */
type State = Live | null;

interface Op {
  label: string;
  /** Existing customers it touches (a burst touches each at most once). */
  ids: string[];
  send(h: HostProcess): Promise<unknown>;
  /** The states once the host said 200. */
  acked(reply: unknown): [string, State][];
  /** The reply never came (the host was killed): reads what the restarted host has, checks it is before or after, adopts it. */
  unknown(h: HostProcess): Promise<[string, State][]>;
}

class Model {
  readonly states = new Map<string, State>();
  private emailCounter = 0;

  constructor(private readonly tag: string) {}

  freshEmail(): string {
    return `c${++this.emailCounter}.${this.tag}@shop.example.com`;
  }

  live(): string[] {
    return [...this.states].filter(([, s]) => s !== null).map(([id]) => id);
  }

  apply(changes: [string, State][]): void {
    for (const [id, s] of changes) this.states.set(id, s);
  }

  get(id: string): Live {
    const s = this.states.get(id);
    if (!s) throw new Error(`model: ${id} is not live`);
    return s;
  }
}

function withCanon(s: Live, patch: (c: Canon) => void): Live {
  const c = structuredClone(s.canon);
  patch(c);
  return { ...s, canon: c };
}

/** The reply never came: the host must have one of the allowed states; the model takes it. */
async function adopt(h: HostProcess, id: string, allowed: State[], label: string): Promise<[string, State][]> {
  const actual = await readLocal(h, id);
  const ok = allowed.some((a) => JSON.stringify(a) === JSON.stringify(actual) || (a && actual && a.canon.opticData === '*' && JSON.stringify({ ...a, canon: { ...a.canon, opticData: actual.canon.opticData } }) === JSON.stringify(actual)));
  if (!ok) throw new Error(`${label}: after the restart the host has ${JSON.stringify(actual)}, neither before nor after: ${JSON.stringify(allowed)}`);
  return [[id, actual]];
}

function planOp(r: Rand, m: Model, avoid: Set<string>): Op {
  const candidates = m.live().filter((id) => !avoid.has(id));
  const kind =
    candidates.length < 6
      ? 'create'
      : r.weighted({ create: 22, name: 14, phone: 10, address: 12, email: 5, delete: 4, bulkDelete: 2, attach: 10, rx: 12 });
  const id = candidates.length > 0 ? r.pick(candidates) : '';
  const before = id ? m.get(id) : null;
  const update = (label: string, input: ChannelInput<'customers.update'>, patch: (c: Canon) => void): Op => {
    const after = withCanon(before!, patch);
    return {
      label,
      ids: [id],
      send: (h) => h.call('customers.update', input),
      acked: () => [[id, after]],
      unknown: (h) => adopt(h, id, [before, after], label),
    };
  };

  switch (kind) {
    case 'create': {
      const email = m.freshEmail();
      const input = newCustomer(r, email);
      const expected = (newId: string): Live => ({ id: newId, canon: canon({ localData: input.customerData, address: input.address as Doc, opticData: input.opticData as Doc }), files: [] });
      return {
        label: `create ${email}`,
        ids: [],
        send: (h) => h.call('customers.create', input),
        acked: (reply) => {
          const newId = (reply as ChannelOutput<'customers.create'>).customer.id;
          return [[newId, expected(newId)]];
        },
        unknown: async (h) => {
          const { data } = await h.call('customers.list', { search: email, limit: 100 });
          const found = data.filter((d) => d.userName.toLowerCase() === email);
          if (found.length === 0) return [];
          expect(found).toHaveLength(1);
          return adopt(h, found[0]!.id, [expected(found[0]!.id)], `create ${email}`);
        },
      };
    }
    case 'name': {
      const field = r.pick(['firstName', 'lastName'] as const);
      const value = `${field === 'firstName' ? r.pick(FIRST) : r.pick(LAST)}-${r.int(1, 999)}`;
      return update(`${field} of ${id}`, { id, customerData: { [field]: value } }, (c) => (c.customerData[field] = value));
    }
    case 'phone': {
      const value = phone(r);
      return update(`phone of ${id}`, { id, customerData: { phoneNumber: value } }, (c) => (c.customerData.phoneNumber = value));
    }
    case 'email': {
      const value = m.freshEmail();
      return update(`email of ${id}`, { id, customerData: { email: value } }, (c) => (c.customerData.email = value));
    }
    case 'address': {
      const field = r.pick(ADDRESS);
      const value = r.chance(0.2) ? null : field === 'street' ? r.pick(STREETS) : field === 'city' ? r.pick(CITIES) : field === 'zipCode' ? String(r.int(10000, 99999)) : r.pick(['MA', 'FR', 'Île-de-France']);
      return update(`address.${field} of ${id}`, { id, address: { [field]: value } }, (c) => (c.address[field] = value));
    }
    case 'delete':
      return {
        label: `delete ${id}`,
        ids: [id],
        send: (h) => h.call('customers.delete', { id }),
        acked: () => [[id, null]],
        unknown: (h) => adopt(h, id, [before, null], `delete ${id}`),
      };
    case 'bulkDelete': {
      const ids = r.sample(candidates, r.int(2, 4));
      const befores = ids.map((i) => m.get(i));
      return {
        label: `bulk delete ${ids.join(', ')}`,
        ids,
        send: (h) => h.call('customers.bulkDelete', { ids }),
        acked: () => ids.map((i) => [i, null]),
        unknown: async (h) => {
          const out: [string, State][] = [];
          for (const [n, i] of ids.entries()) out.push(...(await adopt(h, i, [befores[n]!, null], `bulk delete ${i}`)));
          // One transaction: all of them or none.
          expect(new Set(out.map(([, s]) => s === null)).size).toBe(1);
          return out;
        },
      };
    }
    case 'attach': {
      const field = r.pick(FIELDS);
      const bytes = png([r.int(0, 255), r.int(0, 255), r.int(0, 255)]);
      const after: Live = { ...before!, files: [...before!.files, `${field}:${sha256(bytes)}`].sort() };
      return {
        label: `attach ${field} to ${id}`,
        ids: [id],
        send: (h) => h.call('attachments.add', { customerId: id, field, fileName: `scan-${r.int(1, 9999)}.png`, bytes: bytes.toString('base64') }),
        acked: () => [[id, after]],
        unknown: (h) => adopt(h, id, [before, after], `attach to ${id}`),
      };
    }
    case 'rx': {
      const rx = newRx(r);
      return {
        label: `prescription for ${id}`,
        ids: [id],
        send: (h) => h.call('prescriptions.create', { customerId: id, rx }),
        acked: (reply) => {
          const v = reply as ChannelOutput<'prescriptions.create'>;
          return [[id, v.current ? withCanon(before!, (c) => (c.opticData = canonOptic(opticDataOf(v.rx) as Doc))) : before]];
        },
        // '*': any prescription (the version may or may not have been saved).
        unknown: (h) => adopt(h, id, [before, withCanon(before!, (c) => (c.opticData = '*'))], `prescription for ${id}`),
      };
    }
  }
  throw new Error(`unknown op ${kind as string}`);
}

// ---------------------------------------------------------------------------------------------
// Fixtures: the clouds, hosts and data dirs of each test (test/helpers/sync-fixtures.ts).
// ---------------------------------------------------------------------------------------------

// The hosts run sync's timers SYNC_TIME_SCALE times faster, and the clouds' rate limiters on the
// same scaled clock; each test gets its cloud, hosts and data dirs from the fixtures, cleaned up after it.
const it = hostSyncTest.extend({
  hostEnv: [{ OPTICOUNTER_SYNC_TIME_SCALE: String(SYNC_TIME_SCALE) }, { scope: 'file' }],
  cloudOptions: { rateLimitClock: () => new Date(timeline.now()) },
});

// ---------------------------------------------------------------------------------------------
// 1. Chaos, one PC.
// ---------------------------------------------------------------------------------------------

describe('chaos: one PC, a flaky cloud, kill -9 at random points', () => {
  it('ends with the cloud holding exactly the local set: nothing acknowledged lost, nothing duplicated, outbox empty', async ({ startCloud, dataDir, startPc }) => {
    const CHANGES = 240;
    const MIN_KILLS = 22;
    const r = new Rand(SEED);
    console.log(`[sync-faults] chaos seed ${SEED} (SYNC_FAULTS_SEED=${SEED} replays the operation mix and the cloud's faults)`);
    const cloud = await startCloud({ seed: SEED });
    const dir = dataDir('chaos');
    const output: string[] = [];
    let host = await startPc(dir, output);
    await connectHost(host, cloud);
    cloud.faults.set({ latencyMs: [0, 15], errorRate: 0.1, resetAfterCommitRate: 0.05, truncateRate: 0.05 });

    const model = new Model(`s${SEED}`);
    /** What happened, in order, for the failure message (ops carry the ids they touch). */
    const trail: string[] = [];
    const stats = { changes: 0, acked: 0, unknown: 0, kills: 0, killsMidSync: 0, killsMidBurst: 0, killsAtStart: 0, tokenExpiries: 0 };
    // Kill points spread over the run; the kinds rotate with a random start.
    const killAt = new Set(r.sample([...Array(195).keys()].map((i) => i + 5), MIN_KILLS - 4));
    const kinds = ['midSync', 'midBurst', 'idle', 'atStart'] as const;
    let kindIndex = r.int(0, 3);

    const restart = async () => {
      trail.push('kill -9');
      await host.kill9();
      stats.kills++;
      host = await startPc(dir, output);
    };

    /** Runs ops at once; those answered count as acknowledged, the rest are resolved after a restart. */
    const burst = async (ops: Op[], killAfterMs: number | null) => {
      const unanswered = new Set(ops);
      const sends = ops.map(async (op) => {
        try {
          const reply = await op.send(host);
          unanswered.delete(op);
          const changes = op.acked(reply);
          trail.push(`${op.label} (acked${op.ids.length === 0 ? `: ${changes[0]?.[0]}` : ''})`);
          model.apply(changes);
          stats.acked++;
        } catch (err) {
          if (err instanceof HostCallError) throw new Error(`${op.label}: the host refused it: ${err.message}`);
          // The host died under it: resolved below.
        }
      });
      if (killAfterMs !== null) {
        await sleep(killAfterMs);
        trail.push('kill -9 (mid-burst)');
        await host.kill9();
        stats.kills++;
      }
      const results = await Promise.allSettled(sends);
      for (const res of results) if (res.status === 'rejected') throw res.reason;
      if (killAfterMs !== null) {
        host = await startPc(dir, output);
        for (const op of unanswered) {
          stats.unknown++;
          const changes = await op.unknown(host);
          trail.push(`${op.label} (no reply; after restart: ${JSON.stringify(changes.map(([id, st]) => [id, st ? 'live' : 'deleted']))})`);
          model.apply(changes);
        }
      }
      expect(unanswered.size === 0 || killAfterMs !== null, `ops unanswered without a kill: ${[...unanswered].map((o) => o.label)}`).toBe(true);
    };

    for (let step = 0; stats.changes < CHANGES; step++) {
      if (step % 17 === 9) {
        cloud.expireAllTokens();
        stats.tokenExpiries++;
      }
      // Another PC on the same account used the cloud's window: a few 429s (Retry-After in scaled seconds).
      if (step % 29 === 14) cloud.faults.set({ tooManyRequests: { count: r.int(1, 2), retryAfterSeconds: r.int(1, 5) } });
      if (r.chance(0.08)) void host.post('sync.now', {}).catch(() => undefined);

      const kill = killAt.has(step) || (stats.changes > CHANGES - 3 && stats.kills < MIN_KILLS) ? kinds[kindIndex++ % kinds.length]! : null;
      if (kill === 'midSync') {
        // Something to push, then "Sync now" without waiting; killed once the cloud has seen the
        // round's first requests.
        await burst([planOp(r, model, new Set())], null);
        stats.changes++;
        const seen = cloud.requestLog().length;
        void host.post('sync.now', {}).catch(() => undefined);
        for (let waited = 0; cloud.requestLog().length === seen && waited < 2_000; waited += 2) await sleep(2);
        if (cloud.requestLog().length > seen) stats.killsMidSync++;
        await sleep(r.int(0, 25));
        await restart();
      } else if (kill === 'midBurst') {
        const ops: Op[] = [];
        const touched = new Set<string>();
        for (let i = r.int(3, 6); i > 0; i--) {
          const op = planOp(r, model, touched);
          if (op.ids.some((id) => touched.has(id))) continue;
          op.ids.forEach((id) => touched.add(id));
          ops.push(op);
        }
        if (r.chance(0.5)) void host.post('sync.now', {}).catch(() => undefined);
        stats.changes += ops.length;
        stats.killsMidBurst++;
        await burst(ops, r.int(0, 30));
      } else if (kill === 'idle') {
        await restart();
      } else if (kill === 'atStart') {
        // The engine syncs as soon as it starts (and a change made at once wakes it too).
        await restart();
        await burst([planOp(r, model, new Set())], null);
        stats.changes++;
        await sleep(r.int(0, 200));
        stats.killsAtStart++;
        await restart();
      } else {
        await burst([planOp(r, model, new Set())], null);
        stats.changes++;
      }
    }

    // The storm is over: the cloud behaves, the PC catches up.
    cloud.faults.reset();
    let status: SyncStatus = await host.call('sync.status', {});
    for (let i = 0; i < 15 && !(i > 0 && status.pending === 0 && status.state === 'idle'); i++) status = await host.call('sync.now', {});
    const local = await readAllLocal(host);
    const conflicts = await host.call('sync.conflicts', {});
    const log = cloud.requestLog();
    console.log(
      `[sync-faults] chaos: ${JSON.stringify(stats)}; ${local.length} customers live; cloud requests ${log.length} ` +
        `(${log.filter((e) => e.status === 'reset').length} reset, ${log.filter((e) => e.status === 'truncated').length} truncated, ` +
        `${log.filter((e) => typeof e.status === 'number' && e.status >= 500).length} 5xx, ${log.filter((e) => e.status === 401).length} 401, ${log.filter((e) => e.status === 429).length} 429); ` +
        `open conflicts ${conflicts.conflicts.length}`,
    );
    for (const c of conflicts.conflicts) console.log(`[sync-faults] chaos conflict: ${c.kind} ${c.field} of ${c.customerId}: mine ${JSON.stringify(c.mine)}, theirs ${JSON.stringify(c.theirs)}, kept ${c.kept}`);

    expect(stats.kills).toBeGreaterThanOrEqual(20);
    expect(stats.killsMidSync).toBeGreaterThan(0);
    expect(log.filter((e) => e.status === 429).length, 'the run met the cloud’s rate limit').toBeGreaterThan(0);
    const about = (ids: string[]) =>
      trail
        .filter((t) => ids.some((id) => t.includes(id)) || t.startsWith('kill'))
        .join('\n')
        .replace(/(kill -9[^\n]*\n)+(?=kill)/g, '')
        .replace(/^(kill -9[^\n]*\n)+/, '');
    if (status.pending !== 0 || status.parked !== 0) {
      const left = outboxDump(dir);
      const ids = [...new Set([...left.matchAll(/"customer_id": "([^"]+)"/g)].map((m) => m[1]!))];
      expect.fail(`sync did not drain: ${JSON.stringify(status)}\noutbox: ${left}\nwhat happened to those customers:\n${about(ids)}\nhost log tail:\n${output.join('').slice(-2000)}`);
    }
    expect(status).toMatchObject({ pending: 0, parked: 0, state: 'idle' });
    for (const c of conflicts.conflicts) console.log(`[sync-faults] chaos conflict on ${c.customerId}; what happened to it:\n${about([c.customerId])}`);

    // Nothing acknowledged was lost here.
    const expectedLive = model.live().sort();
    const extra = local.map((l) => l.id).filter((id) => !expectedLive.includes(id));
    const missing = expectedLive.filter((id) => !local.some((l) => l.id === id));
    if (extra.length > 0 || missing.length > 0) {
      const audit = await Promise.all([...extra, ...missing].map(async (id) => [id, await host.call('audit.list', { customerId: id })]));
      expect.fail(`live here vs acknowledged: extra ${extra.join(', ')}; missing ${missing.join(', ')}\naudit: ${JSON.stringify(audit)}\n${about([...extra, ...missing])}`);
    }
    for (const l of local) expect(l, `customer ${l.id} here vs what the host acknowledged; what happened to it:\n${about([l.id])}\n`).toEqual(model.get(l.id));
    // The cloud holds exactly that, once each.
    expectCloudEqualsLocal(cloud, local);
  }, 240_000);
});

// ---------------------------------------------------------------------------------------------
// 2. Two PCs offline, then converging.
// ---------------------------------------------------------------------------------------------

async function conflictsOf(h: HostProcess) {
  return (await h.call('sync.conflicts', {})).conflicts;
}

async function idByEmail(h: HostProcess, email: string): Promise<string | null> {
  const { data } = await h.call('customers.list', { search: email, limit: 100 });
  return data.find((d) => d.userName.toLowerCase() === email)?.id ?? null;
}

describe('two PCs offline, then back online', () => {
  it('converge to the same state as the cloud, conflicts recorded where an edit lost', async ({ startCloud, twoPcsOn }) => {
    const r = new Rand(SEED + 1);
    const cloud = await startCloud({ seed: SEED + 1 });
    const { a, b, lineB } = await twoPcsOn(cloud);

    // A shared set, on both PCs.
    const emails = ['same-field', 'other-fields', 'edit-vs-delete', 'same-field-2', 'same-value', 'untouched'].map((n) => `${n}@shop.example.com`);
    for (const email of emails) await a.call('customers.create', newCustomer(r, email));
    await settle(cloud, [a, b]);
    expect(await readAllLocal(b)).toHaveLength(emails.length);
    const idA = Object.fromEntries(await Promise.all(emails.map(async (e) => [e.split('@')[0], (await idByEmail(a, e))!] as const)));
    const idB = Object.fromEntries(await Promise.all(emails.map(async (e) => [e.split('@')[0], (await idByEmail(b, e))!] as const)));

    // The internet goes down; both keep working.
    await cloud.stopListening();
    const edit = (h: HostProcess, id: string, input: Omit<ChannelInput<'customers.update'>, 'id'>) => h.call('customers.update', { id, ...input });
    await edit(a, idA['same-field']!, { customerData: { firstName: 'Alpha' } });
    await edit(b, idB['same-field-2']!, { address: { street: '1 rue de B' } });
    await edit(a, idA['other-fields']!, { customerData: { phoneNumber: '+212 6 11 11 11 11' } });
    await a.call('customers.delete', { id: idA['edit-vs-delete']! });
    await edit(a, idA['same-value']!, { address: { city: 'Agadir' } });
    await a.call('customers.create', newCustomer(r, 'new-on-a@shop.example.com'));
    const twin = newCustomer(r, 'both@shop.example.com');
    await a.call('customers.create', { ...twin, customerData: { ...twin.customerData, phoneNumber: '+212 6 22 22 22 22' } });
    await sleep(20); // B's edits are the later ones (edit times are compared to the millisecond)
    await edit(b, idB['same-field']!, { customerData: { firstName: 'Bravo' } });
    await edit(a, idA['same-field-2']!, { address: { street: '2 rue de A' } });
    await edit(b, idB['other-fields']!, { address: { city: 'Fès' } });
    await edit(b, idB['edit-vs-delete']!, { customerData: { lastName: 'Edited-on-B' } });
    await edit(b, idB['same-value']!, { address: { city: 'Agadir' } });
    await b.call('customers.create', newCustomer(r, 'new-on-b@shop.example.com'));
    await b.call('customers.create', { ...twin, customerData: { ...twin.customerData, phoneNumber: '+212 6 33 33 33 33' } });

    // Offline: saves succeeded, the changes wait.
    const [offA, offB] = [await a.call('sync.now', {}), await b.call('sync.now', {})];
    expect(offA).toMatchObject({ state: 'offline' });
    expect(offA.pending).toBeGreaterThanOrEqual(6);
    expect(offB).toMatchObject({ state: 'offline' });
    expect(offB.pending).toBeGreaterThanOrEqual(6);

    // A is back first (B's line stays cut a little longer; without that, who pushes first is up to
    // the engines' backoff timers), then both sync in turn.
    await lineB.down();
    await cloud.resumeListening();
    await settle(cloud, [a]);
    await lineB.up();
    await settle(cloud, [a, b]);

    const [localA, localB] = [await readAllLocal(a), await readAllLocal(b)];
    expectSameCustomers(localA, localB);
    expectCloudEqualsLocal(cloud, localA, 'PC A');
    expectCloudEqualsLocal(cloud, localB, 'PC B');
    const get = (email: string) => {
      const found = localA.find((l) => l.canon.customerData.email === email);
      if (!found) throw new Error(`${email} is not live on PC A`);
      return found.canon;
    };
    const [conflictsA, conflictsB] = [await conflictsOf(a), await conflictsOf(b)];

    // Edit vs delete: the delete wins everywhere; B's edit is kept in a 'deleted' conflict.
    expect(localA.some((l) => l.canon.customerData.email === 'edit-vs-delete@shop.example.com')).toBe(false);
    expect(await readLocal(b, idB['edit-vs-delete']!)).toBeNull();
    const deleted = conflictsB.filter((c) => c.customerId === idB['edit-vs-delete']);
    expect(deleted).toHaveLength(1);
    expect(deleted[0]).toMatchObject({ kind: 'deleted', kept: 'theirs' });
    expect(JSON.stringify(deleted[0]!.mine)).toContain('Edited-on-B');

    // Different fields: both edits survive.
    expect(get('other-fields@shop.example.com')).toMatchObject({ customerData: { phoneNumber: '+212 6 11 11 11 11' }, address: { city: 'Fès' } });

    // Same field: one value everywhere, the other kept as a conflict on the PC whose edit lost.
    for (const [name, field, valueA, valueB] of [
      ['same-field', 'customerData.firstName', 'Alpha', 'Bravo'],
      ['same-field-2', 'address.street', '2 rue de A', '1 rue de B'],
    ] as const) {
      const [group, key] = field.split('.') as ['customerData' | 'address', string];
      const winner = (get(`${name}@shop.example.com`)[group] as Record<string, string | null>)[key];
      expect([valueA, valueB]).toContain(winner);
      const [loserConflicts, loserId, loserValue, winnerConflicts, winnerId] =
        winner === valueA ? [conflictsB, idB[name], valueB, conflictsA, idA[name]] : [conflictsA, idA[name], valueA, conflictsB, idB[name]];
      expect(loserConflicts.filter((c) => c.customerId === loserId), `${name}: the conflict on the PC whose edit lost`).toEqual([
        expect.objectContaining({ kind: 'field', field, mine: loserValue, theirs: winner, kept: 'theirs' }),
      ]);
      expect(winnerConflicts.filter((c) => c.customerId === winnerId), `${name}: no conflict on the PC whose edit won`).toEqual([]);
    }

    // The same value on both: nothing to disagree about.
    expect(get('same-value@shop.example.com').address.city).toBe('Agadir');
    expect([...conflictsA, ...conflictsB].filter((c) => c.customerId === idA['same-value'] || c.customerId === idB['same-value'])).toEqual([]);
    // New on each side: both everywhere. The same person entered on both: one cloud customer.
    expect(get('new-on-a@shop.example.com')).toBeDefined();
    expect(get('new-on-b@shop.example.com')).toBeDefined();
    expect(liveCloud(cloud).filter((c) => c.localData.email === 'both@shop.example.com')).toHaveLength(1);
    expect(cloud.customers(STORE.storeId, { includeDeleted: true }).filter((c) => c.localData.email === 'both@shop.example.com')).toHaveLength(1);

    const [endA, endB] = [await a.call('sync.status', {}), await b.call('sync.status', {})];
    expect(endA).toMatchObject({ pending: 0, parked: 0 });
    expect(endB).toMatchObject({ pending: 0, parked: 0 });
  }, 120_000);

  // DESIGN.md: "both -> later edit wins". The cloud carries no edit times (cloud-api.md), so a PC
  // compares its own edit time with the time the cloud received the other value (its updatedAt):
  // a PC coming back after the other one synced yields to it, and keeps its value as a conflict.
  for (const firstBack of ['earlier', 'later'] as const) {
    it(`two offline edits of one field converge, the loser kept as a conflict (the ${firstBack} editor back first)`, async ({ cloud, twoPcsOn }) => {
      const r = new Rand(SEED + 2);
      const { a, b, lineA, lineB } = await twoPcsOn(cloud);
      const email = `same-field-${firstBack}@shop.example.com`;
      await a.call('customers.create', newCustomer(r, email));
      await settle(cloud, [a, b]);
      const [ida, idb] = [(await idByEmail(a, email))!, (await idByEmail(b, email))!];

      await lineA.down();
      await lineB.down();
      await a.call('customers.update', { id: ida, customerData: { firstName: 'Earlier' } });
      await sleep(50);
      await b.call('customers.update', { id: idb, customerData: { firstName: 'Later' } });
      const [first, second] = firstBack === 'earlier' ? [{ pc: a, line: lineA }, { pc: b, line: lineB }] : [{ pc: b, line: lineB }, { pc: a, line: lineA }];
      await first.line.up();
      await settle(cloud, [first.pc]);
      await second.line.up();
      await settle(cloud, [a, b]);

      const kept = firstBack === 'earlier' ? 'Earlier' : 'Later';
      const lost = firstBack === 'earlier' ? 'Later' : 'Earlier';
      expect(liveCloud(cloud)[0]!.localData.firstName).toBe(kept);
      expect((await readLocal(a, ida))!.canon.customerData.firstName).toBe(kept);
      expect((await readLocal(b, idb))!.canon.customerData.firstName).toBe(kept);
      expect(await conflictsOf(second.pc)).toEqual([expect.objectContaining({ field: 'customerData.firstName', mine: lost, theirs: kept, kept: 'theirs' })]);
      expect(await conflictsOf(first.pc)).toEqual([]);
    }, 60_000);
  }

  it('a delete made on one PC reaches the other PC, which had synced an edit of that customer first', async ({ cloud, twoPcsOn }) => {
    const r = new Rand(SEED + 3);
    const { a, b, lineA, lineB } = await twoPcsOn(cloud);
    const email = 'edited-then-deleted@shop.example.com';
    await a.call('customers.create', newCustomer(r, email));
    await settle(cloud, [a, b]);
    const [ida, idb] = [(await idByEmail(a, email))!, (await idByEmail(b, email))!];

    await lineA.down();
    await lineB.down();
    await a.call('customers.update', { id: ida, customerData: { lastName: 'Edited-on-A' } });
    await b.call('customers.delete', { id: idb });
    // A (the editor) is back first, then B (the deleter); then both, as staff pressing "Sync now".
    await lineA.up();
    await settle(cloud, [a]);
    await lineB.up();
    await settle(cloud, [b]);
    await settle(cloud, [a, b]);

    expect(liveCloud(cloud)).toHaveLength(0);
    expect(await readLocal(b, idb)).toBeNull();
    expect(await readLocal(a, ida), 'the customer B deleted is still live on A').toBeNull();
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// 3. Smaller fault cases, one at a time.
// ---------------------------------------------------------------------------------------------

describe('single faults', () => {
  it('a create whose reply was cut off, then the host killed: exactly one cloud customer after the restart', async ({ cloud, dataDir, startPc }) => {
    const r = new Rand(SEED + 4);
    const dir = dataDir('cut-off');
    let h = await startPc(dir);
    await connectHost(h, cloud);
    await h.call('sync.now', {});
    // The cloud commits each create, then drops the connection / sends half the reply.
    cloud.faults.set({ only: ['POST /customer'], resetAfterCommitRate: 1 });
    await h.call('customers.create', newCustomer(r, 'reset@shop.example.com'));
    await h.call('sync.now', {});
    cloud.faults.set({ resetAfterCommitRate: 0, truncateRate: 1 });
    await h.call('customers.create', newCustomer(r, 'truncated@shop.example.com'));
    await h.call('sync.now', {});
    // Then the line drops before the engine could look them up; staff edit one; the PC dies.
    await cloud.stopListening();
    const posts = () => cloud.requestLog().filter((e) => e.method === 'POST' && e.path === '/customer');
    expect(posts().map((e) => e.status)).toEqual(['reset', 'truncated']);
    const id = (await idByEmail(h, 'truncated@shop.example.com'))!;
    await h.call('customers.update', { id, customerData: { phoneNumber: '+212 6 44 44 44 44' } });
    expect((await h.call('sync.status', {})).pending).toBeGreaterThanOrEqual(1);
    await h.kill9();
    cloud.faults.reset();
    await cloud.resumeListening();

    h = await startPc(dir);
    await settle(cloud, [h]);
    const local = await readAllLocal(h);
    expect(local).toHaveLength(2);
    expectCloudEqualsLocal(cloud, local);
    expect(cloud.customers(STORE.storeId, { includeDeleted: true })).toHaveLength(2);
    expect(posts(), 'never POSTed again').toHaveLength(2);
    expect(local.find((l) => l.id === id)!.canon.customerData.phoneNumber).toBe('+212 6 44 44 44 44');
  }, 60_000);

  it('creates on the wire when the host dies are committed after it is gone: no duplicates after the restart', async ({ cloud, dataDir, startPc }) => {
    const r = new Rand(SEED + 5);
    const dir = dataDir('in-flight');
    let h = await startPc(dir);
    await connectHost(h, cloud);
    for (let i = 0; i < 5; i++) await h.call('customers.create', newCustomer(r, `in-flight-${i}@shop.example.com`));
    await h.call('sync.now', {});
    // The cloud is slow: the POSTs are still in its hands (before the handler) when the PC dies.
    cloud.faults.set({ latencyMs: 400 });
    for (let i = 5; i < 12; i++) await h.call('customers.create', newCustomer(r, `in-flight-${i}@shop.example.com`));
    const seen = cloud.requestLog().length;
    void h.post('sync.now', {}).catch(() => undefined);
    await sleep(600); // past the login/first request, with creates on the wire
    await h.kill9();
    await sleep(600); // the cloud finishes them with no one listening
    const committed = cloud.requestLog().slice(seen).filter((e) => e.method === 'POST' && e.path === '/customer').length;
    cloud.faults.reset();

    h = await startPc(dir);
    await settle(cloud, [h]);
    const local = await readAllLocal(h);
    expect(local).toHaveLength(12);
    expectCloudEqualsLocal(cloud, local);
    expect(cloud.customers(STORE.storeId, { includeDeleted: true })).toHaveLength(12);
    console.log(`[sync-faults] in-flight: ${committed} creates committed after the host was killed`);
  }, 60_000);

  describe('a PC in this process that gives up on a cloud request after 3 s', () => {
    it.override({ coreOptions: { syncTimeoutMs: 3_000 } });

    it('a create whose reply was lost, then an edit before the engine finds it: the edit is sent, no conflict with ourselves', async ({ cloud, pc: { core } }) => {
      await core.call('sync.now', {});
      cloud.faults.set({ only: ['POST /customer'], truncateRate: 1 });
      const { customer } = await core.call('customers.create', newCustomer(new Rand(SEED + 10), 'lost-create@shop.example.com'));
      await core.call('sync.now', {});
      await cloud.stopListening();
      cloud.faults.reset();
      await core.call('customers.update', { id: customer.id, customerData: { lastName: 'EditedAfter' } });
      await cloud.resumeListening();
      await syncUntilSettled(core);
      expect(cloud.customers(STORE.storeId, { includeDeleted: true })).toHaveLength(1);
      expect(liveCloud(cloud)[0]!.localData.lastName).toBe('EditedAfter');
      expect((await core.call('customers.get', { id: customer.id })).localData.lastName).toBe('EditedAfter');
      expect((await core.call('sync.conflicts', {})).conflicts, 'a conflict between this PC and itself').toEqual([]);
    }, 30_000);

    it('an edit whose PUT reply was lost, then a newer edit of the same field: the newer edit stays, no conflict with ourselves', async ({ cloud, pc: { core } }) => {
      const { customer } = await core.call('customers.create', newCustomer(new Rand(SEED + 6), 'lost-put@shop.example.com'));
      await syncUntilSettled(core);
      await core.call('customers.update', { id: customer.id, customerData: { firstName: 'Second' } });
      cloud.faults.set({ only: ['PUT /customer'], resetAfterCommitRate: 1 });
      await core.call('sync.now', {});
      expect(liveCloud(cloud)[0]!.localData.firstName).toBe('Second');
      cloud.faults.reset();
      await sleep(5);
      await core.call('customers.update', { id: customer.id, customerData: { firstName: 'Third' } });
      await syncUntilSettled(core);
      expect((await core.call('customers.get', { id: customer.id })).localData.firstName).toBe('Third');
      expect(liveCloud(cloud)[0]!.localData.firstName).toBe('Third');
      expect((await core.call('sync.conflicts', {})).conflicts, 'a conflict between this PC and itself').toEqual([]);
    }, 30_000);
  });

  describe('a PC in this process that gives up on a cloud request after 5 s', () => {
    it.override({ coreOptions: { syncTimeoutMs: 5_000 } });

    it('an edit saved while the create is on the wire, whose reply is then lost, is not undone', async ({ cloud, pc: { core } }) => {
      await core.call('sync.now', {});
      const { customer } = await core.call('customers.create', newCustomer(new Rand(SEED + 11), 'racing-create@shop.example.com'));
      // The cloud takes 300 ms before handling each request, then cuts the create's reply off.
      cloud.faults.set({ latencyMs: 300, only: ['POST /customer'], truncateRate: 1 });
      cloud.clearRequestLog();
      const round = core.call('sync.now', {});
      await sleep(100); // the POST is in the cloud's hands, not yet committed
      await core.call('customers.update', { id: customer.id, customerData: { lastName: 'SavedMeanwhile' } });
      await round;
      expect(cloud.requestLog().filter((e) => e.method === 'POST').map((e) => e.status)).toEqual(['truncated']);
      cloud.faults.reset();
      await syncUntilSettled(core);
      expect(cloud.customers(STORE.storeId, { includeDeleted: true })).toHaveLength(1);
      expect((await core.call('customers.get', { id: customer.id })).localData.lastName, 'the edit staff saved last').toBe('SavedMeanwhile');
      expect(liveCloud(cloud)[0]!.localData.lastName).toBe('SavedMeanwhile');
    }, 30_000);

    it('an edit saved while the previous PUT of that field is on the wire, whose reply is then lost, is not undone', async ({ cloud, pc: { core } }) => {
      const { customer } = await core.call('customers.create', newCustomer(new Rand(SEED + 7), 'racing-put@shop.example.com'));
      await syncUntilSettled(core);
      await core.call('customers.update', { id: customer.id, customerData: { firstName: 'OnTheWire' } });
      // Every request waits 300 ms before the cloud handles it; the PUT's reply is then dropped.
      cloud.faults.set({ latencyMs: 300, only: ['PUT /customer'], resetAfterCommitRate: 1 });
      cloud.clearRequestLog();
      const round = core.call('sync.now', {});
      while (!cloud.requestLog().some((e) => e.method === 'GET')) await sleep(5); // the read before the write is done: the PUT is on its way
      await sleep(50);
      await core.call('customers.update', { id: customer.id, customerData: { firstName: 'SavedMeanwhile' } });
      await round;
      expect(cloud.requestLog().filter((e) => e.method === 'PUT').map((e) => e.status)).toEqual(['reset']);
      cloud.faults.reset();
      await syncUntilSettled(core);
      expect((await core.call('customers.get', { id: customer.id })).localData.firstName, 'the edit staff saved last').toBe('SavedMeanwhile');
      expect(liveCloud(cloud)[0]!.localData.firstName).toBe('SavedMeanwhile');
    }, 30_000);

    it('a PUT whose reply was lost, then a retry that fails before the cloud handles it: the edit saved meanwhile is not undone', async ({ cloud, pc: { core } }) => {
      const { customer } = await core.call('customers.create', newCustomer(new Rand(SEED + 12), 'two-sends@shop.example.com'));
      await syncUntilSettled(core);
      // 1st PUT: staff save v3 while it is on the wire; the cloud commits v2 and the reply is lost.
      await core.call('customers.update', { id: customer.id, customerData: { firstName: 'V2' } });
      cloud.faults.set({ latencyMs: 300, only: ['PUT /customer'], resetAfterCommitRate: 1 });
      cloud.clearRequestLog();
      const round = core.call('sync.now', {});
      while (!cloud.requestLog().some((e) => e.method === 'GET')) await sleep(5);
      await sleep(50);
      await core.call('customers.update', { id: customer.id, customerData: { firstName: 'V3' } });
      await round;
      // 2nd PUT (v3): a 5xx before the cloud does anything.
      cloud.faults.set({ latencyMs: 0, resetAfterCommitRate: 0, errorRate: 1 });
      await core.call('sync.now', {});
      expect(cloud.requestLog().filter((e) => e.method === 'PUT').map((e) => (typeof e.status === 'number' && e.status >= 500 ? '5xx' : e.status))).toEqual(['reset', '5xx']);
      expect(liveCloud(cloud)[0]!.localData.firstName).toBe('V2');
      cloud.faults.reset();
      await syncUntilSettled(core);
      expect((await core.call('customers.get', { id: customer.id })).localData.firstName, 'the edit staff saved last').toBe('V3');
      expect(liveCloud(cloud)[0]!.localData.firstName).toBe('V3');
      expect((await core.call('sync.conflicts', {})).conflicts, 'a conflict between this PC and itself').toEqual([]);
    }, 30_000);

    it('a create whose reply was lost, the email changed, then the PUT that would send it failed: still one cloud customer', async ({ cloud, pc: { core } }) => {
      await core.call('sync.now', {});
      const { customer } = await core.call('customers.create', newCustomer(new Rand(SEED + 13), 'first-email@shop.example.com'));
      cloud.faults.set({ only: ['POST /customer'], truncateRate: 1 });
      await core.call('sync.now', {});
      await cloud.stopListening(); // no look-up before staff change the email
      await core.call('customers.update', { id: customer.id, customerData: { email: 'second-email@shop.example.com' } });
      await cloud.resumeListening();
      // The look-up finds the customer by its first email; the PUT carrying the new one gets a 5xx.
      cloud.faults.set({ only: ['PUT /customer'], truncateRate: 0, errorRate: 1 });
      await core.call('sync.now', {});
      cloud.faults.reset();
      await syncUntilSettled(core);
      expect(cloud.customers(STORE.storeId, { includeDeleted: true }).map((c) => c.localData.email)).toEqual(['second-email@shop.example.com']);
      expect(cloud.requestLog().filter((e) => e.method === 'POST' && e.path === '/customer')).toHaveLength(1);
    }, 30_000);
  });

  it('a customer deleted before its create was ever sent leaves nothing pending, files included', async ({ cloud, signedInCore: { core } }) => {
    // Made and deleted before sync is set up (or between two rounds): the create was never tried.
    const { customer } = await core.call('customers.create', newCustomer(new Rand(SEED + 14), 'never-sent@shop.example.com'));
    await core.call('attachments.add', { customerId: customer.id, field: 'idCard', fileName: 'id.png', bytes: png().toString('base64') });
    await core.call('customers.delete', { id: customer.id });
    await connect(core, cloud);
    const status = await syncUntilSettled(core);
    expect(status, 'an attachment of a customer that no longer exists, waiting forever').toMatchObject({ pending: 0, parked: 0, state: 'idle' });
    expect(cloud.customers(STORE.storeId, { includeDeleted: true })).toEqual([]);
  }, 30_000);

  it('a new prescription without near vision: the cloud no longer has the old near vision', async ({ cloud, pc: { core } }) => {
    const { customer } = await core.call('customers.create', newCustomer(new Rand(SEED + 8), 'near@shop.example.com'));
    await core.call('prescriptions.create', { customerId: customer.id, rx: newRx(new Rand(SEED + 9), true) });
    await syncUntilSettled(core);
    expect(Object.keys(liveCloud(cloud)[0]!.opticData ?? {})).toContain('nearVision');
    // The next exam: distance only.
    await core.call('prescriptions.create', {
      customerId: customer.id,
      rx: { kind: 'spectacles', examDate: today(), distanceVision: { rightEye: { sph: '-1.00', cyl: '0', axis: '0' }, leftEye: { sph: '-1.25', cyl: '0', axis: '0' } } },
    });
    await syncUntilSettled(core);
    const here = await core.call('customers.get', { id: customer.id });
    expect(canonOptic(here.opticData as Doc)).toBe(canonOptic({ distanceVision: { rightEye: { sph: '-1', cyl: '0', axis: '0' }, leftEye: { sph: '-1.25', cyl: '0', axis: '0' } } }));
    expect(canonOptic(liveCloud(cloud)[0]!.opticData), 'the cloud copy of the prescription').toBe(canonOptic(here.opticData as Doc));
  }, 30_000);
});
