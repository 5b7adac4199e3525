import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type TextEncoding } from '../../src/main/import/file-bytes';
import { flawsOf, lineOf, readTable } from '../../src/main/import/table-reader';

/*
 * A CSV is read a piece of its bytes at a time (file-bytes.ts, TEXT_PIECE_BYTES), each cut after a
 * line feed that may be inside a quoted cell. Whatever the pieces, the rows and their flaws must be
 * those of the file read whole: here the same files are read in pieces of 1 byte up.
 */

async function rowsOf(bytes: Buffer, pieceBytes: number, encoding: TextEncoding | 'auto' = 'auto') {
  try {
    const table = await readTable(bytes, encoding, pieceBytes);
    const rows: unknown[] = [];
    for await (const chunk of table.chunks(3)) for (const cells of chunk) rows.push({ cells, flaws: flawsOf(cells).map((f) => f.code) });
    return { headers: table.headers, delimiter: table.delimiter, estimatedRows: table.estimatedRows, rows };
  } catch (err) {
    return { error: (err as { code?: string }).code };
  }
}

const WHOLE = Number.MAX_SAFE_INTEGER;

// Cells that make the cuts hard: quotes (closed, doubled, never closed), line feeds inside quotes, CR LF, accents, Arabic.
const cell = fc.oneof(
  fc.constantFrom('', 'Benali', 'Aïcha', 'سارة', 'œuf €', '06 12 34 56 78', ' '),
  fc.constantFrom('"a;b"', '"line\nbreak"', '"two\r\nlines\nhere"', '"say ""hi"""', '"never closed', 'mid"quote', '"x"y'),
  fc.string({ unit: fc.constantFrom('a', 'é', ';', '"', '\n', '\r\n', 'ب', ' '), maxLength: 8 }),
);
const line = fc.array(cell, { minLength: 1, maxLength: 4 }).map((cells) => cells.join(';'));
const csv = fc
  .tuple(fc.array(line, { minLength: 1, maxLength: 12 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
  .map(([lines, eol, last]) => `Nom;Prénom;Tél;Ville${eol}${lines.join(eol)}${last ? eol : ''}`);

describe('a CSV read in pieces', () => {
  it('gives the rows and flaws of the file read whole, in UTF-8, UTF-16 and Windows-1252', async () => {
    await fc.assert(
      fc.asyncProperty(csv, fc.constantFrom<[BufferEncoding, TextEncoding]>(['utf8', 'utf-8'], ['utf16le', 'utf-16le'], ['latin1', 'windows-1252']), fc.integer({ min: 1, max: 40 }), async (text, [node, encoding], size) => {
        const bytes = Buffer.from(text, node);
        expect(await rowsOf(bytes, size, encoding)).toEqual(await rowsOf(bytes, WHOLE, encoding));
      }),
      { numRuns: 1000 },
    );
  });

  it('cuts a quoted cell holding line feeds only where the whole file would', async () => {
    const text = 'Nom;Note\nBenali;"first line\nsecond line\nthird"\nDupont;"never closed\nMartin;ok\n';
    for (const size of [1, 4, 16, 20, 30]) {
      const read = await rowsOf(Buffer.from(text), size);
      expect(read).toEqual(await rowsOf(Buffer.from(text), WHOLE));
      expect(read).toMatchObject({ rows: [{ cells: ['Benali', 'first line\nsecond line\nthird'], flaws: [] }, { flaws: ['import.quoteNotClosed'] }, { cells: ['Martin', 'ok'], flaws: [] }] });
    }
    // Found by the property above (CI run 13): a quoted "" then a quote left open before a CR LF.
    const openAfterEmpty = Buffer.from('Nom;Prénom;Tél;Ville\n"" "\r\n;\na');
    for (const size of [1, 2, 3, 5, 8]) expect(await rowsOf(openAfterEmpty, size)).toEqual(await rowsOf(openAfterEmpty, WHOLE));
    // The broken row is the line whose quote opened, not the next one with text (which is read).
    expect(await rowsOf(openAfterEmpty, WHOLE)).toMatchObject({ rows: [{ cells: ['"" "\r'], flaws: ['import.quoteNotClosed'] }, { cells: ['a'], flaws: [] }] });
    const cp1252 = Buffer.from('Nom;Ville\nLefèvre;"Saint-\nÉtienne"\n', 'latin1');
    expect(await rowsOf(cp1252, 3)).toEqual(await rowsOf(cp1252, WHOLE));
    expect(await rowsOf(cp1252, 3)).toMatchObject({ rows: [{ cells: ['Lefèvre', 'Saint-\nÉtienne'] }] });
  });
});

describe('what the outside review found in reading a CSV', () => {
  const read = async (text: string) => rowsOf(Buffer.from(text), WHOLE);
  const cells = (r: Awaited<ReturnType<typeof read>>) => ('rows' in r ? (r.rows as { cells: string[] }[]).map((x) => x.cells[0]) : r);

  it('reads on after a quote never closed in a file whose lines end with CR only (a Mac CSV)', async () => {
    const r = await read('Nom;Prénom;Tél\rBenali;Aicha;0612\rDupont;"never closed;0613\rMartin;Paul;0614\rDurand;Marie;0615\r');
    expect(r).toMatchObject({ headers: ['Nom', 'Prénom', 'Tél'], rows: [{ flaws: [] }, { cells: ['Dupont', '"never closed', '0613'], flaws: ['import.quoteNotClosed'] }, { flaws: [] }, { flaws: [] }] });
    expect(cells(r)).toEqual(['Benali', 'Dupont', 'Martin', 'Durand']);
    // Its rows counted by their CRs (for the progress bar), past the first rows read to know its columns.
    const many = await read(['Nom;Prénom', ...Array.from({ length: 300 }, (_, i) => `Nom${i};Prénom${i}`)].join('\r'));
    expect(many).toMatchObject({ estimatedRows: 300 });
    // One line feed inside a quoted cell does not make it count line feeds.
    const withLf = await read(['Nom;Adresse', '"Benali";"12 rue A\nBât. B"', ...Array.from({ length: 300 }, (_, i) => `Nom${i};Rue ${i}`)].join('\r'));
    expect(withLf).toMatchObject({ estimatedRows: 301 });
  });

  it('reads a row that comes after thousands of empty rows (;;;) as the row it is, not as one too long', async () => {
    const r = await read(`Nom;Prénom;Tél;Ville\r\nBenali;Aicha;0612;Fès\r\n${';;;\r\n'.repeat(20_000)}Dupont;Jean;0613;Rabat\r\nMartin;Paul;0614;Tanger\r\n`);
    expect(r).toMatchObject({ rows: [{ flaws: [] }, { cells: ['Dupont', 'Jean', '0613', 'Rabat'], flaws: [] }, { flaws: [] }] });
    const quoted = await read(`Nom;Prénom;Tél;Ville\r\nBenali;Aicha;0612;Fès\r\n${'"";"";"";""\r\n'.repeat(20_000)}Dupont;Jean;0613;Rabat\r\n`);
    expect(quoted).toMatchObject({ rows: [{ flaws: [] }, { cells: ['Dupont', 'Jean', '0613', 'Rabat'], flaws: [] }] });
    const broken = await read(`Nom;Prénom;Tél\r\n${'"";"";""\r\n'.repeat(150)}Dupont;"Jean;0613\r\nMartin;Paul;0614\r\n`);
    expect(broken).toMatchObject({ rows: [{ flaws: ['import.quoteNotClosed'] }, { cells: ['Martin', 'Paul', '0614'], flaws: [] }] });
    const header = await read(`${'  \r\n'.repeat(40_000)}Nom;Prénom\r\nBenali;Aicha\r\n`);
    expect(header).toMatchObject({ headers: ['Nom', 'Prénom'], rows: [{ cells: ['Benali', 'Aicha'] }] });
  });

  it('tells the delimiter of a file with a stray quote in its first rows', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i === 2 ? '"' : ''}Nom${i};Prénom${i};-1,25;+2,00;12/03/2024`);
    const r = await read(['Nom;Prénom;Sph OD;Add OD;Date examen', ...rows].join('\r\n'));
    expect(r).toMatchObject({ delimiter: ';', headers: ['Nom', 'Prénom', 'Sph OD', 'Add OD', 'Date examen'] });
    expect((r as { rows: { cells: string[] }[] }).rows[5]?.cells).toEqual(['Nom5', 'Prénom5', '-1,25', '+2,00', '12/03/2024']);
  });
});

describe('a row’s number', () => {
  it('is the line of the file it starts on, blank lines and line feeds inside quotes counted, however the file is cut', async () => {
    const text = 'Nom;Ville\r\n\r\n;;\r\nBenali;Fès\r\n"";""\r\nDupont;"Saint-\r\nÉtienne"\r\n   \r\nMartin;"never closed\r\nDurand;Rabat\r\n';
    for (const size of [1, 3, 7, 1000]) {
      const table = await readTable(Buffer.from(text), 'auto', size);
      const numbers: [string, number | undefined][] = [];
      for await (const chunk of table.chunks(2)) for (const cells of chunk) numbers.push([cells[0] ?? '', lineOf(cells)]);
      expect(numbers).toEqual([['Benali', 4], ['Dupont', 6], ['Martin', 9], ['Durand', 10]]);
    }
  });
});
