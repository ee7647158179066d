import { csvField, exportColumns } from './export-writer';

describe('export rows', () => {
  it('quotes CSV fields with quotes, commas or line breaks (RFC 4180)', () => {
    expect(csvField('Atelier "Le Pont", Lyon')).toBe('"Atelier ""Le Pont"", Lyon"');
    expect(csvField('deux\nlignes')).toBe('"deux\nlignes"');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField(null)).toBe('');
  });

  it('never lets a spreadsheet evaluate a name as a formula', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+33 1 23')).toBe("'+33 1 23");
    expect(csvField(-5)).toBe('-5'); // numbers stay numbers
  });

  it('names sectors by their labels and adds the distance only when a place is given', () => {
    const columns = exportColumns((code) => (code === 'traiteur' ? 'Traiteur' : code), true);
    expect(columns.map((c) => c.header)).toContain('Distance (km)');
    const sectors = columns.find((c) => c.header === 'Secteurs')!;
    expect(sectors.value({ sectors: ['traiteur', 'x'] } as never)).toBe('Traiteur | x');
    expect(exportColumns((c) => c, false).map((c) => c.header)).not.toContain('Distance (km)');
  });
});
