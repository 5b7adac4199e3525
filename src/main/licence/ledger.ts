import { z } from 'zod';

/*
 * The licence ledger: what this install must not forget — when its trial started, the latest time it
 * has seen (the clock floor), the issue time below which no licence file is accepted any more, the
 * licence file in use and a revocation seen. It is kept in two places that must agree: rows of the
 * `settings` table and a small file beside the database sealed with the app's SecretBox (the one that
 * seals the cloud password). One SQL edit (deleting the trial's row) or one file edit no longer resets
 * anything: a row or the file missing, the file unreadable, or the two trial starts differing reads as
 * "tampered": the trial counts as over and a licence as invalid until an online check re-seals it;
 * reading and exporting go on.
 *
 * Everything else is merged so that a backup restore (an older database beside a newer file) and a
 * crash between the two writes (the database is written first, then the file) are honest states,
 * never lock-outs: floors take the later of the two values, the licence file the one issued last.
 * A tampered ledger keeps every floor that anything left still proves (either copy, the audit trail):
 * deleting one row must not make a floor lower, only the whole ledger read-only.
 * Pure: the service does the reading and writing.
 */

const Iso = z.iso.datetime({ offset: true });

export const Revocation = z.object({ key: z.string(), at: Iso });
export type Revocation = z.infer<typeof Revocation>;

/** The sealed file's contents (and the same facts as settings rows). */
export const LedgerState = z.object({
  v: z.literal(1),
  trialStartedAt: Iso,
  /** The latest time this install has seen: its clock never counts as earlier. */
  clockFloor: Iso,
  /** A licence issued before this is stale: refused on import, invalid if found in place. */
  issuedFloor: Iso.nullable(),
  /** The licence file in use (JSON text, as it was signed), or none. */
  licence: z.string().nullable(),
  revoked: Revocation.nullable(),
});
export type LedgerState = z.infer<typeof LedgerState>;

/** The ledger's rows as found in the database; null = no row (or a value that does not parse). */
export interface DbLedger {
  trialStartedAt: string | null;
  clockFloor: string | null;
  issuedFloor: string | null;
  licence: string | null;
  revoked: Revocation | null;
  /** The sealed file was written once for this database: from then on it must be there. */
  sealed: boolean;
}

export type SealRead =
  | { kind: 'absent' }
  /** No SecretBox on this PC (Linux without a keyring): the database alone is the ledger. */
  | { kind: 'unavailable'; why: string }
  | { kind: 'unreadable'; why: string }
  | { kind: 'ok'; state: LedgerState };

export interface LedgerInputs {
  db: DbLedger;
  seal: SealRead;
  /**
   * The append-only audit trail's first and latest times (a floor under whatever was deleted), and the
   * highest issue floor its licence rows record (auditIssueFloor): a revocation outlives the ledger.
   */
  audit: { first: Date | null; last: Date | null; issuedFloor?: Date | null };
  now: Date;
}

export interface Reconciled {
  state: LedgerState;
  /** When the trial started, for the trial's count: the stored start, or the audit trail's first row if earlier. */
  trialStart: Date;
  /** Why the two places do not agree (then: trial over, licence invalid); null when they do. */
  tampered: string | null;
}

export const TAMPERED = {
  sealMissing: 'The sealed licence record beside the database is missing',
  sealUnreadable: 'The sealed licence record cannot be read (it was changed, or the data folder comes from another computer or user account)',
  rowMissing: 'A licence record was removed from the database',
  disagree: 'The licence records in the database and in the sealed file do not agree',
} as const;

export function reconcileLedger({ db, seal, audit, now }: LedgerInputs): Reconciled {
  const fromDb = (): LedgerState => ({
    v: 1,
    trialStartedAt: iso(minTime([db.trialStartedAt, audit.first, now])),
    clockFloor: iso(maxTime([db.clockFloor, audit.last, now])),
    issuedFloor: issueFloor([db], audit.issuedFloor ?? null),
    licence: db.licence,
    revoked: db.revoked,
  });
  const done = (state: LedgerState, tampered: string | null): Reconciled => ({
    state,
    trialStart: new Date(minTime([state.trialStartedAt, audit.first])),
    tampered,
  });

  switch (seal.kind) {
    case 'unavailable':
      return done(fromDb(), null);
    case 'unreadable':
      return done(fromDb(), TAMPERED.sealUnreadable);
    case 'absent':
      if (db.sealed) return done(fromDb(), TAMPERED.sealMissing);
      // A fresh install (nothing anywhere), an install from before the file existed, or a crash
      // before the first file was written: the database's values (floored by the audit trail) are sealed.
      return done(fromDb(), null);
    case 'ok': {
      const s = seal.state;
      const merged: LedgerState = {
        v: 1,
        trialStartedAt: s.trialStartedAt,
        clockFloor: iso(maxTime([s.clockFloor, db.clockFloor, audit.last])),
        issuedFloor: issueFloor([s, db], audit.issuedFloor ?? null),
        licence: newestLicence([s.licence, db.licence]),
        revoked: [s.revoked, db.revoked].reduce<Revocation | null>((a, b) => (!b ? a : !a || Date.parse(b.at) > Date.parse(a.at) ? b : a), null),
      };
      if (db.trialStartedAt === null || db.clockFloor === null) return done(merged, TAMPERED.rowMissing);
      if (Date.parse(db.trialStartedAt) !== Date.parse(s.trialStartedAt)) return done(merged, TAMPERED.disagree);
      // Two copies issued at the same time but different: no crash or restore does that, an edit does.
      if (s.licence !== null && db.licence !== null && s.licence !== db.licence && issuedAtOf(s.licence) === issuedAtOf(db.licence)) {
        return done(merged, TAMPERED.disagree);
      }
      return done(merged, null);
    }
  }
}

/**
 * The issue floor every surviving piece of evidence proves: each copy's floor, each copy's revocation
 * (a revocation raises the floor to its time) and licence in use (accepted, so nothing issued before it
 * counts any more), and the audit trail's licence rows. The latest of them: evidence lost in one place
 * never lowers it while another still holds it.
 */
function issueFloor(copies: Pick<LedgerState, 'issuedFloor' | 'revoked' | 'licence'>[], audit: Date | null): string | null {
  const times = copies.flatMap((c) => [c.issuedFloor, c.revoked?.at ?? null, issuedAtOf(c.licence)]);
  return maxIso([...times, audit]);
}

const AuditedFloor = z.object({ issuedFloor: Iso });

/** What a licence row of the audit trail holds (audit_log: action, time, the `after` JSON). */
export interface LicenceAuditRow {
  action: string;
  at: string;
  after: string | null;
}

/**
 * The highest issue floor the audit trail's licence rows prove: each row written since this rule
 * records the floor after it (`after.issuedFloor`); an older revocation row is dated by its time (a
 * revocation sets the floor to it). The trail is append-only and hash-chained: deleting the ledger's
 * rows and its sealed file leaves this behind.
 */
export function auditIssueFloor(rows: readonly LicenceAuditRow[]): Date | null {
  const times = rows.map((row) => {
    const recorded = AuditedFloor.safeParse(parseJson(row.after)).data?.issuedFloor;
    return recorded ?? (row.action === 'revoked' ? row.at : null);
  });
  const floor = maxIso(times);
  return floor === null ? null : new Date(floor);
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The earliest issue time of a licence that may end a tampered state (re-seal the ledger): after every
 * floor still held — the newest licence seen, a revocation — and no earlier than the latest time seen,
 * less the tolerance a wrong clock gets (a PC may run hours ahead of the server). Something was
 * deleted, so what was lost may have been a floor: only a licence issued after everything this install
 * still knows of cannot be one it saw revoked, expired or replaced. The local clock is no proof of
 * freshness (it is set by whoever holds the PC): a licence is "fresh" only against these floors.
 */
export function resealFloor(state: Pick<LedgerState, 'issuedFloor' | 'revoked'>, lastSeenAt: Date, toleranceMs: number): Date {
  return new Date(maxTime([state.issuedFloor, state.revoked?.at ?? null, lastSeenAt.getTime() - toleranceMs]));
}

/** The `issuedAt` of a stored licence file, when it has one. */
export function issuedAtOf(licence: string | null): number | null {
  if (licence === null) return null;
  try {
    const t = Date.parse((JSON.parse(licence) as { license?: { issuedAt?: string } }).license?.issuedAt ?? '');
    return Number.isNaN(t) ? null : t;
  } catch {
    return null;
  }
}

/** Of two copies of the licence in use, the one issued last (a crash can leave the newer in one place only). */
function newestLicence(copies: (string | null)[]): string | null {
  let best: string | null = null;
  let bestAt = -Infinity;
  for (const c of copies) {
    if (c === null) continue;
    const at = issuedAtOf(c) ?? -Infinity;
    if (best === null || at > bestAt) {
      best = c;
      bestAt = at;
    }
  }
  return best;
}

type TimeLike = string | Date | number | null;

function time(t: TimeLike): number | null {
  if (t === null) return null;
  const ms = typeof t === 'string' ? Date.parse(t) : typeof t === 'number' ? t : t.getTime();
  return Number.isNaN(ms) ? null : ms;
}

function minTime(ts: TimeLike[]): number {
  return Math.min(...ts.map(time).filter((t): t is number => t !== null));
}

function maxTime(ts: TimeLike[]): number {
  return Math.max(...ts.map(time).filter((t): t is number => t !== null));
}

function maxIso(ts: TimeLike[]): string | null {
  const known = ts.map(time).filter((t): t is number => t !== null);
  return known.length === 0 ? null : iso(Math.max(...known));
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
