import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { csvCell, toCsv } from '../../src/main/spreadsheet/csv-writer';

describe('csv writer', () => {
  it('neutralises cells a spreadsheet would run as formulas, and leaves phones and numbers alone', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('\'=HYPERLINK("http://x")');
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('+cmd|calc')).toBe("'+cmd|calc");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('+33 6 12 34 56 78')).toBe('+33 6 12 34 56 78');
    expect(csvCell('-1.25')).toBe('-1.25');
    expect(csvCell(null)).toBe('');
    expect(csvCell(0)).toBe('0');
  });

  it('writes a document a CSV reader gets back cell for cell, with a BOM and CRLF', () => {
    const text = toCsv(['Nom', 'Note'], [['Élodie "Lo"', 'a,b\nc'], ['Ça', null]]);
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text).toContain('\r\n');
    const back = Papa.parse<string[]>(text.slice(1), { skipEmptyLines: true }).data;
    expect(back).toEqual([['Nom', 'Note'], ['Élodie "Lo"', 'a,b\nc'], ['Ça', '']]);
  });
});
