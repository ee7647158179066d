import { readCpv } from './cpv-file';

describe('readCpv', () => {
  it('streams the 9,454 CPV codes with their check digit and both labels', async () => {
    const rows = [];
    for await (const row of readCpv()) rows.push(row);
    expect(rows).toHaveLength(9454);
    expect(new Set(rows.map((r) => r.code8)).size).toBe(9454);
    const malformed = rows.filter(
      (row) => !/^\d{8}$/.test(row.code8) || !new RegExp(`^${row.code8}-\\d$`).test(row.code) || row.labelFr === '' || row.labelEn === '',
    );
    expect(malformed).toEqual([]);
    expect(rows.find((r) => r.code8 === '45442100')).toEqual({
      code8: '45442100',
      code: '45442100-8',
      labelFr: 'Travaux de peinture',
      labelEn: 'Painting work',
    });
  }, 30_000);
});
