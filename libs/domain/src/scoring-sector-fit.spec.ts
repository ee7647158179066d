// Sector fit when a structure's trade is unknown or only related (added for issue 4's quality measure:
// register structures have no declared activities, only sectors inferred from NAF and name).
import { SECTOR_FIT_VALUES, scoreCandidate, type CandidateScoringInput, type SectorInfo } from './scoring';

const CATALOGUE: Record<string, SectorInfo> = {
  'nettoyage-locaux': { label: 'Nettoyage de locaux', group: 'PROPRETE', related: ['entretien-parties-communes'] },
  'entretien-parties-communes': { label: 'Entretien des parties communes', group: 'MAINTENANCE_MULTISERVICES', related: ['nettoyage-locaux'] },
  'insertion-qualification': { label: 'Insertion et qualification', group: 'FORMATION_INSERTION', generic: true },
  'entretien-espaces-verts': { label: 'Entretien des espaces verts', group: 'ESPACES_VERTS' },
};

const input = (sectors: { code: string; inferred: boolean }[], lotSectors = ['nettoyage-locaux']): CandidateScoringInput => ({
  lot: { sectors: lotSectors, prestationType: 'PREST', reservation: 'NONE', estimatedAmountEur: 100_000 },
  structure: { kind: 'ACI', sectors, prestationTypes: [], openToCoContracting: false, distanceKm: 5 },
  sectorCatalogue: CATALOGUE,
});

const sectorPoints = (sectors: { code: string; inferred: boolean }[], lotSectors?: string[]) => scoreCandidate(input(sectors, lotSectors)).breakdown.sectorFit;

describe('sector fit of structures with unknown or related trades', () => {
  it('counts a related sector of another group (overlapping CPV) as a neighbour', () => {
    const result = scoreCandidate(input([{ code: 'entretien-parties-communes', inferred: true }]));
    expect(result.breakdown.sectorFit).toBe(30 * SECTOR_FIT_VALUES.sameGroupInferred);
    expect(result.reasons[0]).toBe('Secteur voisin : Entretien des parties communes (travaux proches de Nettoyage de locaux)');
  });

  it('treats no activity, or only generic insertion, as an unknown trade: below a neighbour, above a mismatch', () => {
    const unknown = sectorPoints([]);
    const generic = sectorPoints([{ code: 'insertion-qualification', inferred: true }]);
    const mismatch = sectorPoints([{ code: 'entretien-espaces-verts', inferred: true }]);
    const neighbour = sectorPoints([{ code: 'entretien-parties-communes', inferred: true }]);
    expect(unknown).toBe(30 * SECTOR_FIT_VALUES.unknownTrade);
    expect(generic).toBe(unknown);
    expect(mismatch).toBe(0);
    expect(neighbour).toBeGreaterThan(unknown);
    expect(scoreCandidate(input([])).reasons[0]).toBe('Activités non renseignées : métier à vérifier');
  });

  it('still matches a generic sector exactly when the lot asks for it', () => {
    expect(sectorPoints([{ code: 'insertion-qualification', inferred: true }], ['insertion-qualification'])).toBe(30 * SECTOR_FIT_VALUES.inferred);
  });

  it('does not call a structure with a known unrelated trade "unknown" because it also does insertion', () => {
    expect(sectorPoints([{ code: 'insertion-qualification', inferred: true }, { code: 'entretien-espaces-verts', inferred: true }])).toBe(0);
  });
});
