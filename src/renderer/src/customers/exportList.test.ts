import { describe, expect, it } from 'vitest';
import { defaultExportColumns } from '../../../shared/customers/export-list';
import { exportRequest, readExportColumns, toggleColumn } from './exportList';

describe('the list export’s remembered columns', () => {
  it('starts from the defaults when nothing, or nothing usable, was kept', () => {
    expect(readExportColumns(null)).toEqual(defaultExportColumns);
    expect(readExportColumns('not json')).toEqual(defaultExportColumns);
    expect(readExportColumns('{"a":1}')).toEqual(defaultExportColumns);
    expect(readExportColumns('["password"]')).toEqual(defaultExportColumns);
  });

  it('keeps the known columns once each, in the file’s order', () => {
    expect(readExportColumns('["city","email","password","email"]')).toEqual(['email', 'city']);
  });

  it('ticks and unticks in the file’s order', () => {
    expect(toggleColumn(['email', 'city'], 'firstName', true)).toEqual(['firstName', 'email', 'city']);
    expect(toggleColumn(['email', 'city'], 'email', false)).toEqual(['city']);
    expect(toggleColumn(['email'], 'email', true)).toEqual(['email']);
  });
});

describe('what the export asks the core for', () => {
  it('sends the search only for the current search, and a header for each column', () => {
    const base = { format: 'csv' as const, columns: ['firstName', 'email'] as const, headers: { firstName: 'Prénom', email: 'E-mail', city: 'Ville' } };
    expect(exportRequest({ ...base, scope: 'search', search: '  ben ', columns: [...base.columns] })).toEqual({
      format: 'csv',
      search: 'ben',
      columns: ['firstName', 'email'],
      headers: { firstName: 'Prénom', email: 'E-mail' },
    });
    expect(exportRequest({ ...base, scope: 'all', search: 'ben', columns: [...base.columns] })).not.toHaveProperty('search');
    expect(exportRequest({ ...base, scope: 'search', search: '  ', columns: [...base.columns] })).not.toHaveProperty('search');
  });
});
