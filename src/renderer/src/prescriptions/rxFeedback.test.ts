import { say } from '../../../shared/messages';
import { describe, expect, it } from 'vitest';
import { checkRx } from '../../../shared/prescriptions/rules';
import type { PrescriptionVersion, Rx } from '../../../shared/prescriptions/schema';
import { emptyDraft } from './draft';
import { placeFeedback, placedPaths, valueAt } from './rxFeedback';
import { checkDraft, rxCheckContext } from './useRxCheck';

const today = '2026-11-22';
const noContext = { dateOfBirth: null, previous: null };

function typed(right: string, left: string) {
  const d = emptyDraft('2026-11-01');
  d.distanceVision.rightEye.sph = right;
  d.distanceVision.leftEye.sph = left;
  return d;
}

describe('the check run in the page', () => {
  it('answers what the core answers for the same grid and customer', () => {
    const previous = checkRx({ kind: 'spectacles', examDate: '2025-01-10', distanceVision: { rightEye: { sph: '+1.00' }, leftEye: { sph: '+1.25' } } }, { today }).normalized as Rx;
    const context = { dateOfBirth: '1960-03-01T00:00:00.000Z', previous };
    const draft = typed('-1.25', '-1.50');
    const { input, result } = checkDraft(draft, context, today);
    expect(result).toEqual(checkRx(input, { today, ...context }));
    expect(result.warnings.map((w) => w.code)).toContain('signChanged');
  });

  it('compares with the current version and the customer’s date of birth', () => {
    const version = (id: string, current: boolean, examDate: string) => ({ id, current, rx: { kind: 'spectacles', examDate } }) as unknown as PrescriptionVersion;
    const context = rxCheckContext('1990-01-01', [version('b', false, '2026-02-01'), version('a', true, '2026-01-01')]);
    expect(context).toEqual({ dateOfBirth: '1990-01-01', previous: { kind: 'spectacles', examDate: '2026-01-01' } });
    expect(rxCheckContext('', [])).toEqual({ dateOfBirth: null, previous: null });
  });
  it('refuses what the contract refuses on save: too long a note, prescriber or brand, a broken character (reviewer D5)', () => {
    const draft = typed('-1.00', '-1.00');
    draft.notes = 'n'.repeat(2001);
    draft.prescriber = 'p'.repeat(201);
    const { result } = checkDraft(draft, noContext, today);
    expect(result.valid).toBe(false);
    expect(result.errors).toMatchObject({
      notes: { code: 'field.tooLong', params: { field: 'notes', max: 2000 }, message: 'must be at most 2000 characters' },
      prescriber: { code: 'field.tooLong', params: { field: 'prescriber', max: 200 }, message: 'must be at most 200 characters' },
    });

    const broken = typed('-1.00', '-1.00');
    broken.notes = 'bad \ud800 char';
    expect(checkDraft(broken, noContext, today).result.errors.notes).toMatchObject({ code: 'text.illFormed', message: expect.stringMatching(/not valid Unicode/) });

    const lenses = typed('-1.00', '-1.00');
    lenses.kind = 'contacts';
    lenses.contacts.brand = 'b'.repeat(101);
    expect(checkDraft(lenses, noContext, today).result.errors['contacts.brand']).toMatchObject({ code: 'field.tooLong', params: { field: 'brand', max: 100 } });
  });
});

describe('where the check’s messages go', () => {
  const { result } = checkDraft(typed('-99', '-1.00'), noContext, today);
  const kind = 'spectacles' as const;

  it('shows an error once staff have been through the field, or tried to save', () => {
    expect(result.errors['distanceVision.rightEye.sph']).toBeDefined();
    const untouched = placeFeedback(result, kind, { touched: () => false, submitted: false, serverErrors: {} });
    expect(untouched.errorAt('distanceVision.rightEye.sph')).toBeUndefined();
    const touched = placeFeedback(result, kind, { touched: (p) => p === 'distanceVision.rightEye.sph', submitted: false, serverErrors: {} });
    expect(touched.errorAt('distanceVision.rightEye.sph')).toBe(result.errors['distanceVision.rightEye.sph']);
    const submitted = placeFeedback(result, kind, { touched: () => false, submitted: true, serverErrors: {} });
    expect(submitted.errorAt('distanceVision.rightEye.sph')).toBeDefined();
  });

  it('puts the core’s answer to a save first, and errors no field holds above Save', () => {
    const [fromCore, gone] = [say('rx.sphRequired', {}, 'from the core'), say('field.required', { field: 'firstName' }, 'gone')];
    const placement = placeFeedback(result, kind, { touched: () => false, submitted: false, serverErrors: { 'distanceVision.leftEye.sph': fromCore, customerId: gone } });
    expect(placement.errorAt('distanceVision.leftEye.sph')).toBe(fromCore);
    expect(placement.unplacedErrors).toEqual([['customerId', gone]]);
  });

  it('puts a warning by its field or row, and the others above the grid', () => {
    const { result: aniso } = checkDraft(typed('-1.00', '-4.00'), noContext, today);
    const placement = placeFeedback(aniso, kind, { touched: () => true, submitted: false, serverErrors: {} });
    expect(placement.warningsByPath.get('distanceVision')?.map((w) => w.code)).toEqual(['anisometropia']);
    const unknown = placeFeedback({ ...aniso, warnings: [{ code: 'expired', path: 'nowhere', params: { date: '2026-01-01' }, message: 'm' }] }, kind, { touched: () => true, submitted: false, serverErrors: {} });
    expect(unknown.topWarnings.map((w) => w.code)).toEqual(['expired']);
  });

  it('knows the fields the editor has', () => {
    expect(placedPaths('spectacles').has('distanceVision.rightEye.add')).toBe(true);
    expect(placedPaths('spectacles').has('nearVision.rightEye.add')).toBe(false);
    expect(placedPaths('spectacles').has('contacts.brand')).toBe(false);
    expect(placedPaths('contacts').has('contacts.brand')).toBe(true);
    expect(valueAt({ a: { b: '1' } }, 'a.b')).toBe('1');
    expect(valueAt({ a: null }, 'a.b')).toBeUndefined();
  });
});
