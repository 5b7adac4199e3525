import { randomInt, randomUUID, sign } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../../src/shared/licence/canonical';
import { CROCKFORD, checkKey, keyFromData } from '../../src/shared/licence/key';
import { HttpError, type Reply, type Route, json, parseJsonBody } from './http';
import type { LicenceSigner } from './signer';
import type { Db } from './store';

/*
 * Licences (cloud-api.md "Licences", seed 002): a key belongs to one store and has a number of seats
 * (activations, one per machine). Activate and refresh answer a freshly issued licence signed with
 * Ed25519 over its canonical JSON; the app checks the signature against the public key it ships.
 * An expired licence is still signed and returned: deciding what expiry means is the app's job.
 */

export interface Licence {
  id: string;
  key: string;
  productType: 'base_product';
  status: 'active' | 'revoked';
  expiresAt: string | null;
  storeId: string;
  machineId: string;
  issuedAt: string;
  refreshAfter: string;
}

interface Row {
  id: string;
  key: string;
  store_id: string;
  status: 'active' | 'revoked';
  expires_at: string | null;
  max_activations: number;
}

const REFRESH_AFTER_MS = 30 * 24 * 60 * 60 * 1000;
const NOT_FOUND = 'Licence key not found';
const REVOKED = 'This licence has been revoked';

const keyField = z.string({ error: 'key must be a string' }).transform((s, ctx) => {
  const checked = checkKey(s);
  if (!checked.ok) ctx.addIssue({ code: 'custom', message: `key is not a valid licence key: ${checked.message}` });
  return checked.ok ? checked.key : s;
});
const machineId = z.string({ error: 'machineId must be a string' }).min(1, 'machineId should not be empty');
const NOT_AN_OBJECT = { error: 'the body must be a JSON object' };
const ActivateBody = z.object({ key: keyField, machineId, appVersion: z.string({ error: 'appVersion must be a string' }) }, NOT_AN_OBJECT);
const SeatBody = z.object({ key: keyField, machineId }, NOT_AN_OBJECT);

export class Licences {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly signer: LicenceSigner,
  ) {}

  /** Adds a licence to a store; without a key, a valid one is made up. */
  add(l: { storeId: string; key?: string; expiresAt?: string | null; maxActivations?: number }): string {
    let key: string;
    if (l.key === undefined) {
      key = keyFromData(Array.from({ length: 15 }, () => CROCKFORD[randomInt(32)]).join(''));
    } else {
      const checked = checkKey(l.key);
      if (!checked.ok) throw new Error(checked.message);
      key = checked.key;
    }
    this.db
      .prepare('INSERT INTO licences (id, key, store_id, status, expires_at, max_activations) VALUES (?, ?, ?, ?, ?, ?)')
      .run(randomUUID(), key, l.storeId, 'active', l.expiresAt ?? null, l.maxActivations ?? 1);
    return key;
  }

  revoke(key: string): void {
    const checked = checkKey(key);
    const changed = checked.ok && this.db.prepare(`UPDATE licences SET status = 'revoked' WHERE key = ?`).run(checked.key).changes > 0;
    if (!changed) throw new Error(`No licence ${key}`);
  }

  list(storeId: string): { key: string; status: 'active' | 'revoked'; activations: string[] }[] {
    return this.rows(storeId).map((r) => ({
      key: r.key,
      status: r.status,
      activations: (
        this.db.prepare('SELECT machine_id FROM activations WHERE licence_id = ? ORDER BY activated_at, machine_id').all(r.id) as {
          machine_id: string;
        }[]
      ).map((a) => a.machine_id),
    }));
  }

  /** A machine already holding a seat may activate again (a reinstall): it gets a fresh licence. */
  activate(storeId: string, body: unknown): Reply {
    const { key, machineId } = parse(ActivateBody, body);
    return this.db.transaction(() => {
      const row = this.usable(storeId, key);
      if (!this.hasSeat(row.id, machineId)) {
        const used = (this.db.prepare('SELECT count(*) AS n FROM activations WHERE licence_id = ?').get(row.id) as { n: number }).n;
        if (used >= row.max_activations) {
          throw new HttpError(409, `Activation limit reached: this licence is active on ${used} machine(s)`);
        }
        this.db.prepare('INSERT INTO activations (licence_id, machine_id, activated_at) VALUES (?, ?, ?)').run(row.id, machineId, this.now().toISOString());
      }
      return this.issue(row, machineId);
    })();
  }

  refresh(storeId: string, body: unknown): Reply {
    const { key, machineId } = parse(SeatBody, body);
    const row = this.usable(storeId, key);
    if (!this.hasSeat(row.id, machineId)) throw new HttpError(404, 'This machine has no activation for this licence');
    return this.issue(row, machineId);
  }

  /** Frees the machine's seat; freeing a seat the machine does not hold is not an error (a retried call). */
  deactivate(storeId: string, body: unknown): Reply {
    const { key, machineId } = parse(SeatBody, body);
    const row = this.find(storeId, key);
    this.db.prepare('DELETE FROM activations WHERE licence_id = ? AND machine_id = ?').run(row.id, machineId);
    return json(200, { message: 'Licence deactivated on this machine' });
  }

  /** Seed 002's list shape. */
  summaries(storeId: string): Reply {
    return json(
      200,
      this.rows(storeId).map((r) => ({ id: r.id, key: r.key, productType: 'base_product', status: r.status, expiresAt: r.expires_at })),
    );
  }

  private issue(row: Row, machineId: string): Reply {
    const now = this.now();
    const license: Licence = {
      id: row.id,
      key: row.key,
      productType: 'base_product',
      status: row.status,
      expiresAt: row.expires_at,
      storeId: row.store_id,
      machineId,
      issuedAt: now.toISOString(),
      refreshAfter: new Date(now.getTime() + REFRESH_AFTER_MS).toISOString(),
    };
    const signature = sign(null, Buffer.from(canonicalJson(license), 'utf8'), this.signer.privateKey).toString('base64');
    return json(200, { license, signature, kid: this.signer.kid });
  }

  /** Another store's key reads as unknown: a store cannot probe for keys it does not own. */
  private find(storeId: string, key: string): Row {
    const row = this.db.prepare('SELECT * FROM licences WHERE key = ? AND store_id = ?').get(key, storeId) as Row | undefined;
    if (!row) throw new HttpError(404, NOT_FOUND);
    return row;
  }

  private usable(storeId: string, key: string): Row {
    const row = this.find(storeId, key);
    if (row.status === 'revoked') throw new HttpError(403, REVOKED);
    return row;
  }

  private hasSeat(licenceId: string, machineId: string): boolean {
    return this.db.prepare('SELECT 1 FROM activations WHERE licence_id = ? AND machine_id = ?').get(licenceId, machineId) !== undefined;
  }

  private rows(storeId: string): Row[] {
    return this.db.prepare('SELECT * FROM licences WHERE store_id = ? ORDER BY rowid').all(storeId) as Row[];
  }
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, parsed.error.issues.map((i) => i.message));
  return parsed.data;
}

export function licenceRoutes(licences: Licences): Route[] {
  return [
    { method: 'POST', pattern: /^\/licenses\/activate$/, access: 'store', handle: (ctx) => licences.activate(ctx.storeId, parseJsonBody(ctx.body)) },
    { method: 'POST', pattern: /^\/licenses\/refresh$/, access: 'store', handle: (ctx) => licences.refresh(ctx.storeId, parseJsonBody(ctx.body)) },
    { method: 'POST', pattern: /^\/licenses\/deactivate$/, access: 'store', handle: (ctx) => licences.deactivate(ctx.storeId, parseJsonBody(ctx.body)) },
    { method: 'GET', pattern: /^\/licenses$/, access: 'store', handle: (ctx) => licences.summaries(ctx.storeId) },
  ];
}
