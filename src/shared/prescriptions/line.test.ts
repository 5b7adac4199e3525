import { describe, expect, it } from 'vitest';
import { looksLikeRxLine, readRxLine } from './line';

const rx = (sph: string | null, cyl: string | null = null, axis: string | null = null, add: string | null = null) => ({ sph, cyl, axis, add });

describe('one eye typed on one line', () => {
  it.each([
    ['-1.25 -0.50 x 90 add +2.00', rx('-1.25', '-0.50', '090', '+2.00')],
    ['+2.00/-0.75x180', rx('+2.00', '-0.75', '180')],
    ['pl/-0.50x45', rx('PL', '-0.50', '045')],
    // Both cylinder forms, read as written (the same lens, transposed).
    ['-1.75 +0.50 x 180', rx('-1.75', '+0.50', '180')],
    ['-1.25 -0.50 x 090', rx('-1.25', '-0.50', '090')],
    ['-3.50 DS', rx('-3.50')],
    ['plano', rx('PL')],
    ['PL DS', rx('PL')],
    ['-2', rx('-2.00')],
    ['-200', rx('-2.00')],
    ['-125 -50 x90', rx('-1.25', '-0.50', '090')],
    ['-1.00 -0.25 ×90', rx('-1.00', '-0.25', '090')],
    ['−1.00 −0.25 x 0', rx('-1.00', '-0.25', '180')],
    ['+1.00 -0.50 @ 45', rx('+1.00', '-0.50', '045')],
    ['-1.00 -0.50 90', rx('-1.00', '-0.50', '090')],
    ['+0.50 add 2', rx('+0.50', null, null, '+2.00')],
    ['add 2', rx(null, null, null, '+2.00')],
    ['-1.00 +2.00 add', rx('-1.00', null, null, '+2.00')],
    ['+2.00 add', rx(null, null, null, '+2.00')],
    ['-1,25 -0,50 x 90 add 2,25', rx('-1.25', '-0.50', '090', '+2.25')],
    ['-1,25, -0,50, x90', rx('-1.25', '-0.50', '090')],
    ['=1.50 -0.50x10 ADD+1.75', rx('+1.50', '-0.50', '010', '+1.75')],
    ['-0.75 D', rx('-0.75')],
    ['-0.75 0 x 90', { error: 'rx.line.axisWithoutCylinder' }],
    // An Arabic keyboard types Arabic-Indic digits (and the Arabic decimal separator); Persian ones too.
    ['-١٫٢٥ -٠٫٥٠ x ٩٠ add +٢٫٠٠', rx('-1.25', '-0.50', '090', '+2.00')],
    ['-١,٢٥ -٠,٥٠ x١٨٠', rx('-1.25', '-0.50', '180')],
    ['+۲.۰۰/-۰.۷۵x۱۸۰', rx('+2.00', '-0.75', '180')],
  ])('reads %j', (text, expected) => {
    expect(readRxLine(text)).toMatchObject(expected);
  });

  // What each line says it cannot read: [the line, where, the part it names].
  const refusals: Record<string, [text: string, at: number, token: string][]> = {
    'rx.line.empty': [['', 0, ''], ['   ', 0, '']],
    'rx.line.unreadable': [['-1.25 -0.50 x 90 foo', 17, 'foo'], ['hello', 0, 'hello']],
    'rx.line.badValue': [['-1.13', 0, '-1.13'], ['-1.25 -0.50 x 200', 12, 'x200'], ['-1.25 -0.50 x 90 add -1', 21, '-1']],
    'rx.line.addMissing': [['-1.25 -0.50 x 90 add', 17, 'add']],
    'rx.line.axisWithoutCylinder': [['-1.25 x 90', 6, 'x90'], ['-3.50 DS x 90', 9, 'x90']],
    'rx.line.tooMany': [['-1.25 -0.50 x 90 -0.25', 17, '-0.25'], ['-1.25 -0.50 x 90 x 80', 17, 'x80']],
    // An axis with a fraction is named as such, not as one value too many.
    'rx.line.axisNotWhole': [['-1.25 -0.50 x 090.5', 12, 'x090.5'], ['-1.25 -0.50 90.5', 12, '90.5'], ['-1,25 -0,50 x 90,5', 12, 'x90.5']],
    // A plano ADD is no ADD: named, rather than "ADD needs a value".
    'rx.line.addPlano': [['-1.25 add pl', 10, 'pl'], ['add plano', 4, 'plano']],
  };
  it.each(Object.entries(refusals).flatMap(([error, cases]) => cases.map(([text, at, token]) => [text, error, at, token] as const)))(
    'names what it cannot read in %j',
    (text, error, at, token) => {
      const r = readRxLine(text);
      expect(r).toMatchObject({ error, at, token });
      expect('message' in r && r.message.length > 0).toBe(true);
    },
  );

  it('reads Arabic-Indic digits in a single cell too', async () => {
    const { parseDiopter, parseAxis, SPH } = await import('./values');
    expect(parseDiopter('-١٫٢٥', SPH)).toEqual({ ok: true, value: -1.25 });
    expect(parseAxis('۹۰')).toEqual({ ok: true, value: 90 });
  });

  it('tells a line from a single value', () => {
    expect(looksLikeRxLine('-1.25')).toBe(false);
    expect(looksLikeRxLine('-125')).toBe(false);
    expect(looksLikeRxLine('-1.25 D')).toBe(false);
    expect(looksLikeRxLine('-1.25 -0.50x90')).toBe(true);
    expect(looksLikeRxLine('pl/-0.50x45')).toBe(true);
  });
});
