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
  /** The append-only audit trail's first and latest times: a floor under whatever was deleted. */
  audit: { first: Date | null; last: Date | null };
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
    issuedFloor: db.issuedFloor,
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
        issuedFloor: maxIso([s.issuedFloor, db.issuedFloor]),
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

type TimeLike = string | Date | null;

function time(t: TimeLike): number | null {
  if (t === null) return null;
  const ms = typeof t === 'string' ? Date.parse(t) : t.getTime();
  return Number.isNaN(ms) ? null : ms;
}

function minTime(ts: TimeLike[]): number {
  return Math.min(...ts.map(time).filter((t): t is number => t !== null));
}

function maxTime(ts: TimeLike[]): number {
  return Math.max(...ts.map(time).filter((t): t is number => t !== null));
}

function maxIso(ts: (string | null)[]): string | null {
  const known = ts.map(time).filter((t): t is number => t !== null);
  return known.length === 0 ? null : iso(Math.max(...known));
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
