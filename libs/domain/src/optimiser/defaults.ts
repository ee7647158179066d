// Defaults and kind families used by the optimiser. Kind families and legal caps come from the shared
// domain modules, so a rule lives in one place.
import { DEFAULT_HOURLY_COST_EUR, DEFAULT_LABOUR_SHARE } from '../insertion-hours';
import { STAFF_PROVIDER_KINDS as V21_STAFF_PROVIDER_KINDS } from '../prestation-fit';
import { INSERTION_PERFORMER_KINDS as V18_PERFORMER_KINDS, INSERTION_STAFF_PROVIDER_KINDS as V18_STAFF_PROVIDER_KINDS } from '../rules/grouping-amounts';
import type { StructureKind } from '../vocabulary';
import type { ObjectiveWeights, OptimiserAssumptions } from './types';

export const DEFAULT_MAX_MEMBERS = 4;
export const DEFAULT_TOP_K = 5;
/** A GME has at least two members; a structure alone is not a grouping. */
export const MIN_GROUP_MEMBERS = 2;

export const DEFAULT_OBJECTIVE_WEIGHTS: Readonly<ObjectiveWeights> = {
  sectorFit: 100,
  distance: 10,
  cohesion: 4,
  sameSector: 3,
  memberCost: 6,
  capacity: 15,
  insertion: 20,
};

export const DEFAULT_OPTIMISER_ASSUMPTIONS: Readonly<OptimiserAssumptions> = {
  capacityFactor: 1,
  distanceCapKm: 200,
  labourShare: DEFAULT_LABOUR_SHARE,
  hourlyCostEur: DEFAULT_HOURLY_COST_EUR,
  candidatesPerPackage: 40,
  minCandidatesPerPackage: 8,
  poolTarget: 120,
  generalistsKept: 20,
  staffProvidersKept: 8,
  mipRelGap: 1e-9,
  timeLimitSeconds: 10,
  runBudgetSeconds: 30,
};

/**
 * V21: AI/ETTI/GEIQ are proposed as staff providers to the titulaire, never as performers of a lot
 * that is not itself staff provision (DISP).
 */
export const STAFF_ONLY_KINDS: ReadonlySet<StructureKind> = new Set(V21_STAFF_PROVIDER_KINDS);

/** V18: insertion hours by provision of staff (AI/ETTI/GEIQ/EATT). */
export const STAFF_PROVIDER_KINDS: ReadonlySet<StructureKind> = new Set(V18_STAFF_PROVIDER_KINDS);

/** V18: insertion hours by cotraitance with EI/ACI/EA/ESAT, in proportion to the work they perform. */
export const INSERTION_PERFORMER_KINDS: ReadonlySet<StructureKind> = new Set(V18_PERFORMER_KINDS);

/** V2 practice: a staff provider coordinates nothing and is not a natural mandataire. */
export const NOT_NATURAL_MANDATAIRE_KINDS: ReadonlySet<StructureKind> = STAFF_ONLY_KINDS;
