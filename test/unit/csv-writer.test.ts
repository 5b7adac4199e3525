import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { type CsvValue, csvCell, csvHead, csvLines, toCsv } from '../../src/main/spreadsheet/csv-writer';
import { Base64Sink } from '../../src/main/spreadsheet/base64-sink';

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

describe('a CSV written in pieces (csvHead, csvLines)', () => {
  it('joins into the very text toCsv writes, guard included', () => {
    const header = ['Name', '=cmd'];
    const rows: CsvValue[][] = [['Ana, "la" Reine', '-1.25'], ['=1+1', null], ['Zoé\nLine', 3]];
    expect(csvHead(header) + csvLines(rows.slice(0, 2)) + csvLines([]) + csvLines(rows.slice(2))).toBe(toCsv(header, rows));
  });
});

describe('Base64Sink', () => {
  it('encodes pieces of any length into the base64 of the whole', () => {
    const whole = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37) % 256));
    for (const cut of [1, 2, 3, 4, 7, 500]) {
      const sink = new Base64Sink();
      for (let at = 0; at < whole.length; at += cut) sink.write(whole.subarray(at, at + cut));
      expect(sink.size).toBe(whole.length);
      expect(sink.end()).toBe(whole.toString('base64'));
    }
  });
});
