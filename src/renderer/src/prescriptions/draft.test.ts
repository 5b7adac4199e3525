import { describe, expect, it } from 'vitest';
import { checkRx } from '../../../shared/prescriptions/rules';
import type { Rx } from '../../../shared/prescriptions/schema';
import { copyRightToLeft, draftFromRx, emptyDraft, focusAfterLine, followDefaultExpiry, leftEyeTyped, localToday, newExamDraft, normaliseEyeCell, normalisePd, rxInputFromDraft, transposeDraft } from './draft';

const draft = () => emptyDraft('2026-11-01');

describe('the grid as the core reads it', () => {
  it('leaves out empty cells and rows nobody typed in', () => {
    const d = draft();
    d.distanceVision.rightEye.sph = ' -1.25 ';
    d.distanceVision.leftEye.sph = '-3.50';
    d.prescriber = '  ';
    expect(rxInputFromDraft(d)).toEqual({
      kind: 'spectacles',
      examDate: '2026-11-01',
      distanceVision: { rightEye: { sph: '-1.25' }, leftEye: { sph: '-3.50' } },
    });
  });

  it('sends contact lens values only for contacts', () => {
    const d = draft();
    d.contacts.brand = 'Acuvue';
    expect(rxInputFromDraft(d).contacts).toBeUndefined();
    d.kind = 'contacts';
    expect(rxInputFromDraft(d).contacts).toEqual({ brand: 'Acuvue' });
  });

  it('is today on this PC, as a date input wants it', () => {
    expect(localToday(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});

describe('one cell tidied on blur', () => {
  it('reads staff shorthand into the canonical text', () => {
    expect(normaliseEyeCell('sph', '-125')).toEqual({ text: '-1.25' });
    expect(normaliseEyeCell('sph', '0')).toEqual({ text: 'PL' });
    expect(normaliseEyeCell('sph', '-3.50 DS')).toEqual({ text: '-3.50', clearCylinder: true });
    expect(normaliseEyeCell('cyl', 'DS')).toEqual({ text: '', clearCylinder: true });
    expect(normaliseEyeCell('axis', '90')).toEqual({ text: '090' });
    expect(normaliseEyeCell('add', '2')).toEqual({ text: '+2.00' });
  });

  it('leaves what it cannot read as typed, for the check to name', () => {
    expect(normaliseEyeCell('sph', 'abc')).toBeNull();
    expect(normaliseEyeCell('axis', '200')).toBeNull();
    expect(normalisePd('binocular', '20')).toBeNull();
    expect(normalisePd('binocular', '62')).toBe('62.0');
  });
});

describe('a whole line typed in the sphere cell', () => {
  it("gives the eye's other cells, the ADD only when the line states one", () => {
    expect(normaliseEyeCell('sph', '-1.25 -0.50 x 90 add +2.00')).toEqual({ text: '-1.25', line: { cyl: '-0.50', axis: '090', add: '+2.00' } });
    expect(normaliseEyeCell('sph', 'pl/-0.50x45')).toEqual({ text: 'PL', line: { cyl: '-0.50', axis: '045' } });
    expect(normaliseEyeCell('sph', '+2.00 add')).toEqual({ text: '', line: { cyl: '', axis: '', add: '+2.00' } });
    // ADD 0 says there is none: it clears the cell, not keeps the one the exam started from (fourth review).
    expect(normaliseEyeCell('sph', '-1.25 -0.50 x 90 add 0')).toEqual({ text: '-1.25', line: { cyl: '-0.50', axis: '090', add: '' } });
  });

  it('keeps a line it cannot read as typed, with the reason', () => {
    expect(normaliseEyeCell('sph', '-1.25 -0.50 x 90 foo')).toMatchObject({ text: '-1.25 -0.50 x 90 foo', lineError: { error: 'rx.line.unreadable', token: 'foo' } });
    // One value is still a cell to tidy, not a line: "-3.50 DS" keeps its meaning.
    expect(normaliseEyeCell('sph', '-3.50 DS')).toEqual({ text: '-3.50', clearCylinder: true });
  });
});

// Outside review: Tab after a line landed in that eye's CYL (just filled), so a second line typed
// straight on went into it.
describe('where the focus goes after a whole line typed in a sphere cell', () => {
  it("goes from the right eye's sphere to the left eye's, on any typed row", () => {
    expect(focusAfterLine(draft(), 'distanceVision.rightEye.sph', '-1.25 -0.50 x 90 add +2.00')).toEqual(['distanceVision.leftEye.sph']);
    expect(focusAfterLine(draft(), 'nearVision.rightEye.sph', '+1.00/-0.50x90')).toEqual(['nearVision.leftEye.sph']);
  });

  it('goes from the left eye past the rows the ADD gives, to the PD', () => {
    const d = draft();
    d.distanceVision.rightEye.add = '+2.00';
    expect(focusAfterLine(d, 'distanceVision.leftEye.sph', '+2.00/-0.75x180')).toEqual(['pd.right']);
    // The line itself states the ADD (not yet in the ADD cell while the sphere is being left).
    expect(focusAfterLine(draft(), 'distanceVision.leftEye.sph', '+2.00/-0.75x180 add 2')).toEqual(['pd.right']);
    // A near row typed by hand is staff's to type, ADD or not.
    d.nearVision.rightEye.sph = '+1.00';
    expect(focusAfterLine(d, 'distanceVision.leftEye.sph', '+2.00/-0.75x180')).toEqual(['nearVision.rightEye.sph', 'pd.right']);
  });

  it('goes from the left eye to the next row when no ADD makes it derived', () => {
    expect(focusAfterLine(draft(), 'distanceVision.leftEye.sph', '+2.00/-0.75x180')).toEqual(['intermediateVision.rightEye.sph', 'nearVision.rightEye.sph', 'pd.right']);
    expect(focusAfterLine(draft(), 'nearVision.leftEye.sph', '+2.00/-0.75x180')).toEqual(['pd.right']);
  });

  it('leaves Tab alone for a single value, an unreadable line, or another cell', () => {
    expect(focusAfterLine(draft(), 'distanceVision.rightEye.sph', '-1.25')).toBeNull();
    expect(focusAfterLine(draft(), 'distanceVision.rightEye.sph', '-3.50 DS')).toBeNull();
    expect(focusAfterLine(draft(), 'distanceVision.rightEye.sph', 'pl/-0.50x45 add 2 foo')).toBeNull();
    expect(focusAfterLine(draft(), 'distanceVision.rightEye.cyl', '-1.25 -0.50 x 90')).toBeNull();
    expect(focusAfterLine(draft(), 'pd.right', '-1.25 -0.50 x 90')).toBeNull();
  });
});

describe('whole-grid actions', () => {
  it('transposes every typed lens and names the ones it cannot read', () => {
    const d = draft();
    d.distanceVision.rightEye = { ...d.distanceVision.rightEye, sph: '-1.25', cyl: '-0.50', axis: '090' };
    d.distanceVision.leftEye = { ...d.distanceVision.leftEye, sph: 'x', cyl: '-1.00', axis: '010' };
    const { draft: next, unreadable } = transposeDraft(d);
    expect(next.distanceVision.rightEye).toMatchObject({ sph: '-1.75', cyl: '+0.50', axis: '180' });
    expect(next.distanceVision.leftEye).toMatchObject({ sph: 'x', cyl: '-1.00', axis: '010' });
    expect(unreadable).toEqual(['distanceVision.leftEye']);
    // The draft it was given is untouched.
    expect(d.distanceVision.rightEye.sph).toBe('-1.25');
  });

  it('copies the right eye onto the left, with the PD', () => {
    const d = draft();
    d.distanceVision.rightEye.sph = '-1.25';
    d.pd.right = '31.0';
    expect(leftEyeTyped(d)).toBe(false);
    const next = copyRightToLeft(d);
    expect(next.distanceVision.leftEye.sph).toBe('-1.25');
    expect(next.pd.left).toBe('31.0');
    expect(leftEyeTyped(next)).toBe(true);
  });
});

describe('a saved version back in the grid for a correction', () => {
  it('keeps the rows the ADD gives empty, so they follow a corrected ADD', () => {
    const input = {
      kind: 'spectacles' as const,
      examDate: '2026-11-01',
      distanceVision: { rightEye: { sph: '-1.00', add: '+2.00' }, leftEye: { sph: '-1.50', add: '+2.00' } },
    };
    const saved = checkRx(input, { today: '2026-11-22' }).normalized as Rx;
    expect(saved.nearVision).toBeDefined();
    const d = draftFromRx(saved);
    expect(d.distanceVision.rightEye.add).toBe('+2.00');
    expect(d.nearVision.rightEye.sph).toBe('');
    expect(d.intermediateVision.leftEye.sph).toBe('');
  });
});

describe('a new exam', () => {
  it("starts from the current version's values, with its own date and no expiry or notes carried over", () => {
    const input = {
      kind: 'spectacles' as const,
      examDate: '2025-03-01',
      expiresAt: '2027-03-01',
      prescriber: 'Dr Idrissi',
      notes: 'scratched lenses',
      distanceVision: { rightEye: { sph: '-1.25', cyl: '-0.50', axis: '90', add: '+2.00' }, leftEye: { sph: '-1.00', add: '+2.00' } },
      pd: { right: '31.5', left: '32' },
    };
    const current = checkRx(input, { today: '2026-11-22' }).normalized as Rx;
    const d = newExamDraft(current, '2026-11-22');
    expect(d.examDate).toBe('2026-11-22');
    expect(d.expiresAt).toBe('');
    expect(d.notes).toBe('');
    expect(d.prescriber).toBe('Dr Idrissi');
    expect(d.distanceVision.rightEye).toMatchObject({ sph: '-1.25', cyl: '-0.50', axis: '090', add: '+2.00' });
    // Derived values stay derived: the near row from the ADD, the binocular PD from the monocular ones.
    expect(d.nearVision.rightEye.sph).toBe('');
    expect(d.pd).toMatchObject({ right: '31.5', left: '32.0', binocular: '' });
    expect(newExamDraft(null, '2026-11-22')).toEqual(emptyDraft('2026-11-22'));
  });
});

describe("a new exam's expiry and the customer's note (issue 12, items 7 and 9)", () => {
  const months = { spectacles: 24, contacts: 12 };

  it("is pre-filled from the store's months for its kind and the exam date", () => {
    expect(newExamDraft(null, '2026-11-22', months).expiresAt).toBe('2028-11-22');
    const lenses = checkRx({ kind: 'contacts', examDate: '2025-01-10', expiresAt: '2026-01-10', customerNote: 'Bring the old pair', distanceVision: { rightEye: { sph: '-2' }, leftEye: { sph: '-2' } } }, { today: '2026-11-22' }).normalized as Rx;
    const d = newExamDraft(lenses, '2026-11-22', months);
    expect(d.expiresAt).toBe('2027-11-22');
    // The note was for that visit's customer, not this one.
    expect(d.customerNote).toBe('');
    expect(newExamDraft(null, '2026-11-22', { spectacles: 0, contacts: 12 }).expiresAt).toBe('');
  });

  it('follows the exam date and kind while it is the default; one typed by hand is kept', () => {
    const start = { examDate: '2026-11-22', kind: 'spectacles' as const, expiresAt: '2028-11-22' };
    expect(followDefaultExpiry(start, { examDate: '2026-11-20', kind: 'spectacles' }, months)).toBe('2028-11-20');
    expect(followDefaultExpiry(start, { examDate: '2026-11-22', kind: 'contacts' }, months)).toBe('2027-11-22');
    expect(followDefaultExpiry({ ...start, expiresAt: '' }, { examDate: '2026-11-20', kind: 'spectacles' }, months)).toBe('2028-11-20');
    expect(followDefaultExpiry({ ...start, expiresAt: '2027-06-30' }, { examDate: '2026-11-20', kind: 'contacts' }, months)).toBeNull();
    expect(followDefaultExpiry(start, { examDate: '2026-11-22', kind: 'spectacles' }, months)).toBeNull();
  });

  it("sends the customer's note apart from the internal notes, and reads it back for a correction", () => {
    const d = { ...emptyDraft('2026-11-01'), notes: ' scratched ', customerNote: ' Wear them for driving ' };
    d.distanceVision.rightEye.sph = '-1.00';
    d.distanceVision.leftEye.sph = '-1.00';
    const input = rxInputFromDraft(d);
    expect(input).toMatchObject({ notes: 'scratched', customerNote: 'Wear them for driving' });
    const saved = checkRx(input, { today: '2026-11-22' }).normalized as Rx;
    expect(draftFromRx(saved)).toMatchObject({ notes: 'scratched', customerNote: 'Wear them for driving' });
  });
});
