import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { reportCsv } from './importReport';

const rows = {
  fileName: 'clients-import-report.csv',
  headers: ['Nom', 'Prénom', 'Tél'],
  delimiter: ';',
  lines: [
    { row: 2, outcome: 'partial' as const, problems: [{ row: 2, field: 'dateOfBirth', code: 'x.date', params: {}, message: 'Date of birth 1980-02-31 is not a real date' }], cells: ['Durand', 'Paul', '0611111111'] },
    { row: 3, outcome: 'skipped' as const, problems: [{ row: 3, field: 'lastName', code: 'x.noName', params: {}, message: 'The row has no name' }], cells: ['', '', '=cmd|calc'] },
  ],
  unlisted: 0,
};

const french = {
  columns: { row: 'Ligne', outcome: 'Résultat', problems: 'Problèmes' },
  outcomes: { skipped: 'ignorée', partial: 'importée sans certaines valeurs' },
  // The page's problemLine: the form's field name, then the message in the language.
  problem: (p: { field: string; code: string }) => `${p.field === 'dateOfBirth' ? 'Date de naissance' : 'Nom'} : ${p.code === 'x.date' ? 'Date impossible' : 'Aucun nom'}`,
  fallbackDelimiter: ',',
  unlisted: (n: number, listed: number) => `${n} autres lignes ont des problèmes ; seules les ${listed} premières sont listées`,
};

describe('the import’s report, written by the page', () => {
  it('is in the person’s language, with the form’s field names and the file’s delimiter', () => {
    const text = reportCsv(rows, french);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const back = Papa.parse<string[]>(text.slice(1), { delimiter: ';', skipEmptyLines: true }).data;
    expect(back[0]).toEqual(['Ligne', 'Résultat', 'Problèmes', 'Nom', 'Prénom', 'Tél']);
    expect(back[1]).toEqual(['2', 'importée sans certaines valeurs', 'Date de naissance : Date impossible', 'Durand', 'Paul', '0611111111']);
    // The file came from elsewhere: a cell a spreadsheet would run is neutralised.
    expect(back[2]).toEqual(['3', 'ignorée', 'Nom : Aucun nom', '', '', "'=cmd|calc"]);
  });

  it('takes the language’s delimiter when the file had none (an .xlsx)', () => {
    const text = reportCsv({ ...rows, delimiter: null }, { ...french, fallbackDelimiter: ';' });
    expect(text.split('\r\n')[0]).toBe('\uFEFFLigne;Résultat;Problèmes;Nom;Prénom;Tél');
    expect(reportCsv({ ...rows, delimiter: null }, { ...french, fallbackDelimiter: ',' }).split('\r\n')[0]).toBe('\uFEFFLigne,Résultat,Problèmes,Nom,Prénom,Tél');
  });

  it('ends with how many more rows had problems when the core listed only the first ones', () => {
    const back = Papa.parse<string[]>(reportCsv({ ...rows, unlisted: 90_000 }, french).slice(1), { delimiter: ';', skipEmptyLines: true }).data;
    expect(back).toHaveLength(4);
    expect(back[3]).toEqual(['', '', '90000 autres lignes ont des problèmes ; seules les 2 premières sont listées']);
    expect(Papa.parse<string[]>(reportCsv(rows, french).slice(1), { delimiter: ';', skipEmptyLines: true }).data).toHaveLength(3);
  });
});
