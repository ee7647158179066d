import { normaliseCpv, sectorsForCpv, type CpvSector } from './cpv';

const TAXONOMY: CpvSector[] = [
  { code: 'BTP_GENERAL', cpvPrefixes: ['45'] },
  { code: 'PEINTURE', cpvPrefixes: ['45442', '454'] },
  { code: 'VITRERIE', cpvPrefixes: ['45441'] },
  { code: 'NETTOYAGE_LOCAUX', cpvPrefixes: ['9091', '90919'] },
  { code: 'NETTOYAGE_VITRES', cpvPrefixes: ['90911300'] },
  { code: 'PROPRETE_URBAINE', cpvPrefixes: ['9061', '9091'] },
  { code: 'ESPACES_VERTS', cpvPrefixes: ['77310', '7731', ''] },
];

describe('normaliseCpv', () => {
  it('accepts 8 digits, with or without the check digit, and trims spaces', () => {
    expect(normaliseCpv('45000000')).toBe('45000000');
    expect(normaliseCpv('45000000-7')).toBe('45000000');
    expect(normaliseCpv(' 90911200-8 ')).toBe('90911200');
  });

  it('rejects anything else', () => {
    for (const code of ['4500000', '450000000', '45000000-', '45000000-78', '4500000A', '45 000 000', '']) {
      expect(normaliseCpv(code)).toBeNull();
    }
  });
});

describe('sectorsForCpv', () => {
  it('the longest matching prefix wins', () => {
    expect(sectorsForCpv('45442100-8', TAXONOMY)).toEqual(['PEINTURE']); // "45442" beats "454" and "45"
    expect(sectorsForCpv('45262000', TAXONOMY)).toEqual(['BTP_GENERAL']);
    expect(sectorsForCpv('90911300-9', TAXONOMY)).toEqual(['NETTOYAGE_VITRES']);
  });

  it('returns every sector sharing the longest prefix length, in taxonomy order', () => {
    expect(sectorsForCpv('90911200-8', TAXONOMY)).toEqual(['NETTOYAGE_LOCAUX', 'PROPRETE_URBAINE']);
  });

  it('returns [] for an invalid code or no match, and ignores empty prefixes', () => {
    expect(sectorsForCpv('not-a-code', TAXONOMY)).toEqual([]);
    expect(sectorsForCpv('30192000', TAXONOMY)).toEqual([]);
    expect(sectorsForCpv('77310000', TAXONOMY)).toEqual(['ESPACES_VERTS']);
  });
});
