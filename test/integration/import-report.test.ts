import { afterEach, describe, expect, it } from 'vitest';
import { openTestCore } from '../helpers/core';

/*
 * Review item 8: the rows the import left out (or brought in without some values) come back
 * structured — codes and parameters, the file's headers and its own delimiter — so the page writes
 * the report in the person's language with the form's field names.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('import.run report rows', () => {
  it('answers the report structured: codes, params, fields, the file’s cells and delimiter', async () => {
    const t = await openTestCore();
    cleanups.push(t.close);
    const text = ['Nom;Prénom;Date de naissance;Tél', 'Durand;Paul;31/02/1980;0611111111', ';;01/01/1970;=cmd|calc', 'Benali;Karim;03/11/1988;0661223344'].join('\r\n');
    const file = { fileName: 'clients.csv', bytes: Buffer.from(text, 'utf8').toString('base64') };
    const p = await t.core.call('import.preview', file);
    const out = await t.core.call('import.run', { ...file, mapping: p.mapping, onDuplicate: 'skip' });
    expect(out.reportRows).toMatchObject({ fileName: 'clients-import-report.csv', delimiter: ';', headers: ['Nom', 'Prénom', 'Date de naissance', 'Tél'] });
    const lines = out.reportRows!.lines;
    expect(lines.map((l) => [l.row, l.outcome])).toEqual([
      [2, 'partial'],
      [3, 'skipped'],
    ]);
    expect(lines[0]!.problems[0]).toMatchObject({ field: 'dateOfBirth', code: expect.any(String), params: expect.any(Object) });
    expect(lines[1]!.problems[0]).toMatchObject({ field: 'lastName', code: expect.any(String) });
    expect(lines[1]!.cells).toEqual(['', '', '01/01/1970', '=cmd|calc']);
  });
});
