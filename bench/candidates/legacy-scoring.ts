// The hand-weighted score the product used before issue 11 (libs/domain/src/scoring.ts at 538d5f7), kept
// here as the "old scoring" column of the candidates quality table, numbers only (no reasons). Its sector
// levels are the domain's sectorMatch (unchanged by issue 11). Not used by the product.
import { type CandidateScoringInput, lotAnnualAmountEur, prestationFit, sectorMatch } from '@app/domain';

const WEIGHTS = { sectorFit: 30, distance: 20, kindFit: 15, pastContracts: 15, capacity: 10, openness: 10 };
const SECTOR_VALUES = { declared: 1, inferred: 0.7, neighbour: 0.3, unknownTrade: 0.25, none: 0 };
const UNKNOWN = 0.5;

export function legacyScore(input: CandidateScoringInput): number {
  const { lot, structure } = input;
  const level = sectorMatch(input).level;
  const declaredNeighbour = level === 'neighbour' && structure.sectors.some((s) => !s.inferred);
  const sector = level === null ? UNKNOWN : declaredNeighbour ? 0.4 : SECTOR_VALUES[level];
  const distance = structure.distanceKm === null ? UNKNOWN : Math.min(1, Math.max(0, 1 - structure.distanceKm / 200)) ** 2;
  const fit = { fit: 1, neutral: UNKNOWN, misfit: 0.1 }[prestationFit(structure.kind, lot.prestationType)];
  const declared = structure.prestationTypes.length === 0 ? UNKNOWN : structure.prestationTypes.includes(lot.prestationType) ? 1 : 0;
  const annual = lotAnnualAmountEur(lot);
  const capacity =
    structure.annualRevenueEur === undefined ? UNKNOWN : annual <= 0 ? 1 : Math.min(1, structure.annualRevenueEur / (1.5 * annual));
  const past = input.pastContracts && input.pastContracts.similarNearby > 0 ? 1 - 0.5 ** input.pastContracts.similarNearby : 0;
  return (
    WEIGHTS.sectorFit * sector +
    WEIGHTS.distance * distance +
    WEIGHTS.kindFit * ((fit + declared) / 2) +
    WEIGHTS.pastContracts * past +
    WEIGHTS.capacity * capacity +
    WEIGHTS.openness * (structure.openToCoContracting ? 1 : 0)
  );
}
