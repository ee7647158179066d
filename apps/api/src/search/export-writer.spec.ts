import { ExportLabels, csvField, csvLine, exportColumns } from './export-writer';

const labels = (sector: (code: string) => string): ExportLabels => ({ sector, department: (c) => (c === '69' ? 'Rhône' : c), region: (c) => (c === '84' ? 'Auvergne-Rhône-Alpes' : c) });

describe('export rows', () => {
  it('writes CSV for French spreadsheets: semicolons, decimal commas, quotes only when needed', () => {
    expect(csvField('Atelier "Le Pont"; Lyon')).toBe('"Atelier ""Le Pont""; Lyon"');
    expect(csvField('Lyon, Rhône')).toBe('Lyon, Rhône');
    expect(csvField('deux\nlignes')).toBe('"deux\nlignes"');
    expect(csvField(12.5)).toBe('12,5');
    expect(csvField(null)).toBe('');
    expect(csvLine(['EI', 3.25, null])).toBe('EI;3,25;\r\n');
  });

  it('never lets a spreadsheet evaluate a name as a formula', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+33 1 23')).toBe("'+33 1 23");
    expect(csvField(-5)).toBe('-5'); // numbers stay numbers
  });

  it('names sectors, kinds, prestations and regions by their labels, and adds the distance only when a place is given', () => {
    const columns = exportColumns(labels((code) => (code === 'traiteur' ? 'Traiteur' : code)), true);
    const row = { kind: 'EI', region: '84', department: '69', prestationTypes: ['PREST'], sectors: [] } as never;
    const value = (header: string) => columns.find((c) => c.header === header)!.value(row);
    expect([value('Type'), value('Région'), value('Département'), value('Types de prestation')]).toEqual(['Entreprise d\'insertion (EI)', 'Auvergne-Rhône-Alpes', 'Rhône', 'Prestation de service']);
    expect(columns.map((c) => c.header)).toContain('Distance (km)');
    const sectors = columns.find((c) => c.header === 'Secteurs')!;
    expect(sectors.value({ sectors: ['traiteur', 'x'] } as never)).toBe('Traiteur | x');
    expect(exportColumns(labels((c) => c), false).map((c) => c.header)).not.toContain('Distance (km)');
  });
});
