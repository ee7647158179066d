// Public types of the grouping optimiser (docs/api-contract.md, "Matching runs").
import type { Assignment, TenderSpec } from '../grouping';
import type { GeoPoint, GroupForm, MemberRole, StructureKind } from '../vocabulary';

/** One structure the candidates service found able to answer at least one asked lot. */
export interface OptimiserCandidate {
  structureId: string;
  siret: string;
  name: string;
  kind: StructureKind;
  location: GeoPoint | null;
  servesExecutionPlace: boolean;
  annualRevenueEur?: number;
  sectors: string[];
  /** 0–100 from the candidates service, keyed by lot number; absent = cannot do the lot. */
  lotScores: Record<number, number>;
  /** 0–100 keyed by "lot:workPackageCode"; refines the lot score for specialists. */
  workPackageScores?: Record<string, number>;
  /**
   * true / false as declared by the structure's owner; 'undeclared' for register rows their owner has not updated yet
   * (the register says nothing about it): proposed, with a warning to ask them first.
   */
  openToCoContracting: boolean | 'undeclared';
  /** false for a structure someone declared that no admin confirmed yet: its kind does not count for a reserved lot. Absent = confirmed. */
  kindVerified?: boolean;
  /** ACI only: commercial receipts / activity charges (D5132-34, V22). */
  commercialReceiptsShare?: number;
}

/** Objective weights, in points. A perfect fit on every package earns `sectorFit` points. */
export interface ObjectiveWeights {
  sectorFit: number;
  /** Amount-weighted distance of the performers to the execution place. */
  distance: number;
  /** Per-member distance to the place: bounds the members' pairwise spread (triangle inequality). */
  cohesion: number;
  /** SOLIDAIRE only: penalty for a member outside the lots' sectors (each is liable for the whole). */
  sameSector: number;
  /** Fixed cost per member, so that an extra member must earn its place. */
  memberCost: number;
  /** Penalty for a capacity shortfall (V8), at most this many points. */
  capacity: number;
  /** Reward for covering the insertion hours of the lots with a social clause (V18). */
  insertion: number;
}

/** Modelling assumptions; every one is overridable by the caller. */
export interface OptimiserAssumptions {
  /** Required revenue = factor × amount (V8; the buyer may ask up to 1.5× from 2026). */
  capacityFactor: number;
  /** Distances are normalised by this cap (a member farther away counts as this far). */
  distanceCapKm: number;
  /** Labour share r_MO of an amount performed by an inclusive cotraitant (V17). */
  labourShare: number;
  /** Loaded hourly cost c (V17: 25–30 €/h). */
  hourlyCostEur: number;
  /** Pre-filter: at most this many candidates kept per work package (best value first)… */
  candidatesPerPackage: number;
  /** …and at least this many, the per-package quota being poolTarget ÷ number of packages. */
  minCandidatesPerPackage: number;
  /** Pre-filter: intended pool size, shared out among the packages. */
  poolTarget: number;
  /** Pre-filter: generalists kept for their value summed over all packages. */
  generalistsKept: number;
  /** Pre-filter: staff providers (AI/ETTI/GEIQ/EATT) kept for insertion hours. */
  staffProvidersKept: number;
  /** HiGHS relative MIP gap; tiny by default so the first proposal is the optimum. */
  mipRelGap: number;
  /** Wall-clock limit per HiGHS solve, in seconds… */
  timeLimitSeconds: number;
  /** …and for all the solves of a run: later proposals are dropped rather than exceed it. */
  runBudgetSeconds: number;
}

export interface OptimiserInput {
  tender: TenderSpec;
  /** Asked lots; default = `defaultLots(tender, anchor)`. */
  lots?: number[];
  candidates: OptimiserCandidate[];
  anchorStructureId?: string;
  /** Default 4. */
  maxMembers?: number;
  /** Default both forms. */
  forms?: GroupForm[];
  /** Default 5. */
  topK?: number;
  weights?: Partial<ObjectiveWeights>;
  assumptions?: Partial<OptimiserAssumptions>;
}

export interface ProposalMember {
  structureId: string;
  siret: string;
  name: string;
  kind: StructureKind;
  role: MemberRole;
  assignments: Assignment[];
  estimatedAmountEur: number;
  insertionHours: number;
  /** Distance to the execution place; null when the structure has no location. */
  distanceKm: number | null;
}

export interface Proposal {
  rank: number;
  lots: number[];
  form: GroupForm;
  mandataireSolidaire: boolean;
  members: ProposalMember[];
  insertion: { requiredHours: number; coveredHours: number };
  /** Points shown to users (the objective rounded to 2 decimals). */
  score: number;
  /** Exact objective value of the model (sum of `scoreBreakdown`). */
  objective: number;
  scoreBreakdown: Record<string, number>;
  explanations: string[];
  warnings: string[];
}

export interface OptimiserStats {
  /** Wall-clock time spent inside HiGHS runs. */
  solveMs: number;
  solves: number;
  /** Candidates left after admissibility and the per-package pre-filter. */
  candidatesKept: number;
  /** False when a solve stopped on its time limit (the proposal is then the best found). */
  provenOptimal: boolean;
  /** True when the run budget cut the enumeration short (fewer than topK proposals). */
  budgetExhausted: boolean;
}

export interface OptimiserResult {
  /** Lots the proposals bid on (asked lots or their default). */
  lots: number[];
  proposals: Proposal[];
  /** Run-level explanations, in French. */
  explanations: string[];
  stats: OptimiserStats;
}
