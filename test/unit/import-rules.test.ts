import { describe, expect, it } from 'vitest';
import { guessField, guessMapping, headerKey } from '../../src/main/import/column-guess';
import { defaultOrder, orderFromSamples, readDay } from '../../src/main/import/dates';
import { decodeImportBytes, decodeText, formatOf } from '../../src/main/import/file-bytes';
import { fillEmpty } from '../../src/main/import/merge-fill';
import { fieldColumns, readRow, readSex, splitFullName } from '../../src/main/import/row-rules';
import { uniqueHeaders } from '../../src/main/import/table-reader';

describe('the column a header names', () => {
  it.each([
    ['Nom', 'lastName'],
    ['NOM DE FAMILLE', 'lastName'],
    ['Surname', 'lastName'],
    ['Prénom', 'firstName'],
    ['First name', 'firstName'],
    ['Nom complet', 'fullName'],
    ['Name', 'fullName'],
    ['Date de naissance', 'dateOfBirth'],
    ['DDN', 'dateOfBirth'],
    ['Né(e) le', 'dateOfBirth'],
    ['DOB', 'dateOfBirth'],
    ['Birth date', 'dateOfBirth'],
    ['Tél.', 'phoneNumber'],
    ['Téléphone', 'phoneNumber'],
    ['Portable', 'phoneNumber'],
    ['Mobile', 'phoneNumber'],
    ['E-mail', 'email'],
    ['Courriel', 'email'],
    ['Adresse e-mail', 'email'],
    ['Civilité', 'sex'],
    ['Gender', 'sex'],
    ['Adresse', 'street'],
    ['Rue', 'street'],
    ['Ville', 'city'],
    ['CP', 'zipCode'],
    ['Code postal', 'zipCode'],
    ['Zip', 'zipCode'],
    ['Sph OD', 'rx.rightEye.sph'],
    ['OD Sph', 'rx.rightEye.sph'],
    ['Sphère OD', 'rx.rightEye.sph'],
    ['R Sph', 'rx.rightEye.sph'],
    ['Cyl OG', 'rx.leftEye.cyl'],
    ['Axe OD', 'rx.rightEye.axis'],
    ['Add OD', 'rx.rightEye.add'],
    ['L Axis', 'rx.leftEye.axis'],
    ['Date examen', 'rx.examDate'],
    ["Date de l'examen", 'rx.examDate'],
    ['Exam date', 'rx.examDate'],
    ['Remarques', null],
    // Another program's export in camelCase (review 16): its words are read as words.
    ['phoneNumber', 'phoneNumber'],
    ['firstName', 'firstName'],
    ['lastName', 'lastName'],
    ['dateOfBirth', 'dateOfBirth'],
    ['zipCode', 'zipCode'],
    ['eMail', 'email'],
    ['examDate', 'rx.examDate'],
    ['customerName', 'fullName'],
    ['SPH OD', 'rx.rightEye.sph'],
  ])('%s → %s', (header, field) => {
    expect(guessField(header)).toBe(field);
  });

  it('gives each field to the first column naming it, and drops a full name beside first and last names', () => {
    expect(guessMapping(['Nom', 'Prénom', 'Nom complet', 'Tél', 'Portable'])).toEqual({ Nom: 'lastName', Prénom: 'firstName', 'Nom complet': null, Tél: 'phoneNumber', Portable: null });
  });

  it('keys a saved mapping by the set of headers, whatever their order, case and accents', () => {
    expect(headerKey(['Nom', 'Prénom'])).toBe(headerKey(['PRENOM', 'nom']));
    // Mappings saved before camelCase headers were read as words keep their key.
    expect(headerKey(['phoneNumber', 'lastName'])).toBe('lastname|phonenumber');
    expect(uniqueHeaders(['Tél', '', 'Tél'])).toEqual(['Tél', 'Column 2', 'Tél (2)']);
  });
});

describe('dates as files write them', () => {
  it('reads day-first, month-first, ISO, two-digit years and Excel serials; an impossible day is kept for the form to refuse', () => {
    expect(readDay('23/04/1975', 'dmy', 2026)).toBe('1975-04-23');
    expect(readDay('04/23/1975', 'mdy', 2026)).toBe('1975-04-23');
    expect(readDay('1975-04-23', 'mdy', 2026)).toBe('1975-04-23');
    expect(readDay('1975-04-23T00:00:00Z', 'dmy', 2026)).toBe('1975-04-23');
    expect(readDay('23.04.75', 'dmy', 2026)).toBe('1975-04-23');
    expect(readDay('01/02/24', 'dmy', 2026)).toBe('2024-02-01');
    expect(readDay('33970', 'dmy', 2026)).toBe('1993-01-01');
    expect(readDay('31/02/1980', 'dmy', 2026)).toBe('1980-02-31');
    expect(readDay('hier', 'dmy', 2026)).toBeNull();
    expect(readDay('12', 'dmy', 2026)).toBeNull();
  });

  it('reads the order from the file’s own dates, else the store’s country', () => {
    expect(orderFromSamples(['01/02/1980', '23/04/1975'])).toBe('dmy');
    expect(orderFromSamples(['01/02/1980', '04/23/1975'])).toBe('mdy');
    expect(orderFromSamples(['01/02/1980', '1975-04-23'])).toBeNull();
    expect(defaultOrder('US')).toBe('mdy');
    expect(defaultOrder('FR')).toBe('dmy');
    expect(defaultOrder(null)).toBe('dmy');
  });
});

describe('the bytes of the file', () => {
  it('tells an .xlsx by its zip signature and text by its encoding', () => {
    expect(formatOf(Buffer.from('PK\x03\x04rest'))).toBe('xlsx');
    expect(formatOf(Buffer.from('Nom;Prénom\n'))).toBe('csv');
    expect(decodeText(Buffer.from([0xef, 0xbb, 0xbf, 0x41])).encoding).toBe('utf-8');
    expect(whole(Buffer.from([0xfe, 0xff, 0, 0x41, 0, 0xe9]))).toEqual({ encoding: 'utf-16be', text: 'Aé' });
    expect(whole(Buffer.from('Hélène', 'latin1'))).toEqual({ encoding: 'windows-1252', text: 'Hélène' });
    // Windows-1252 is not Latin-1: 0x80 is the euro sign, 0x9C the ligature œ.
    expect(whole(Buffer.from([0x9c, 0x75, 0x66, 0x20, 0x80])).text).toBe('œuf €');
  });

  it('takes the file only as base64: anything else is refused, not decoded leniently', () => {
    expect(decodeImportBytes(Buffer.from('Nom;Prénom\n').toString('base64')).toString()).toBe('Nom;Prénom\n');
    expect(decodeImportBytes('QUJD').toString()).toBe('ABC');
    expect(decodeImportBytes('QUI=').toString()).toBe('AB');
    for (const bad of ['not base64!', 'QUJD QUJD', 'QUJD\nQUJD', 'QQ==QUJD', 'QUJ', 'QUJD=', 'Q===', '====', 'QU!D', 'QU-_']) {
      expect(() => decodeImportBytes(bad), bad).toThrow(expect.objectContaining({ code: 'import.unreadable' }));
    }
  });

  it('reads the text a piece at a time, each cut after a line feed, whole characters in every encoding', () => {
    const text = 'Nom;Prénom\r\nBenali;Aïcha\r\n\r\nœuf;€\nالعلمي;سارة\n';
    const files = [
      Buffer.from(`\ufeff${text}`, 'utf8'),
      Buffer.from(`\ufeff${text}`, 'utf16le'),
      Buffer.from(`\ufeff${text}`, 'utf16le').swap16(),
      Buffer.from('Nom;Prénom\r\nBenali;Aïcha\r\n\r\nLefèvre;Hélène\nÉlie;Noël\n', 'latin1'),
    ];
    for (const bytes of files) {
      const all = whole(bytes).text;
      for (const size of [1, 2, 3, 5, 8, 13, 1000]) {
        const pieces = [...decodeText(bytes, 'auto', size).pieces()];
        expect(pieces.join('')).toBe(all);
        expect(pieces.slice(0, -1).every((p) => p.endsWith('\n'))).toBe(true);
        expect(pieces.some((p) => p.includes('\ufffd'))).toBe(false);
      }
      // Five line feeds, the last ending the file: four lines after the header, the blank one counted.
      expect(decodeText(bytes).linesAfterFirst).toBe(4);
    }
    expect(decodeText(Buffer.from('a\nb\nc')).linesAfterFirst).toBe(2);
  });
});

/** The whole text, its pieces joined. */
function whole(bytes: Buffer): { encoding: string; text: string } {
  const t = decodeText(bytes, 'auto', Number.MAX_SAFE_INTEGER);
  return { encoding: t.encoding, text: [...t.pieces()].join('') };
}

describe('a row’s words', () => {
  it('reads the sex words staff and systems write', () => {
    for (const w of ['M', 'h', 'Homme', 'male', 'M.', 'Monsieur']) expect(readSex(w)).toBe('male');
    for (const w of ['F', 'Femme', 'Female', 'Mme', 'Mlle', 'mme.']) expect(readSex(w)).toBe('female');
    expect(readSex('X')).toBeNull();
  });

  it('splits a full name sensibly', () => {
    expect(splitFullName('DUPONT Marie')).toEqual({ firstName: 'Marie', lastName: 'DUPONT' });
    expect(splitFullName('EL AMRANI Fatima Zahra')).toEqual({ firstName: 'Fatima Zahra', lastName: 'EL AMRANI' });
    expect(splitFullName('Marie Dupont')).toEqual({ firstName: 'Marie', lastName: 'Dupont' });
    expect(splitFullName('Dupont, Marie')).toEqual({ firstName: 'Marie', lastName: 'Dupont' });
    expect(splitFullName('Marie DUPONT')).toEqual({ firstName: 'Marie', lastName: 'DUPONT' });
  });

  it('skips a row without a first name or a way to reach the person; leaves an impossible value out', () => {
    const headers = ['Nom', 'Prénom', 'Tél', 'Email', 'DDN'];
    const cols = fieldColumns(headers, { Nom: 'lastName', Prénom: 'firstName', Tél: 'phoneNumber', Email: 'email', DDN: 'dateOfBirth' });
    const ctx = { dateOrder: 'dmy' as const, today: '2026-12-01' };
    expect(readRow(['Alaoui', '', '0612345678', '', ''], 2, cols, ctx)).toMatchObject({ customer: null, problems: [{ field: 'firstName', code: 'field.required' }] });
    expect(readRow(['Alaoui', 'Sara', '', 'pas-un-email', ''], 3, cols, ctx).customer).toBeNull();
    const kept = readRow(['Alaoui', 'Sara', '0612345678', 'pas-un-email', '12/13/1990'], 4, cols, ctx);
    expect(kept.customer?.customerData).toMatchObject({ email: '', dateOfBirth: '', phoneNumber: '0612345678' });
    // The impossible day is said as the file wrote it (review item 12), found before the form's schema runs.
    expect(kept.problems.map((p) => [p.field, p.code, p.params])).toEqual([
      ['dateOfBirth', 'import.dateNotReal', { field: 'dateOfBirth', value: '12/13/1990' }],
      ['email', 'email.invalid', {}],
    ]);
  });
});

describe('a merge', () => {
  it('fills only what the customer lacks, remembering it was empty', () => {
    const row = { customerData: { firstName: 'A', lastName: 'B', email: 'a@b.c', phoneNumber: '0611', dateOfBirth: '1980-01-01T00:00:00.000Z', sex: 'female' as const }, address: { city: 'Rabat', street: null } };
    const fill = fillEmpty({ email: '', phone_number: '0700', date_of_birth: '', sex: '' }, { street: 'Rue 1', city: null, zip_code: null, state: null }, row, true);
    expect(fill).toEqual({
      customer: { email: 'a@b.c', date_of_birth: '1980-01-01T00:00:00.000Z', sex: 'female' },
      address: { city: 'Rabat' },
      before: { customer: { email: '', date_of_birth: '', sex: '' }, address: { city: null } },
    });
    expect(fillEmpty({ email: '', phone_number: '0700', date_of_birth: '', sex: '' }, null, row, false).customer.email).toBeUndefined();
  });
});
