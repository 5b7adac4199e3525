import { describe, expect, it } from 'vitest';
import { type DbLedger, type LedgerState, type SealRead, TAMPERED, auditIssueFloor, reconcileLedger, resealFloor } from '../../src/main/licence/ledger';

const DAY = 86_400_000;
const now = new Date('2026-03-01T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const START = iso(now.getTime() - 5 * DAY);
const FLOOR = iso(now.getTime() - DAY);
const licence = (issuedAt: string, extra = '') => JSON.stringify({ license: { issuedAt, extra }, signature: `sig-${issuedAt}${extra}`, kid: 'k' });

const sealed: LedgerState = { v: 1, trialStartedAt: START, clockFloor: FLOOR, issuedFloor: null, licence: null, revoked: null };
const rows = (over: Partial<DbLedger> = {}): DbLedger => ({
  trialStartedAt: START,
  clockFloor: FLOOR,
  issuedFloor: null,
  licence: null,
  revoked: null,
  sealed: true,
  ...over,
});
const ok = (over: Partial<LedgerState> = {}): SealRead => ({ kind: 'ok', state: { ...sealed, ...over } });
const noAudit = { first: null, last: null };

describe('reconcileLedger: the database rows and the sealed file', () => {
  it('a fresh install (nothing anywhere) starts its trial now', () => {
    const r = reconcileLedger({ db: rows({ trialStartedAt: null, clockFloor: null, sealed: false }), seal: { kind: 'absent' }, audit: noAudit, now });
    expect(r).toMatchObject({ tampered: null, trialStart: now, state: { trialStartedAt: now.toISOString(), clockFloor: now.toISOString() } });
  });

  it('both places deleted: the audit trail still dates the trial and floors the clock', () => {
    const audit = { first: new Date(now.getTime() - 30 * DAY), last: new Date(now.getTime() + DAY) };
    const r = reconcileLedger({ db: rows({ trialStartedAt: null, clockFloor: null, sealed: false }), seal: { kind: 'absent' }, audit, now });
    expect(r.trialStart).toEqual(audit.first);
    expect(r.state.clockFloor).toBe(audit.last.toISOString());
  });

  it('an install from before the sealed file (or a crash before it was first written) adopts the rows', () => {
    const r = reconcileLedger({ db: rows({ sealed: false }), seal: { kind: 'absent' }, audit: noAudit, now });
    expect(r).toMatchObject({ tampered: null, state: { trialStartedAt: START } });
  });

  it('agreeing places are fine; the floors take the later value', () => {
    const later = iso(now.getTime() - 1000);
    expect(reconcileLedger({ db: rows(), seal: ok(), audit: noAudit, now })).toMatchObject({ tampered: null, state: sealed });
    expect(reconcileLedger({ db: rows({ clockFloor: later }), seal: ok(), audit: noAudit, now }).state.clockFloor).toBe(later);
    expect(reconcileLedger({ db: rows(), seal: ok({ clockFloor: later }), audit: noAudit, now }).state.clockFloor).toBe(later);
    expect(reconcileLedger({ db: rows({ issuedFloor: later }), seal: ok({ issuedFloor: FLOOR }), audit: noAudit, now }).state.issuedFloor).toBe(later);
  });

  it.each([
    ['the trial start row deleted', rows({ trialStartedAt: null }), ok(), TAMPERED.rowMissing],
    ['the clock floor row deleted', rows({ clockFloor: null }), ok(), TAMPERED.rowMissing],
    ['every row deleted', rows({ trialStartedAt: null, clockFloor: null, sealed: false }), ok(), TAMPERED.rowMissing],
    ['the trial start edited', rows({ trialStartedAt: now.toISOString() }), ok(), TAMPERED.disagree],
    ['the file deleted', rows(), { kind: 'absent' } as const, TAMPERED.sealMissing],
    ['the file edited', rows(), { kind: 'unreadable', why: 'x' } as const, TAMPERED.sealUnreadable],
    ['the licence row swapped for another file of the same issue time', rows({ licence: licence(FLOOR, 'edited') }), ok({ licence: licence(FLOOR) }), TAMPERED.disagree],
  ])('one edit is tampering: %s', (_, db, seal, why) => {
    const r = reconcileLedger({ db, seal, audit: noAudit, now });
    expect(r.tampered).toBe(why);
  });

  it('a restored (older) database beside the file: same trial, later floors, the newer licence and revocation kept', () => {
    const newer = licence(iso(now.getTime() - DAY));
    const older = licence(iso(now.getTime() - 40 * DAY));
    const revoked = { key: 'K', at: iso(now.getTime() - 2 * DAY) };
    const r = reconcileLedger({
      db: rows({ clockFloor: iso(now.getTime() - 20 * DAY), issuedFloor: iso(now.getTime() - 40 * DAY), licence: older, sealed: false }),
      seal: ok({ licence: newer, issuedFloor: iso(now.getTime() - DAY), revoked }),
      audit: { first: null, last: new Date(now.getTime() - 20 * DAY) },
      now,
    });
    expect(r).toMatchObject({ tampered: null, state: { trialStartedAt: START, clockFloor: FLOOR, issuedFloor: iso(now.getTime() - DAY), licence: newer, revoked } });
  });

  it('a crash after the database was written and before the file: the newer database copy wins', () => {
    const newer = licence(iso(now.getTime() - 1000));
    const r = reconcileLedger({
      db: rows({ licence: newer, issuedFloor: iso(now.getTime() - 1000), revoked: { key: 'K', at: FLOOR } }),
      seal: ok({ licence: licence(iso(now.getTime() - 9 * DAY)), issuedFloor: iso(now.getTime() - 9 * DAY) }),
      audit: noAudit,
      now,
    });
    expect(r).toMatchObject({ tampered: null, state: { licence: newer, issuedFloor: iso(now.getTime() - 1000), revoked: { key: 'K', at: FLOOR } } });
  });

  it('counts the trial from the audit trail when it began before the stored start', () => {
    const first = new Date(now.getTime() - 10 * DAY);
    expect(reconcileLedger({ db: rows(), seal: ok(), audit: { first, last: null }, now }).trialStart).toEqual(first);
  });

  it('without a keychain to seal with, the database alone is the ledger', () => {
    expect(reconcileLedger({ db: rows(), seal: { kind: 'unavailable', why: 'no keyring' }, audit: noAudit, now })).toMatchObject({ tampered: null, state: { trialStartedAt: START } });
  });
});

describe('a tampered ledger keeps every floor anything left still proves', () => {
  const revokedAt = iso(now.getTime() - 3 * DAY);
  const inUse = licence(iso(now.getTime() - 10 * DAY));

  it('a floor row deleted: the other copy, its revocation and the licence in use still floor the issue time', () => {
    const r = reconcileLedger({
      db: rows({ clockFloor: null, issuedFloor: null, licence: inUse }),
      seal: ok({ issuedFloor: iso(now.getTime() - 10 * DAY), revoked: { key: 'K', at: revokedAt }, licence: inUse }),
      audit: noAudit,
      now,
    });
    expect(r.tampered).toBe(TAMPERED.rowMissing);
    expect(r.state).toMatchObject({ issuedFloor: revokedAt, revoked: { key: 'K', at: revokedAt }, clockFloor: FLOOR });
  });

  it('the sealed file and the floor rows deleted: the licence row and the audit trail floor it', () => {
    const r = reconcileLedger({ db: rows({ issuedFloor: null, licence: inUse }), seal: { kind: 'absent' }, audit: { first: null, last: null, issuedFloor: new Date(revokedAt) }, now });
    expect(r).toMatchObject({ tampered: TAMPERED.sealMissing, state: { issuedFloor: revokedAt } });
    const noRows = reconcileLedger({ db: rows({ issuedFloor: null, sealed: false }), seal: { kind: 'absent' }, audit: { first: null, last: null, issuedFloor: new Date(revokedAt) }, now });
    expect(noRows.state.issuedFloor).toBe(revokedAt);
  });

  it('auditIssueFloor: the highest floor the licence rows record; an older revocation row is dated by its time', () => {
    expect(auditIssueFloor([])).toBeNull();
    expect(
      auditIssueFloor([
        { action: 'activate', at: iso(now.getTime() - 20 * DAY), after: JSON.stringify({ status: 'active', issuedFloor: iso(now.getTime() - 20 * DAY) }) },
        { action: 'revoked', at: revokedAt, after: null },
        { action: 'refresh', at: FLOOR, after: '{not json' },
        { action: 'import', at: FLOOR, after: JSON.stringify({ status: 'active' }) },
      ]),
    ).toEqual(new Date(revokedAt));
    expect(auditIssueFloor([{ action: 'deactivate', at: START, after: JSON.stringify({ issuedFloor: FLOOR }) }])).toEqual(new Date(FLOOR));
  });

  it('resealFloor: after the newest licence seen, a revocation, and the latest time seen less the clock tolerance', () => {
    const tolerance = 2 * DAY;
    const lastSeen = new Date(now.getTime() + 5 * DAY);
    expect(resealFloor({ issuedFloor: null, revoked: null }, lastSeen, tolerance)).toEqual(new Date(now.getTime() + 3 * DAY));
    const later = iso(now.getTime() + 4 * DAY);
    expect(resealFloor({ issuedFloor: later, revoked: null }, lastSeen, tolerance)).toEqual(new Date(later));
    expect(resealFloor({ issuedFloor: null, revoked: { key: 'K', at: later } }, lastSeen, tolerance)).toEqual(new Date(later));
  });
});
