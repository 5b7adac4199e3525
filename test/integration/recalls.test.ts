import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { currentOf } from '../../src/shared/prescriptions/current';
import { dueDateOf, isAnswered, recallStateOf } from '../../src/shared/recalls/rules';
import type { RecallOutcome, RecallOverride } from '../../src/shared/recalls/schema';
import { OWNER, expectFailure, manualClock, openTestCore, person } from '../helpers/core';
import { mulberry32 } from '../helpers/prng';

/*
 * Recalls through the channels on a real store (issue 13 item 4). The store's clock says
 * 15 March 2026: "due" is March 2026, "overdue" is before 1 March 2026.
 */

const TODAY = '2026-03-15';
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function store() {
  const clock = manualClock(`${TODAY}T10:00:00.000Z`);
  const t = await openTestCore({ clock });
  close = t.close;
  return { ...t, clock };
}

const rx = (kind: 'spectacles' | 'contacts', examDate: string, sph = '-1.00') => ({ kind, examDate, distanceVision: { rightEye: { sph }, leftEye: { sph: '-1.25' } } });

let n = 0;
async function customer(core: Core, opts: { exams?: [kind: 'spectacles' | 'contacts', date: string][]; dateOfBirth?: string; consent?: { marketing?: boolean; sms?: boolean }; last?: string } = {}) {
  const p = person('Recall', opts.last ?? `Person${++n}`);
  const { customer: c } = await core.call('customers.create', { ...p, customerData: { ...p.customerData, dateOfBirth: opts.dateOfBirth ?? '1980-01-01' }, consent: opts.consent });
  for (const [kind, date] of opts.exams ?? []) await core.call('prescriptions.create', { customerId: c.id, rx: rx(kind, date) });
  return c.id;
}

const ids = (items: { customerId: string }[]) => items.map((i) => i.customerId);

describe('recalls.list', () => {
  it('lists who is due this month and who is overdue, from the current exam, its kind and the age at the exam', async () => {
    const { core } = await store();
    const dueSpecs = await customer(core, { exams: [['spectacles', '2024-03-02']] });
    const dueContacts = await customer(core, { exams: [['contacts', '2025-03-31']] });
    const overdue = await customer(core, { exams: [['spectacles', '2023-11-20']] });
    const child = await customer(core, { exams: [['spectacles', '2025-02-10']], dateOfBirth: '2015-06-01' }); // 12 months: Feb 2026, overdue
    const senior = await customer(core, { exams: [['spectacles', '2025-03-05']], dateOfBirth: '1950-01-01' }); // 12 months: due
    const later = await customer(core, { exams: [['spectacles', '2025-03-05']] }); // 2027
    const noExam = await customer(core);
    // The newer exam counts, even typed before an older one.
    const twoExams = await customer(core, { exams: [['spectacles', '2024-03-20'], ['spectacles', '2022-01-05']] });

    const due = await core.call('recalls.list', { status: 'due' });
    expect(ids(due.items).sort()).toEqual([dueSpecs, dueContacts, senior, twoExams].sort());
    expect(due.today).toBe(TODAY);
    expect(due.items.find((i) => i.customerId === dueContacts)).toMatchObject({ kind: 'contacts', lastExamDate: '2025-03-31', dueDate: '2026-03-31', state: 'due' });
    expect(due.items.find((i) => i.customerId === twoExams)).toMatchObject({ lastExamDate: '2024-03-20', dueDate: '2026-03-20' });
    // Sorted by due date.
    expect(due.items.map((i) => i.dueDate)).toEqual([...due.items.map((i) => i.dueDate)].sort());

    const late = await core.call('recalls.list', { status: 'overdue' });
    expect(ids(late.items).sort()).toEqual([overdue, child].sort());
    expect(late.items.find((i) => i.customerId === child)).toMatchObject({ dueDate: '2026-02-10', state: 'overdue' });

    const all = await core.call('recalls.list', { status: 'all' });
    expect(ids(all.items)).toContain(later);
    expect(ids(all.items)).not.toContain(noExam);
    expect(all.total).toBe(7);
    expect(all.items.find((i) => i.customerId === later)?.state).toBe('upcoming');
    // Pages: the total stays, the items move on.
    const page = await core.call('recalls.list', { status: 'all', limit: 3, offset: 3 });
    expect(page.total).toBe(7);
    expect(ids(page.items)).toEqual(ids(all.items).slice(3, 6));
  });

  it('filters by consent: only customers who agreed to be contacted (marketing or SMS)', async () => {
    const { core } = await store();
    const none = await customer(core, { exams: [['spectacles', '2024-03-02']] });
    const sms = await customer(core, { exams: [['spectacles', '2024-03-02']], consent: { sms: true } });
    const marketing = await customer(core, { exams: [['spectacles', '2024-03-02']], consent: { marketing: true } });
    const all = await core.call('recalls.list', { status: 'due' });
    expect(ids(all.items).sort()).toEqual([none, sms, marketing].sort());
    const agreed = await core.call('recalls.list', { status: 'due', consentOnly: true });
    expect(ids(agreed.items).sort()).toEqual([sms, marketing].sort());
    expect(agreed.items.find((i) => i.customerId === sms)?.consent).toEqual({ marketing: false, sms: true });
  });

  it('leaves deleted customers out', async () => {
    const { core } = await store();
    const gone = await customer(core, { exams: [['spectacles', '2024-03-02']] });
    await core.call('customers.delete', { id: gone });
    expect((await core.call('recalls.list', { status: 'all' })).items).toEqual([]);
    await expectFailure(core, 'recalls.record', { customerId: gone, outcome: 'called' }, 'customer.notFound', 404);
  });
});

describe('recalls.record', () => {
  it('a booking or a refusal takes a recall off until the next exam; calls and no answers keep it on with the last try', async () => {
    const { core } = await store();
    const a = await customer(core, { exams: [['spectacles', '2023-11-20']] });
    const b = await customer(core, { exams: [['spectacles', '2023-12-01']] });

    await core.call('recalls.record', { customerId: a, outcome: 'noAnswer', date: '2026-03-10' });
    const called = await core.call('recalls.record', { customerId: a, outcome: 'called', note: 'Will call back' });
    expect(called).toMatchObject({ outcome: 'called', date: TODAY, note: 'Will call back' });
    let late = await core.call('recalls.list', { status: 'overdue' });
    expect(late.items.find((i) => i.customerId === a)).toMatchObject({ lastOutcome: 'called', lastOutcomeDate: TODAY, lastOutcomeNote: 'Will call back' });

    await core.call('recalls.record', { customerId: a, outcome: 'booked', date: '2026-03-14' });
    await core.call('recalls.record', { customerId: b, outcome: 'declined' });
    late = await core.call('recalls.list', { status: 'overdue' });
    expect(ids(late.items)).toEqual([]);
    const all = await core.call('recalls.list', { status: 'all' });
    // The booking is the latest outcome by its date, though recorded before the call of the 15th.
    expect(all.items.find((i) => i.customerId === a)).toMatchObject({ state: 'answered', lastOutcome: 'called' });

    // The exam the booking was for starts the next recall, which the old booking does not answer.
    await core.call('prescriptions.create', { customerId: a, rx: rx('contacts', TODAY) });
    const next = await core.call('recalls.list', { status: 'all' });
    expect(next.items.find((i) => i.customerId === a)).toMatchObject({ dueDate: '2027-03-15', kind: 'contacts', state: 'upcoming' });
  });

  it('refuses an impossible date and an unknown outcome, on their fields', async () => {
    const { core } = await store();
    const a = await customer(core, { exams: [['spectacles', '2023-11-20']] });
    const bad = await expectFailure(core, 'recalls.record', { customerId: a, outcome: 'booked', date: '2026-02-31' }, 'validation', 400);
    expect(Object.keys(bad.fieldErrors ?? {})).toEqual(['date']);
    const unknown = await expectFailure(core, 'recalls.record', { customerId: a, outcome: 'maybe' }, 'validation', 400);
    expect(Object.keys(unknown.fieldErrors ?? {})).toEqual(['outcome']);
  });

  it('is audited under the customer and shows in their history', async () => {
    const { core } = await store();
    const a = await customer(core, { exams: [['spectacles', '2023-11-20']] });
    await core.call('recalls.record', { customerId: a, outcome: 'booked', note: 'Thursday' });
    const history = await core.call('audit.list', { customerId: a });
    expect(history[0]).toMatchObject({ entity: 'customer', entityId: a, action: 'recall.record', after: { outcome: 'booked', date: TODAY, note: 'Thursday' } });
  });

  it('is open to staff; the store intervals are the owner\'s to set', async () => {
    const t = await store();
    const a = await customer(t.core, { exams: [['spectacles', '2023-11-20']] });
    await t.core.call('staff.create', { username: 'nadia', displayName: 'Nadia', password: 'staff-password-1', role: 'staff' });
    const staff = { sessionToken: (await t.raw.call('auth.login', { username: 'nadia', password: 'staff-password-1' })).sessionToken };
    expect((await t.raw.call('recalls.list', { status: 'overdue' }, staff)).items).toHaveLength(1);
    await t.raw.call('recalls.record', { customerId: a, outcome: 'called' }, staff);
    await t.raw.call('recalls.setOverride', { customerId: a, override: { type: 'none' } }, staff);
    expect((await t.raw.call('recalls.settings', {}, staff)).spectaclesMonths).toBe(24);
    const refused = await t.raw.handle('recalls.setSettings', { spectaclesMonths: 12, contactsMonths: 12, youngMonths: 12, seniorMonths: 12 }, staff);
    expect(refused.ok ? null : refused.error.code).toBe('auth.forbidden');
  });
});

describe('the store intervals and a customer\'s override', () => {
  it('follow the owner\'s settings (audited), and a customer\'s interval, fixed date or "no recall"', async () => {
    const { core } = await store();
    const a = await customer(core, { exams: [['spectacles', '2025-03-01']] });
    expect(ids((await core.call('recalls.list', { status: 'due' })).items)).toEqual([]);
    await core.call('recalls.setSettings', { spectaclesMonths: 12, contactsMonths: 6, youngMonths: 6, seniorMonths: 6 });
    expect(ids((await core.call('recalls.list', { status: 'due' })).items)).toEqual([a]);
    const audit = await core.call('audit.list', { entity: 'setting', entityId: 'recalls.settings' });
    expect(audit[0]).toMatchObject({ action: 'update', before: { spectaclesMonths: 24 }, after: { spectaclesMonths: 12 } });

    let mine = await core.call('recalls.setOverride', { customerId: a, override: { type: 'months', months: 6 } });
    expect(mine).toMatchObject({ override: { type: 'months', months: 6 }, dueDate: '2025-09-01', state: 'overdue' });
    mine = await core.call('recalls.setOverride', { customerId: a, override: { type: 'date', date: '2026-07-01' } });
    expect(mine).toMatchObject({ dueDate: '2026-07-01', state: 'upcoming' });
    mine = await core.call('recalls.setOverride', { customerId: a, override: { type: 'none' } });
    expect(mine).toMatchObject({ dueDate: null, state: null });
    expect((await core.call('recalls.list', { status: 'all' })).items).toEqual([]);
    mine = await core.call('recalls.setOverride', { customerId: a, override: null });
    expect(mine).toMatchObject({ override: null, dueDate: '2026-03-01', state: 'due' });
    const history = await core.call('audit.list', { customerId: a });
    expect(history.filter((h) => h.action === 'recall.override')).toHaveLength(4);
    expect(history[0]).toMatchObject({ before: { override: { type: 'none' } }, after: { override: null } });

    // A fixed date stands without any exam (a customer examined elsewhere).
    const b = await customer(core);
    await core.call('recalls.setOverride', { customerId: b, override: { type: 'date', date: '2026-03-20' } });
    expect((await core.call('recalls.list', { status: 'due' })).items.find((i) => i.customerId === b)).toMatchObject({ lastExamDate: null, kind: null, overridden: true });
  });
});

describe('recall answers and fixed dates', () => {
  it('a date fixed after a refusal puts the customer back on the list on that date (staff chose it since)', async () => {
    const { core, clock } = await store();
    const id = await customer(core, { exams: [['spectacles', '2024-03-02']] });
    await core.call('recalls.record', { customerId: id, outcome: 'declined', date: TODAY });
    expect((await core.call('recalls.customer', { customerId: id })).state).toBe('answered');
    clock.advance(60_000);
    await core.call('recalls.setOverride', { customerId: id, override: { type: 'date', date: '2026-03-20' } });
    expect(await core.call('recalls.customer', { customerId: id })).toMatchObject({ dueDate: '2026-03-20', state: 'due' });
    expect(ids((await core.call('recalls.list', { status: 'due' })).items)).toEqual([id]);
    // So does an interval set after it: staff chose when to call again.
    const other = await customer(core, { exams: [['spectacles', '2025-09-02']] });
    await core.call('recalls.record', { customerId: other, outcome: 'declined', date: TODAY });
    clock.advance(60_000);
    await core.call('recalls.setOverride', { customerId: other, override: { type: 'months', months: 6 } });
    expect(await core.call('recalls.customer', { customerId: other })).toMatchObject({ dueDate: '2026-03-02', state: 'due' });
  });

  it('refuses a call dated in the future: it would hide the recall until the next exam', async () => {
    const { core } = await store();
    const id = await customer(core, { exams: [['spectacles', '2024-03-02']] });
    const err = await core.call('recalls.record', { customerId: id, outcome: 'booked', date: '2099-01-01' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'validation', fieldMessages: { date: [{ code: 'recall.dateFuture' }] } });
    expect((await core.call('recalls.customer', { customerId: id })).outcomes).toEqual([]);
  });
});

describe('recalls.exportCalls', () => {
  it('writes the call list as CSV through the one writer (BOM, header in the staff language, formula cells neutralised)', async () => {
    const { core } = await store();
    const a = await customer(core, { exams: [['contacts', '2025-03-31']], consent: { sms: true }, last: 'Zahir' });
    await customer(core, { exams: [['spectacles', '2024-03-02']], last: 'Amrani' });
    await core.call('recalls.record', { customerId: a, outcome: 'noAnswer', note: '=cmd|calc' });
    const en = await core.call('recalls.exportCalls', { status: 'due' });
    expect(en.fileName).toBe(`recalls-due-${TODAY}.csv`);
    const text = Buffer.from(en.bytes, 'base64').toString('utf8');
    expect(text.startsWith('\uFEFFLast name,First name,Phone,Email,Agreed to be contacted,Kind,Last exam,Due date,Status,Last outcome,Outcome date,Note\r\n')).toBe(true);
    const lines = text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('Amrani,Recall,+33 6 12 34 56 78');
    expect(lines[2]).toBe(`Zahir,Recall,+33 6 12 34 56 78,recall.zahir@example.com,yes,Contact lenses,2025-03-31,2026-03-31,Due this month,No answer,${TODAY},'=cmd|calc`);

    const fr = await core.call('recalls.exportCalls', { status: 'due', consentOnly: true, language: 'fr' });
    const frLines = Buffer.from(fr.bytes, 'base64').toString('utf8').trimEnd().split('\r\n');
    expect(frLines[0]).toBe('\uFEFFNom,Prénom,Téléphone,E-mail,Accepte d’être contacté,Type,Dernier examen,Échéance,Statut,Dernier résultat,Date du résultat,Note');
    expect(frLines).toHaveLength(2);
    expect(frLines[1]).toContain('Lentilles');
    // A call list is personal data leaving the app: each export is in the audit trail, with what it held.
    const log = await core.call('audit.list', { limit: 50 });
    expect(log.filter((e) => e.action === 'recalls.exportCalls').map((e) => e.after)).toEqual([
      { status: 'due', consentOnly: true, rows: 1 },
      { status: 'due', consentOnly: false, rows: 2 },
    ]);
  });
});

describe('recall outcomes are in backups', () => {
  it('a backup then a restore keeps the outcomes and overrides recorded before it, and drops those after', async () => {
    const t = await store();
    const a = await customer(t.core, { exams: [['spectacles', '2023-11-20']] });
    await t.core.call('recalls.record', { customerId: a, outcome: 'noAnswer', date: '2026-03-02' });
    await t.core.call('recalls.setOverride', { customerId: a, override: { type: 'months', months: 12 } });
    const backup = await t.core.call('backup.create', {});
    await t.core.call('recalls.record', { customerId: a, outcome: 'booked', date: '2026-03-03' });
    await t.core.call('recalls.setOverride', { customerId: a, override: null });

    await t.core.call('backup.restore', { name: backup.name });
    const owner = { sessionToken: (await t.raw.call('auth.login', { username: OWNER.username, password: OWNER.password })).sessionToken };
    const mine = await t.raw.call('recalls.customer', { customerId: a }, owner);
    expect(mine.outcomes.map((o) => [o.outcome, o.date])).toEqual([['noAnswer', '2026-03-02']]);
    expect(mine.override).toEqual({ type: 'months', months: 12 });
    expect((await t.raw.call('recalls.list', { status: 'overdue' }, owner)).items[0]).toMatchObject({ customerId: a, lastOutcome: 'noAnswer' });
  });
});

describe('a purge erases a customer\'s recalls', () => {
  it('deletes their outcomes (notes are about the person) and their override', async () => {
    const { core } = await store();
    const a = await customer(core, { exams: [['spectacles', '2023-11-20']] });
    await core.call('recalls.record', { customerId: a, outcome: 'declined', note: 'Moved to Rabat' });
    await core.call('recalls.setOverride', { customerId: a, override: { type: 'months', months: 12 } });
    await core.call('customers.delete', { id: a });
    await core.call('customers.purge', { id: a });
    await expectFailure(core, 'recalls.customer', { customerId: a }, 'customer.notFound', 404);
    const history = await core.call('audit.list', { customerId: a });
    expect(JSON.stringify(history)).not.toContain('Moved to Rabat');
  });
});

describe('the list in SQL says what the pure rules say', () => {
  it('agrees day for day over generated customers (leap days, month ends, ages at the thresholds, overrides, corrections, outcomes)', async () => {
    const { core } = await store();
    await core.call('recalls.setSettings', { spectaclesMonths: 24, contactsMonths: 12, youngMonths: 6, seniorMonths: 18 });
    const settings = await core.call('recalls.settings', {});
    const random = mulberry32(13);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const exams = ['2024-02-29', '2023-12-31', '2024-01-31', '2025-03-31', '2024-03-15', '2024-09-30', '2025-02-28', '2022-05-01', '2025-08-31', '2026-03-15'];
    const births = ['', '2010-03-01', '2008-02-29', '2009-09-30', '1964-03-15', '1965-02-28', '1966-01-01', '1980-07-04', '2012-12-31'];
    const overrides: (RecallOverride | null)[] = [null, null, null, { type: 'months', months: 3 }, { type: 'months', months: 13 }, { type: 'date', date: '2026-03-31' }, { type: 'date', date: '2025-01-01' }, { type: 'none' }];
    const outcomeKinds: RecallOutcome[] = ['called', 'noAnswer', 'booked', 'declined'];
    const made: { id: string; dateOfBirth: string; override: RecallOverride | null; outcomes: { outcome: RecallOutcome; date: string }[] }[] = [];
    for (let i = 0; i < 60; i++) {
      const dateOfBirth = pick(births);
      const count = Math.floor(random() * 3);
      const examList = Array.from({ length: count }, () => [pick(['spectacles', 'contacts'] as const), pick(exams)] as [kind: 'spectacles' | 'contacts', date: string]);
      const id = await customer(core, { exams: examList, dateOfBirth: dateOfBirth || undefined });
      if (!dateOfBirth) await core.call('customers.update', { id, customerData: { dateOfBirth: '' } });
      if (count > 0 && random() < 0.3) {
        const [latest] = await core.call('prescriptions.list', { customerId: id });
        await core.call('prescriptions.correct', { id: latest!.id, rx: rx(pick(['spectacles', 'contacts'] as const), pick(exams), '-2.00') });
      }
      const override = pick(overrides);
      if (override) await core.call('recalls.setOverride', { customerId: id, override });
      const outcomes = Array.from({ length: Math.floor(random() * 3) }, () => ({ outcome: pick(outcomeKinds), date: pick(['2024-02-01', '2025-01-15', '2026-03-01', '2026-03-14']) }));
      for (const o of outcomes) await core.call('recalls.record', { customerId: id, ...o });
      made.push({ id, dateOfBirth, override, outcomes });
    }

    const listed = new Map((await core.call('recalls.list', { status: 'all', limit: 2000 })).items.map((i) => [i.customerId, i]));
    let recalled = 0;
    for (const m of made) {
      const versions = await core.call('prescriptions.list', { customerId: m.id });
      const current = currentOf(versions, (v) => ({ id: v.id, correctsId: v.correctsId, examDate: v.rx.examDate, version: v.version }));
      const exam = current ? { date: current.rx.examDate, kind: current.rx.kind } : null;
      const due = dueDateOf({ exam, dateOfBirth: m.dateOfBirth, override: m.override }, settings);
      const item = listed.get(m.id);
      expect(item?.dueDate ?? null, `customer ${made.indexOf(m)}`).toBe(due);
      if (!due || !item) continue;
      recalled++;
      expect(item.state).toBe(recallStateOf(due, isAnswered(m.outcomes, exam?.date ?? null), TODAY));
      expect(item.lastExamDate).toBe(exam?.date ?? null);
    }
    expect(recalled).toBeGreaterThan(30);
  }, 60_000);
});
