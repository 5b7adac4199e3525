import { describe, expect, it } from 'vitest';
import { checkRx, enteredRx, formatLens, formatSphericalEquivalent, readLens, readSaved, sphericalEquivalent, transpose } from '../../src/shared/prescriptions/rules';
import type { Rx } from '../../src/shared/prescriptions/schema';
import type { RxInput } from '../../src/shared/prescriptions/schema';
import { ADD, CYL, SPH, formatAxis, formatDiopter, parseAxis, parseDiopter } from '../../src/shared/prescriptions/values';

/** The English text of each error (what the logs say), by path. */
const english = (errors: Record<string, { message: string }>) => Object.fromEntries(Object.entries(errors).map(([path, m]) => [path, m.message]));

/*
 * Vectors from the issue (taken from published optics teaching material on transposition and
 * spherical equivalent) plus our own. Transposition: new sph = sph + cyl, cyl sign flips, axis ±90°
 * (e.g. any optics text on plus/minus cylinder form); SE = sph + cyl/2.
 */
const lens = (sph: string, cyl: string, axis: string) => {
  const r = readLens({ sph, cyl, axis });
  if (!r.lens) throw new Error(JSON.stringify(r.errors));
  return r.lens;
};
const today = '2026-11-22';
const rx = (over: Partial<RxInput> = {}): RxInput => ({
  kind: 'spectacles',
  examDate: '2026-11-01',
  distanceVision: { rightEye: { sph: '-1.00' }, leftEye: { sph: '-1.25' } },
  ...over,
});

describe('transpose', () => {
  it.each([
    ['-3.00', '+2.00', '030', '-1.00', '-2.00', '120'],
    ['-1.50', '-0.75', '045', '-2.25', '+0.75', '135'],
    ['-3.00', '+2.00', '060', '-1.00', '-2.00', '150'],
    ['-3.50', '+2.00', '150', '-1.50', '-2.00', '060'],
    ['-2.00', '+1.00', '090', '-1.00', '-1.00', '180'],
    ['+1.00', '-1.00', '090', 'PL', '+1.00', '180'],
    ['+2.00', '-0.50', '180', '+1.50', '+0.50', '090'],
  ])('%s %s ×%s -> %s %s ×%s', (sph, cyl, axis, s2, c2, a2) => {
    expect(formatLens(transpose(lens(sph, cyl, axis)))).toEqual({ sph: s2, cyl: c2, axis: a2 });
  });

  it('is its own inverse', () => {
    const l = lens('-4.25', '-1.75', '12');
    expect(transpose(transpose(l))).toEqual(l);
  });

  it('leaves a sphere alone', () => expect(formatLens(transpose(lens('-2.00', 'DS', '')))).toEqual({ sph: '-2.00', cyl: '0.00', axis: '' }));
});

describe('spherical equivalent', () => {
  it('of -2.00 -1.00 ×180 is -2.50', () => expect(sphericalEquivalent(lens('-2.00', '-1.00', '180'))).toBe(-2.5));
  it('is the same in both cylinder forms', () => {
    const l = lens('+1.75', '-0.50', '045');
    expect(sphericalEquivalent(transpose(l))).toBeCloseTo(sphericalEquivalent(l), 10);
  });
  it('is written to the hundredth the same way for plus and minus (+1.125 → +1.13, −1.625 → −1.63)', () => {
    expect(formatSphericalEquivalent(lens('+1.00', '+0.25', '090'))).toBe('+1.13');
    expect(formatSphericalEquivalent(lens('-1.50', '-0.25', '090'))).toBe('-1.63');
    expect(formatSphericalEquivalent(lens('-2.00', '-1.00', '180'))).toBe('-2.50');
    expect(checkRx(rx({ distanceVision: { rightEye: { sph: '-1.50', cyl: '-0.25', axis: '90' }, leftEye: { sph: '+1.00', cyl: '+0.25', axis: '90' } } }), { today }).derived.sphericalEquivalent).toEqual({ right: '-1.63', left: '+1.13' });
  });
});

describe('reading what staff type', () => {
  it.each([
    ['-125', SPH, -1.25],
    ['-1.25', SPH, -1.25],
    ['+1.5', SPH, 1.5],
    ['=1.5', SPH, 1.5],
    ['−2,75', SPH, -2.75],
    ['-50', SPH, -0.5],
    ['-12', SPH, -12],
    ['3000', SPH, 30],
    ['pl', SPH, 0],
    ['Plano', SPH, 0],
    ['0', SPH, 0],
    [' -0.25 ', CYL, -0.25],
    ['DS', CYL, 0],
    ['sph', CYL, 0],
    ['2', ADD, 2],
    ['25', ADD, 0.25],
    ['+175', ADD, 1.75],
    [-3.5, SPH, -3.5],
    ['', SPH, null],
  ] as const)('%j as %s is %s', (input, field, expected) => {
    expect(parseDiopter(input, field)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['1.30', SPH],
    ['-30.25', SPH],
    ['+31', SPH],
    ['abc', SPH],
    ['1.2.3', SPH],
    ['-10.25', CYL],
    ['4.25', ADD],
    ['-1.00', ADD],
  ] as const)('refuses %j for %s, naming the field and the accepted form', (input, field) => {
    const r = parseDiopter(input, field);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message.message).toMatch(new RegExp(`^${field.label} must be a number from .* in 0\\.25 steps, like `));
  });

  it.each([
    ['90', 90],
    ['090', 90],
    ['x90', 90],
    ['×5', 5],
    ['0', 180],
    [180, 180],
  ] as const)('axis %j is %d', (input, expected) => expect(parseAxis(input)).toEqual({ ok: true, value: expected }));

  it.each(['181', '-1', '190', '90.5', 'abc'])('refuses axis %j', (input) => expect(parseAxis(input).ok).toBe(false));

  it('writes sign, two decimals, PL and three-digit axes', () => {
    expect([formatDiopter(1.5), formatDiopter(-0.25), formatDiopter(0, 'PL'), formatDiopter(0), formatAxis(5)]).toEqual([
      '+1.50',
      '-0.25',
      'PL',
      '0.00',
      '005',
    ]);
  });
});

describe('checkRx', () => {
  it('normalises shorthand and fills in the spherical equivalent', () => {
    const out = checkRx(rx({ distanceVision: { rightEye: { sph: '-125', cyl: '-50', axis: '90' }, leftEye: { sph: 'pl' } } }), { today });
    expect(out.valid).toBe(true);
    expect(english(out.errors)).toEqual({});
    expect(out.normalized.distanceVision).toEqual({ rightEye: { sph: '-1.25', cyl: '-0.50', axis: '090' }, leftEye: { sph: 'PL' } });
    expect(out.derived.sphericalEquivalent).toEqual({ right: '-1.50', left: '0.00' });
  });

  it('derives near = distance + ADD and intermediate = distance + ADD/2', () => {
    const out = checkRx(rx({ distanceVision: { rightEye: { sph: '-2.00', cyl: '-0.50', axis: '180', add: '+2.00' }, leftEye: { sph: '-2.00', cyl: '-0.50', axis: '180', add: '2' } } }), { today });
    expect(out.normalized.nearVision?.rightEye).toEqual({ sph: 'PL', cyl: '-0.50', axis: '180' });
    expect(out.normalized.intermediateVision?.leftEye).toEqual({ sph: '-1.00', cyl: '-0.50', axis: '180' });
    expect(out.normalized.distanceVision?.rightEye.add).toBe('+2.00');
  });

  it('derives the ADD when a full near Rx is typed', () => {
    const out = checkRx(
      rx({
        distanceVision: { rightEye: { sph: '-1.00', cyl: '-0.50', axis: '90' }, leftEye: { sph: '-0.75' } },
        nearVision: { rightEye: { sph: '+1.25', cyl: '-0.50', axis: '90' }, leftEye: { sph: '+1.50' } },
      }),
      { today },
    );
    expect(out.normalized.distanceVision?.rightEye.add).toBe('+2.25');
    expect(out.normalized.distanceVision?.leftEye.add).toBe('+2.25');
    // -1.00 + 2.25/2 = +0.125, made on the 0.25 grid.
    expect(out.normalized.intermediateVision?.rightEye).toEqual({ sph: '+0.25', cyl: '-0.50', axis: '090' });
  });

  it.each(['181', '-1', '190', '90.5'])('rejects axis %s on its path', (axis) => {
    const out = checkRx(rx({ distanceVision: { rightEye: { sph: '-1.00', cyl: '-0.50', axis }, leftEye: { sph: '-1.00' } } }), { today });
    expect(out.valid).toBe(false);
    expect(Object.keys(out.errors)).toEqual(['distanceVision.rightEye.axis']);
  });

  it('rejects SPH 1.30 on its path', () => {
    const out = checkRx(rx({ distanceVision: { rightEye: { sph: '1.30' }, leftEye: { sph: '-1.00' } } }), { today });
    expect(english(out.errors)).toEqual({ 'distanceVision.rightEye.sph': expect.stringContaining('0.25 steps') });
  });

  it('requires an axis with a cylinder, and clears it without one', () => {
    const missing = checkRx(rx({ distanceVision: { rightEye: { sph: '-1.00', cyl: '+1.00' }, leftEye: { sph: '-1.00' } } }), { today });
    expect(english(missing.errors)).toEqual({ 'distanceVision.rightEye.axis': 'Axis is required when CYL is not zero (1 to 180)' });
    const cleared = checkRx(rx({ distanceVision: { rightEye: { sph: '-1.00', cyl: '0', axis: '999' }, leftEye: { sph: '-1.00 DS' } } }), { today });
    expect(cleared.valid).toBe(true);
    expect(cleared.normalized.distanceVision?.rightEye).toEqual({ sph: '-1.00' });
  });

  it('requires both distance spheres', () => {
    const out = checkRx({ kind: 'spectacles', examDate: '2026-11-01', distanceVision: { rightEye: { sph: '' } } }, { today });
    expect(english(out.errors)).toEqual({
      'distanceVision.rightEye.sph': 'SPH is required (PL for zero)',
      'distanceVision.leftEye.sph': 'SPH is required (PL for zero)',
    });
  });

  it('checks prism, base and PD ranges', () => {
    const out = checkRx(
      rx({
        distanceVision: { rightEye: { sph: '-1.00', prism: '2', base: 'BU' }, leftEye: { sph: '-1.00', prism: '1.5' } },
        pd: { right: '31.5', left: '45', binocular: '63', nearBinocular: '90' },
      }),
      { today },
    );
    expect(english(out.errors)).toEqual({
      'distanceVision.leftEye.base': 'Base must be up, down, in or out when a prism is given',
      'pd.left': 'Left PD must be a number from 20 to 40 mm, in 0.5 mm steps',
      'pd.nearBinocular': 'Near PD must be a number from 40 to 80 mm, in 0.5 mm steps',
    });
    expect(out.normalized.distanceVision).toBeUndefined();
    expect(out.normalized.pd).toEqual({ right: '31.5', binocular: '63.0' });
  });

  it('gives the binocular PD as the sum of the monocular ones when it is not typed, derived again on read (issue 12, item 7)', () => {
    const both = rx({ distanceVision: { rightEye: { sph: '-1.00' }, leftEye: { sph: '-1.00' } }, pd: { right: '31.5', left: '32' } });
    const out = checkRx(both, { today });
    expect(out.normalized.pd).toEqual({ right: '31.5', left: '32.0', binocular: '63.5' });
    // Stored as typed, so a corrected monocular PD never leaves a stale sum; read back with it.
    const stored = enteredRx(both, out.normalized as Rx);
    expect(stored.pd).toEqual({ right: '31.5', left: '32.0' });
    expect(readSaved(stored).rx.pd).toEqual({ right: '31.5', left: '32.0', binocular: '63.5' });
    // A typed binocular PD is the prescriber's, kept as typed; one monocular PD alone gives no sum.
    expect(checkRx({ ...both, pd: { right: '31.5', left: '32', binocular: '64' } }, { today }).normalized.pd?.binocular).toBe('64.0');
    expect(checkRx({ ...both, pd: { right: '31.5' } }, { today }).normalized.pd).toEqual({ right: '31.5' });
    expect(checkRx({ ...both, pd: { right: '31.5', left: '45' } }, { today }).normalized.pd).toEqual({ right: '31.5' });
  });

  it('refuses a base typed without a prism amount instead of dropping it (third review)', () => {
    const out = checkRx(rx({ distanceVision: { rightEye: { sph: '-1.00', base: 'up' }, leftEye: { sph: '-1.00', prism: '0', base: 'in' } } }), { today });
    expect(english(out.errors)).toEqual({
      'distanceVision.rightEye.base': 'Base needs a prism amount: type the prism, or clear the base',
      'distanceVision.leftEye.base': 'Base needs a prism amount: type the prism, or clear the base',
    });
    expect(checkRx(rx({ distanceVision: { rightEye: { sph: '-1.00', base: ' ' }, leftEye: { sph: '-1.00', base: null } } }), { today }).valid).toBe(true);
  });

  it('checks dates: exam required and not in the future, expiry after the exam', () => {
    expect(english(checkRx(rx({ examDate: '' }), { today }).errors)).toEqual({ examDate: 'Exam date is required' });
    expect(english(checkRx(rx({ examDate: '2027-01-01' }), { today }).errors)).toEqual({ examDate: 'Exam date cannot be in the future' });
    expect(english(checkRx(rx({ examDate: '2026-02-30' }), { today }).errors)).toEqual({ examDate: 'Exam date must be a real date like 2026-03-14' });
    expect(english(checkRx(rx({ expiresAt: '2026-10-01' }), { today }).errors)).toEqual({ expiresAt: 'Expiry date must be after the exam date' });
  });

  it('warns of anisometropia at 2.00 D of spherical equivalent', () => {
    const out = checkRx(rx({ distanceVision: { rightEye: { sph: '-1.00 DS' }, leftEye: { sph: '-3.50 DS' } } }), { today });
    expect(out.valid).toBe(true);
    expect(out.warnings.map((w) => w.code)).toEqual(['anisometropia']);
    const under = checkRx(rx({ distanceVision: { rightEye: { sph: '-1.00' }, leftEye: { sph: '-2.75' } } }), { today });
    expect(under.warnings).toEqual([]);
  });

  it('warns when the ADD is unusual for the age', () => {
    const young = checkRx(rx({ distanceVision: { rightEye: { sph: '-1.00', add: '+2.50' }, leftEye: { sph: '-1.00', add: '+1.00' } } }), {
      today,
      dateOfBirth: '1996-05-01T00:00:00.000Z',
    });
    expect(young.warnings).toEqual([{ code: 'addForAge', path: 'distanceVision.rightEye.add', params: { add: '+2.50', age: 30, min: '0.00', max: '+1.00' }, message: 'ADD +2.50 is unusual at 30 (usually 0.00 to +1.00)' }]);
    const usual = checkRx(rx({ distanceVision: { rightEye: { sph: '-1.00', add: '+2.50' }, leftEye: { sph: '-1.00', add: '+2.50' } } }), {
      today,
      dateOfBirth: '1960-01-01',
    });
    expect(usual.warnings).toEqual([]);
  });

  it('warns of a sign change and of swapped eyes against the previous version', () => {
    const previous = checkRx(rx({ distanceVision: { rightEye: { sph: '-1.00' }, leftEye: { sph: '-4.00' } } }), { today }).normalized;
    const prev = { ...previous, kind: 'spectacles', examDate: '2025-01-01' } as Parameters<typeof checkRx>[1]['previous'];
    const swapped = checkRx(rx({ distanceVision: { rightEye: { sph: '-4.25' }, leftEye: { sph: '-1.00' } } }), { today, previous: prev });
    expect(swapped.warnings.map((w) => w.code)).toEqual(['anisometropia', 'eyesSwapped']);
    const sign = checkRx(rx({ distanceVision: { rightEye: { sph: '+0.50' }, leftEye: { sph: '-4.00' } } }), { today, previous: prev });
    expect(sign.warnings).toContainEqual({ code: 'signChanged', path: 'distanceVision.rightEye.sph', params: { eye: 'rightEye', from: '-1.00', to: '+0.50' }, message: 'SPH changed sign since the last prescription (-1.00 → +0.50)' });
  });

  it('warns when the prescription has expired', () => {
    const out = checkRx(rx({ examDate: '2024-01-10', expiresAt: '2026-01-10' }), { today });
    expect(out.warnings).toEqual([{ code: 'expired', path: 'expiresAt', params: { date: '2026-01-10' }, message: 'This prescription expired on 2026-01-10' }]);
  });

  it('refuses an ADD typed on a near row', () => {
    const out = checkRx(rx({ nearVision: { rightEye: { sph: '+1.00', add: '+2.00' }, leftEye: { sph: '+1.00' } } }), { today });
    expect(english(out.errors)['nearVision.rightEye.add']).toBe('ADD goes with the distance prescription');
  });
});

/*
 * A prescription must not contradict itself: with an ADD, the near row is distance + ADD and
 * nothing else (the bug: near OD +3.75 over distance +1.50 ADD +2.00 was saved as is).
 */
describe('checkRx: rows that must agree', () => {
  const withAdd = (near?: RxInput['nearVision'], intermediate?: RxInput['intermediateVision']) =>
    rx({
      distanceVision: { rightEye: { sph: '+1.50', cyl: '-0.50', axis: '180', add: '+2.00' }, leftEye: { sph: '+1.25', add: '+2.00' } },
      ...(near ? { nearVision: near } : {}),
      ...(intermediate ? { intermediateVision: intermediate } : {}),
    });

  it('refuses a near SPH that is not distance + ADD, on the near field', () => {
    const out = checkRx(withAdd({ rightEye: { sph: '+3.75', cyl: '-0.50', axis: '180' }, leftEye: { sph: '+3.25' } }), { today });
    expect(out.valid).toBe(false);
    expect(english(out.errors)).toEqual({ 'nearVision.rightEye.sph': 'Near SPH must be distance SPH + ADD (+3.50); leave the near row empty to follow the ADD' });
  });

  it('refuses a near cylinder or axis that is not the distance one when an ADD is given', () => {
    const out = checkRx(withAdd({ rightEye: { sph: '+3.50', cyl: '-0.75', axis: '170' }, leftEye: { sph: '+3.25', cyl: '-0.25', axis: '90' } }), { today });
    expect(english(out.errors)).toEqual({
      'nearVision.rightEye.cyl': 'Near CYL must be the distance CYL (-0.50) when an ADD is given',
      'nearVision.rightEye.axis': 'Near AXIS must be the distance AXIS (180) when an ADD is given',
      'nearVision.leftEye.cyl': 'Near CYL must be the distance CYL (none) when an ADD is given',
    });
  });

  it('accepts a near row typed in agreement with the ADD', () => {
    const out = checkRx(withAdd({ rightEye: { sph: '+3.50', cyl: '-0.50', axis: '180' }, leftEye: { sph: '+3.25' } }), { today });
    expect(english(out.errors)).toEqual({});
    expect(out.normalized.nearVision?.rightEye).toEqual({ sph: '+3.50', cyl: '-0.50', axis: '180' });
  });

  it('still derives the ADD from a near row typed without one (the near row is what was written)', () => {
    const out = checkRx(rx({ distanceVision: { rightEye: { sph: '+1.50' }, leftEye: { sph: '+1.25' } }, nearVision: { rightEye: { sph: '+3.75' }, leftEye: { sph: '+3.25' } } }), { today });
    expect(out.valid).toBe(true);
    expect(out.normalized.distanceVision?.rightEye.add).toBe('+2.25');
    expect(out.normalized.distanceVision?.leftEye.add).toBe('+2.00');
  });

  it('refuses an intermediate row beyond the range from distance to near, or with another cylinder', () => {
    const out = checkRx(withAdd(undefined, { rightEye: { sph: '+3.75', cyl: '-0.50', axis: '180' }, leftEye: { sph: '+2.25', cyl: '-0.50', axis: '90' } }), { today });
    expect(english(out.errors)).toEqual({
      'intermediateVision.rightEye.sph': 'Intermediate SPH must be from the distance SPH (+1.50) to the near SPH (+3.50)',
      'intermediateVision.leftEye.cyl': 'Intermediate CYL must be the distance CYL (none) when an ADD is given',
    });
    // The prescriber may write an intermediate addition other than half the ADD.
    const written = checkRx(withAdd(undefined, { rightEye: { sph: '+2.75', cyl: '-0.50', axis: '180' }, leftEye: { sph: '+2.25' } }), { today });
    expect(english(written.errors)).toEqual({});
  });

  it('keeps only what staff typed: an ADD derived from the near row is not stored as typed', () => {
    const input = rx({ distanceVision: { rightEye: { sph: '+1.50' }, leftEye: { sph: '+1.25' } }, nearVision: { rightEye: { sph: '+3.75' }, leftEye: { sph: '+3.25' } } });
    const stored = enteredRx(input, checkRx(input, { today }).normalized as Rx);
    expect(stored.distanceVision).toEqual({ rightEye: { sph: '+1.50' }, leftEye: { sph: '+1.25' } });
    expect(stored.nearVision).toEqual({ rightEye: { sph: '+3.75' }, leftEye: { sph: '+3.25' } });
    expect(stored.intermediateVision).toBeUndefined();
  });
});

/*
 * A near row typed without an ADD is the prescriber's reading Rx, but it must still be one: above the
 * distance row by an ADD the rules accept (the bug: distance +2.00, near -1.00 was saved, no ADD).
 */
describe('checkRx: a near row typed without an ADD', () => {
  const noAdd = (right: string, left: string, near: RxInput['nearVision'], intermediate?: RxInput['intermediateVision']) =>
    rx({
      distanceVision: { rightEye: { sph: right }, leftEye: { sph: left } },
      nearVision: near,
      ...(intermediate ? { intermediateVision: intermediate } : {}),
    });

  it('refuses a near row below the distance row (no ADD can give it), on the near field', () => {
    const out = checkRx(noAdd('+2.00', '+2.00', { rightEye: { sph: '-1.00' }, leftEye: { sph: '-1.00' } }), { today });
    expect(out.valid).toBe(false);
    expect(english(out.errors)).toEqual({
      'nearVision.rightEye.sph': 'Near SPH must be above the distance SPH (+2.00) by an ADD of +0.25 to +4.00 (from +2.25 to +6.00)',
      'nearVision.leftEye.sph': 'Near SPH must be above the distance SPH (+2.00) by an ADD of +0.25 to +4.00 (from +2.25 to +6.00)',
    });
  });

  it.each([
    ['+1.00', '-3.50', 'a sign typo'],
    ['PL', 'PL', 'equal to distance: no ADD'],
    ['-1.00', '+3.25', 'more than +4.00 above'],
  ])('refuses distance %s with near %s (%s)', (distance, near) => {
    const out = checkRx(noAdd(distance, '-1.00', { rightEye: { sph: near }, leftEye: { sph: '+1.00' } }), { today });
    expect(Object.keys(out.errors)).toEqual(['nearVision.rightEye.sph']);
    expect(out.normalized.distanceVision?.rightEye.add).toBeUndefined();
  });

  it('accepts the ADD range ends, PL and plano spellings', () => {
    const out = checkRx(noAdd('-0.25', 'plano', { rightEye: { sph: 'PL' }, leftEye: { sph: '+4.00' } }), { today });
    expect(english(out.errors)).toEqual({});
    expect([out.normalized.distanceVision?.rightEye.add, out.normalized.distanceVision?.leftEye.add]).toEqual(['+0.25', '+4.00']);
  });

  it('refuses a near cylinder or axis other than the distance one, on the near field', () => {
    const out = checkRx(
      rx({
        distanceVision: { rightEye: { sph: '-1.00', cyl: '-0.50', axis: '180' }, leftEye: { sph: '-1.00' } },
        nearVision: { rightEye: { sph: '+1.00', cyl: '-0.50', axis: '90' }, leftEye: { sph: '+1.00', cyl: '-0.75', axis: '90' } },
      }),
      { today },
    );
    expect(english(out.errors)).toEqual({
      'nearVision.rightEye.axis': 'Near AXIS must be the distance AXIS (180)',
      'nearVision.leftEye.cyl': 'Near CYL must be the distance CYL (none)',
    });
  });

  it("keeps a reading sphere written under a distance cylinder, as seed 001's example does", () => {
    const out = checkRx(
      rx({
        distanceVision: { rightEye: { sph: '-1.25', cyl: '-0.25', axis: '90' }, leftEye: { sph: '-1.00', cyl: '-0.25', axis: '85' } },
        intermediateVision: { rightEye: { sph: '-0.75', cyl: '0', axis: '0' }, leftEye: { sph: '-0.75', cyl: '0', axis: '0' } },
        nearVision: { rightEye: { sph: '-0.50', cyl: '0', axis: '0' }, leftEye: { sph: '-0.50', cyl: '0', axis: '0' } },
      }),
      { today },
    );
    expect(english(out.errors)).toEqual({});
    // Its SPH is still checked: a reading sphere below the distance one is refused.
    const below = checkRx(
      rx({
        distanceVision: { rightEye: { sph: '-1.25', cyl: '-0.25', axis: '90' }, leftEye: { sph: '-1.00' } },
        nearVision: { rightEye: { sph: '-2.00' }, leftEye: { sph: '+1.00' } },
      }),
      { today },
    );
    expect(Object.keys(below.errors)).toEqual(['nearVision.rightEye.sph']);
  });

  it('refuses an intermediate row outside distance..near, or with another cylinder, on the intermediate field', () => {
    // Reading spheres under distance cylinders: no ADD follows from them.
    const out = checkRx(
      rx({
        distanceVision: { rightEye: { sph: '+1.00', cyl: '-0.50', axis: '90' }, leftEye: { sph: '+1.00', cyl: '-0.25', axis: '90' } },
        nearVision: { rightEye: { sph: '+3.00' }, leftEye: { sph: '+3.00' } },
        intermediateVision: { rightEye: { sph: '+0.50' }, leftEye: { sph: '+2.00', cyl: '-0.50', axis: '90' } },
      }),
      { today },
    );
    expect(english(out.errors)).toEqual({
      'intermediateVision.rightEye.sph': 'Intermediate SPH must be from the distance SPH (+1.00) to the near SPH (+3.00)',
      'intermediateVision.leftEye.cyl': 'Intermediate CYL must be the distance CYL (-0.25)',
    });
  });

  it('refuses an intermediate row alone that no ADD can give, and accepts one that can', () => {
    const alone = (mid: string) => checkRx(noAdd('+1.00', '+1.00', undefined as unknown as RxInput['nearVision'], { rightEye: { sph: mid }, leftEye: { sph: '+2.00' } }), { today });
    expect(english(alone('-0.50').errors)).toEqual({ 'intermediateVision.rightEye.sph': 'Intermediate SPH must be from the distance SPH (+1.00) to +5.00 (distance + ADD +4.00)' });
    expect(english(alone('+1.75').errors)).toEqual({});
  });

  it('leaves a near row alone where the distance row of that eye cannot be read (the error is on the distance)', () => {
    const out = checkRx(noAdd('abc', '+1.00', { rightEye: { sph: '-9.00' }, leftEye: { sph: '+3.00' } }), { today });
    expect(Object.keys(out.errors)).toEqual(['distanceVision.rightEye.sph']);
  });
});

// What the removed prescriptions.transpose channel answered, now asked of the shared rules the editor uses.
describe('transposing one typed lens', () => {
  it('turns -3.00 +2.00 ×030 into -1.00 -2.00 ×120', () => {
    expect(formatLens(transpose(lens('-3.00', '+2.00', '30')))).toEqual({ sph: '-1.00', cyl: '-2.00', axis: '120' });
    expect(formatLens(transpose(lens('1', '-1', '90')))).toEqual({ sph: 'PL', cyl: '+1.00', axis: '180' });
  });

  it('names the field it cannot read', () => {
    const read = readLens({ sph: '-1.00', cyl: '-0.50', axis: '181' });
    expect(read.lens).toBeNull();
    expect(read.errors).toEqual({ axis: { code: 'rx.axis', params: {}, message: 'Axis must be a whole number of degrees from 1 to 180, like 90 or 180' } });
  });
});
