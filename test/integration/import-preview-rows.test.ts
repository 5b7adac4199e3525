import { afterEach, describe, expect, it } from 'vitest';
import { openTestCore } from '../helpers/core';

/*
 * Review item 6: a row the import will skip is shown in the preview as the file has it (who it is),
 * marked as skipped, not as a blank row.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('import.preview rows', () => {
  it('gives a skipped row the values the file has for it, and says it is skipped', async () => {
    const t = await openTestCore();
    cleanups.push(t.close);
    const text = ['Nom;Prénom;Date de naissance;Tél;Email', 'Lefèvre;Hélène;23/04/1975;06 12 34 56 78;helene@exemple.fr', 'Benali;;31/02/1980;0661223344;karim@@exemple'].join('\r\n');
    const p = await t.core.call('import.preview', { fileName: 'clients.csv', bytes: Buffer.from(text, 'utf8').toString('base64') });
    expect(p.rows).toHaveLength(2);
    expect(p.rows[0]).toMatchObject({ row: 2, skipped: false, customer: { lastName: 'Lefèvre', firstName: 'Hélène', dateOfBirth: '1975-04-23' } });
    // The file's own text, not the form's reading of it: the person finds the row in the file by it.
    expect(p.rows[1]).toMatchObject({
      row: 3,
      skipped: true,
      customer: { lastName: 'Benali', firstName: '', dateOfBirth: '31/02/1980', phoneNumber: '0661223344', email: 'karim@@exemple' },
    });
    expect(p.rows[1]!.problems.length).toBeGreaterThan(0);
  });
});
