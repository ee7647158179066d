import { readCpv } from '../cpv-file';
import { foldText } from '../text';
import { SECTOR_GROUP_CODES, SECTOR_GROUPS, SECTORS } from './sectors';

const REQUIRED_GROUP_CODES = [
  'ESPACES_VERTS', 'PROPRETE', 'BTP_SECOND_OEUVRE', 'BTP_GROS_OEUVRE', 'RESTAURATION', 'BLANCHISSERIE',
  'COLLECTE_RECYCLAGE', 'LOGISTIQUE', 'TRANSPORT', 'NUMERIQUE', 'IMPRIMERIE', 'TEXTILE', 'AGRICULTURE', 'BOIS',
  'MOBILITE', 'RELATION_CLIENT', 'EVENEMENTIEL', 'MISE_A_DISPOSITION', 'SERVICES_PERSONNE', 'SECURITE', 'INDUSTRIE',
  'COMMERCE', 'FORMATION_INSERTION', 'MAINTENANCE_MULTISERVICES', 'ENVIRONNEMENT',
];

describe('activity taxonomy', () => {
  it('has exactly the agreed group codes (another table is keyed on them), each with a French label', () => {
    expect(SECTOR_GROUPS.length).toBeGreaterThanOrEqual(20);
    expect(SECTOR_GROUPS.map((g) => g.code).sort()).toEqual([...REQUIRED_GROUP_CODES].sort());
    expect([...SECTOR_GROUP_CODES].sort()).toEqual([...REQUIRED_GROUP_CODES].sort());
    for (const group of SECTOR_GROUPS) expect(group.label).toMatch(/^[A-ZÉ][\p{L} ,’'–-]+$/u);
  });

  it('has at least 100 sectors with unique stable kebab-case codes', () => {
    expect(SECTORS.length).toBeGreaterThanOrEqual(100);
    const codes = SECTORS.map((s) => s.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('uses every group, and only known groups', () => {
    const used = new Set(SECTORS.map((s) => s.group));
    expect([...used].sort()).toEqual([...REQUIRED_GROUP_CODES].sort());
  });

  it('gives every sector a label, NAF rev.2 codes, keywords and CPV prefixes of 2 to 8 digits', () => {
    for (const sector of SECTORS) {
      expect(sector.label.length).toBeGreaterThan(3);
      expect(sector.nafCodes.length).toBeGreaterThanOrEqual(1);
      for (const naf of sector.nafCodes) expect(naf).toMatch(/^\d{4}[A-Z]$/);
      expect(new Set(sector.nafCodes).size).toBe(sector.nafCodes.length);
      expect(sector.keywords.length).toBeGreaterThanOrEqual(1);
      const folded = sector.keywords.map(foldText);
      expect(folded.every((keyword) => keyword !== '')).toBe(true);
      expect(new Set(folded).size).toBe(folded.length);
      expect(sector.cpvPrefixes.length).toBeGreaterThanOrEqual(1);
      for (const prefix of sector.cpvPrefixes) expect(prefix).toMatch(/^\d{2,8}$/);
      expect(new Set(sector.cpvPrefixes).size).toBe(sector.cpvPrefixes.length);
    }
  });

  it('uses only CPV prefixes that start real codes of data/reference/cpv-2008.csv', async () => {
    const codes: string[] = [];
    for await (const cpv of readCpv()) codes.push(cpv.code8);
    const unknown = SECTORS.flatMap((sector) =>
      sector.cpvPrefixes.filter((prefix) => !codes.some((code) => code.startsWith(prefix))).map((prefix) => `${sector.code}:${prefix}`),
    );
    expect(unknown).toEqual([]);
  }, 30_000);
});
