// Ranking of candidate structures for a lot (tender candidates and the optimiser's member scores).
// A candidate is described by features in [0, 1] (distance, place, kind, sector, text, past contracts,
// capacity); its utility is the weighted sum with weights fitted on real contracts (candidate-model.ts,
// refit with `npm run refit:candidates`). The score shown is that utility rescaled to 0–100 and split
// into points per criterion, each with French reasons. Everything is deterministic.
import { CANDIDATE_MODEL } from './candidate-model';
import { reservationEligibility } from './eligibility';
import { formatDecimalFr, formatEurShort, prestationLabel, structureKindLabel } from './labels';
import { prestationFit } from './prestation-fit';
import type { PrestationType, Reservation, StructureKind } from './vocabulary';

/** The criteria a buyer reads (points out of 100). Openness to co-contracting is not one: see groupingMemberScore. */
export type CandidateCriterion = 'sectorFit' | 'distance' | 'territory' | 'kindFit' | 'textMatch' | 'pastContracts' | 'capacity';

/** French label of each criterion key, for pages (never show the keys themselves). */
export const CANDIDATE_CRITERION_LABELS: Readonly<Record<CandidateCriterion, string>> = {
  sectorFit: 'Secteur d’activité',
  distance: 'Distance',
  territory: 'Même commune ou département',
  kindFit: 'Type de structure',
  textMatch: 'Mots de l’objet du marché',
  pastContracts: 'Marchés déjà remportés',
  capacity: 'Capacité',
};

const CRITERIA_ORDER: readonly CandidateCriterion[] = ['sectorFit', 'distance', 'territory', 'kindFit', 'textMatch', 'pastContracts', 'capacity'];

/** Every feature is a number in [0, 1]; null when it cannot be assessed (then the model's population average). */
export const CANDIDATE_FEATURES = [
  'nearness',
  'nearRank',
  'radiusGuessExceeded',
  'sameCommune',
  'sameDepartment',
  'kindUsual',
  'sectorUnknownOrBetter',
  'sectorNeighbourOrBetter',
  'sectorInferredOrBetter',
  'sectorDeclared',
  'textMatch',
  'similarNearby',
  'sameBuyer',
  'capacity',
] as const;
export type CandidateFeature = (typeof CANDIDATE_FEATURES)[number];
export type FeatureValues = Record<CandidateFeature, number | null>;

/** Which criterion each feature's points go to. */
export const FEATURE_CRITERION: Readonly<Record<CandidateFeature, CandidateCriterion>> = {
  nearness: 'distance',
  nearRank: 'distance',
  radiusGuessExceeded: 'distance',
  sameCommune: 'territory',
  sameDepartment: 'territory',
  kindUsual: 'kindFit',
  sectorUnknownOrBetter: 'sectorFit',
  sectorNeighbourOrBetter: 'sectorFit',
  sectorInferredOrBetter: 'sectorFit',
  sectorDeclared: 'sectorFit',
  textMatch: 'textMatch',
  similarNearby: 'pastContracts',
  sameBuyer: 'pastContracts',
  capacity: 'capacity',
};

/**
 * Weights (logit units: +1 multiplies the odds of being the holder by e) and, per feature, the value used
 * when it cannot be assessed: the average over the candidates of the fitted contracts, so that "unknown"
 * is neutral, never a bad fit.
 */
export interface CandidateModel {
  weights: Readonly<Record<CandidateFeature, number>>;
  unknown: Readonly<Record<CandidateFeature, number>>;
}

export interface ScoringLot {
  sectors: string[];
  prestationType: PrestationType;
  reservation: Reservation;
  estimatedAmountEur: number;
  durationMonths?: number;
  /** CPV codes (kind prior per CPV family); optional. */
  cpvCodes?: string[];
  /** Significant words of the tender's title and description (see textWords); optional. */
  words?: readonly string[];
}

export interface ScoringStructureSector {
  code: string;
  inferred: boolean; // true when derived from the NAF code rather than declared by the structure
}

export interface ScoringStructure {
  kind: StructureKind;
  sectors: ScoringStructureSector[];
  prestationTypes: PrestationType[];
  annualRevenueEur?: number;
  /** Not scored for buyers (see groupingMemberScore); kept so callers can pass a whole structure. */
  openToCoContracting?: boolean;
  distanceKm: number | null; // to the execution place; null when the structure has no location
  /** 1 for the nearest candidate of the lot, 2 for the next…; unknown when not given. */
  distanceRank?: number;
  communeCode?: string | null;
  department?: string | null;
  /** Significant words of its name, brand, description and offers (see textWords). */
  words?: readonly string[];
  /**
   * Set when the structure's area is the import's default radius (a guess) and the place is beyond it
   * but within the tolerance: kept, ranked lower. The value is that default radius in km.
   */
  beyondGuessedRadiusKm?: number;
}

/** Where the work is done (same commune / department criteria). */
export interface ScoringPlace {
  communeCode: string | null;
  department: string;
  /** 'department' when only the department is known: distances are then to its chef-lieu, not to the work. */
  scope?: 'commune' | 'department';
}

/** Evidence of past public contracts (DECP), the contract being scored never included. */
export interface PastContractsEvidence {
  /** Similar contracts (same sectors or CPV group) won near the place. */
  similarNearby: number;
  nearestKm?: number;
  withinKm?: number; // the search radius used to count them, for the reason's wording
  /** Contracts of the same buyer won (any sector, any place). */
  sameBuyer?: number;
}

export interface SectorInfo {
  label: string;
  group: string;
  /** Sectors of other groups that cover the same work (their CPV prefixes overlap): matched as neighbours. */
  related?: readonly string[];
  /**
   * True for a sector that says a structure does insertion but not which trade (e.g. "insertion et
   * qualification", the NAF 8899B catch-all of associations): alone, it leaves the trade unknown.
   */
  generic?: boolean;
}

export interface CandidateScoringInput {
  lot: ScoringLot;
  structure: ScoringStructure;
  place?: ScoringPlace;
  /** Undefined when evidence was not looked up (then neutral); `{ similarNearby: 0 }` when none was found. */
  pastContracts?: PastContractsEvidence;
  /** Sector code → label and group: gives readable reasons and the "same group" match. */
  sectorCatalogue?: Readonly<Record<string, SectorInfo>>;
}

export interface CandidateScore {
  score: number; // 0–100, one decimal; the sum of the breakdown
  breakdown: Record<string, number>; // points per criterion, one decimal
  reasons: string[]; // French
}

const round1 = (value: number): number => Math.round(value * 10) / 10;
const clamp01 = (value: number): number => Math.min(1, Math.max(0, value));

// ---------------------------------------------------------------------------------------------------
// Sector match

export type SectorLevel = 'declared' | 'inferred' | 'neighbour' | 'unknownTrade' | 'none';

function sectorLabel(code: string, catalogue: CandidateScoringInput['sectorCatalogue']): string {
  return catalogue?.[code]?.label ?? code;
}

const LEVEL_RANK: Record<SectorLevel, number> = { none: 0, unknownTrade: 1, neighbour: 2, inferred: 3, declared: 4 };

/**
 * Best match over the lot's sectors: declared exact > inferred exact > same group or related (neighbour) >
 * unknown trade > none. Null when the lot names no sector (cannot be assessed). `explain: false` skips the
 * reason (ranking 20,000 candidates needs the level only).
 */
export function sectorMatch(input: Pick<CandidateScoringInput, 'lot' | 'structure' | 'sectorCatalogue'>, explain = true): { level: SectorLevel | null; reason: string } {
  const { lot, structure, sectorCatalogue } = input;
  if (lot.sectors.length === 0) return { level: null, reason: 'Secteur du lot non précisé' };
  const groupOf = (code: string): string | undefined => sectorCatalogue?.[code]?.group;
  const related = (a: string, b: string): boolean =>
    (sectorCatalogue?.[a]?.related?.includes(b) ?? false) || (sectorCatalogue?.[b]?.related?.includes(a) ?? false);

  // A structure whose activities are unknown, or known only as insertion in general, cannot be judged on
  // its trade: not a mismatch, but weaker evidence than a related sector (register rows have no activities).
  const unknownTrade =
    structure.sectors.length === 0 ||
    (structure.sectors.every((own) => sectorCatalogue?.[own.code]?.generic === true) && !structure.sectors.some((own) => lot.sectors.includes(own.code)));
  let best: { level: SectorLevel; own?: string; lotSector?: string } = { level: unknownTrade ? 'unknownTrade' : 'none' };
  for (const lotSector of lot.sectors) {
    for (const own of structure.sectors) {
      let level: SectorLevel | undefined;
      if (own.code === lotSector) level = own.inferred ? 'inferred' : 'declared';
      else if ((groupOf(own.code) !== undefined && groupOf(own.code) === groupOf(lotSector)) || related(own.code, lotSector)) level = 'neighbour';
      if (level && LEVEL_RANK[level] > LEVEL_RANK[best.level]) best = { level, own: own.code, lotSector };
    }
  }
  return { level: best.level, reason: explain ? sectorReason(best, structure.sectors.length, sectorCatalogue) : '' };
}

function sectorReason(
  best: { level: SectorLevel; own?: string; lotSector?: string },
  ownSectors: number,
  catalogue: CandidateScoringInput['sectorCatalogue'],
): string {
  const label = best.lotSector === undefined ? '' : sectorLabel(best.lotSector, catalogue);
  switch (best.level) {
    case 'declared':
      return `Secteur déclaré : ${label}`;
    case 'inferred':
      return `Secteur déduit de son activité (NAF) : ${label}`;
    case 'neighbour':
      return catalogue?.[best.own!]?.group === catalogue?.[best.lotSector!]?.group
        ? `Secteur voisin : ${sectorLabel(best.own!, catalogue)} (même famille que ${label})`
        : `Secteur voisin : ${sectorLabel(best.own!, catalogue)} (travaux proches de ${label})`;
    case 'unknownTrade':
      return ownSectors === 0 ? 'Activités non renseignées : métier à vérifier' : 'Métier précis non renseigné (seulement « insertion ») : à vérifier';
    default:
      return 'Aucun des secteurs du lot parmi ses activités';
  }
}

// ---------------------------------------------------------------------------------------------------
// Distance

/** Distance at which `nearness` reaches 0 (log scale: 0.2 km and 14 km are far apart, 150 and 180 km are not). */
export const NEARNESS_HORIZON_KM = 500;
/** Distance rank at which `nearRank` reaches 0. */
export const NEAR_RANK_HORIZON = 1000;

/** 1 at 0 km, 0 from NEARNESS_HORIZON_KM, logarithmic in between. */
export function nearnessValue(distanceKm: number): number {
  return clamp01(1 - Math.log1p(Math.max(0, distanceKm)) / Math.log1p(NEARNESS_HORIZON_KM));
}

/** 1 for the nearest candidate, logarithmic in the rank, 0 from NEAR_RANK_HORIZON. */
export function nearRankValue(rank: number): number {
  return clamp01(1 - Math.log(Math.max(1, rank)) / Math.log(NEAR_RANK_HORIZON));
}

function formatKm(km: number): string {
  if (km < 0.1) return 'moins de 0,1';
  return km < 10 ? formatDecimalFr(Math.round(km * 10) / 10, 1) : String(Math.round(km));
}

// ---------------------------------------------------------------------------------------------------
// Kind prior per CPV family

export interface KindFamily {
  /** CPV prefixes (digits); the longest matching prefix of any family wins. */
  prefixes: readonly string[];
  /** "type habituel pour …" */
  label: string;
  usualKinds: readonly StructureKind[];
}

/**
 * Which kinds usually hold contracts of a CPV family (domain knowledge of the inclusive economy, not fitted:
 * staff provision goes to AI/ETTI/GEIQ, site work such as green spaces, cleaning or waste to ACI/EI and the
 * sheltered sector, "insertion et qualification" contracts to ACI/EI/AI). Only the weight is fitted.
 */
export const KIND_FAMILIES: readonly KindFamily[] = [
  { prefixes: ['7962', '7961'], label: 'la mise à disposition de personnel', usualKinds: ['AI', 'ETTI', 'GEIQ', 'EATT'] },
  {
    prefixes: ['7731', '7732', '7734', '7721', '7720', '7711', '7712', '4511122', '45112710', '0345'],
    label: 'l’entretien d’espaces verts',
    usualKinds: ['ACI', 'EI', 'ESAT', 'EA'],
  },
  { prefixes: ['909', '9061', '9062'], label: 'le nettoyage', usualKinds: ['EI', 'ACI', 'ESAT', 'EA'] },
  { prefixes: ['905'], label: 'la collecte et le tri des déchets', usualKinds: ['ACI', 'EI', 'ESAT', 'EA'] },
  { prefixes: ['7523124', '8531', '8532', '8053'], label: 'l’insertion et la qualification', usualKinds: ['ACI', 'EI', 'AI'] },
  { prefixes: ['45'], label: 'les travaux du bâtiment', usualKinds: ['EI', 'ACI', 'GEIQ'] },
  { prefixes: ['9831'], label: 'la blanchisserie', usualKinds: ['ESAT', 'EA', 'EI', 'ACI'] },
  { prefixes: ['55'], label: 'la restauration', usualKinds: ['EI', 'ACI', 'ESAT', 'EA'] },
  { prefixes: ['6010', '6011', '6400', '6411'], label: 'le transport et la distribution', usualKinds: ['EI', 'ACI', 'AI', 'ESAT', 'EA'] },
];

const familyCache = new Map<string, KindFamily | undefined>();

/** The family of the lot: the longest prefix matching one of its CPV codes (memoised: called per candidate). */
export function kindFamilyOf(cpvCodes: readonly string[] | undefined): KindFamily | undefined {
  const key = cpvCodes?.join(',') ?? '';
  if (familyCache.has(key)) return familyCache.get(key);
  const family = findKindFamily(cpvCodes);
  if (familyCache.size < 10_000) familyCache.set(key, family);
  return family;
}

function findKindFamily(cpvCodes: readonly string[] | undefined): KindFamily | undefined {
  let best: { family: KindFamily; length: number } | undefined;
  for (const raw of cpvCodes ?? []) {
    const code = raw.replace(/\D/g, '');
    for (const family of KIND_FAMILIES) {
      for (const prefix of family.prefixes) {
        if (code.startsWith(prefix) && (!best || prefix.length > best.length)) best = { family, length: prefix.length };
      }
    }
  }
  return best?.family;
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

function kindFeature(lot: ScoringLot, kind: StructureKind): { value: number | null; reason?: string } {
  const family = kindFamilyOf(lot.cpvCodes);
  const label = capitalise(structureKindLabel(kind));
  if (family) {
    return family.usualKinds.includes(kind)
      ? { value: 1, reason: `${label} : type habituel pour ${family.label}` }
      : { value: 0, reason: `${label} : type peu habituel pour ${family.label}` };
  }
  // No known family: the kind cannot be judged on evidence (V21 says which role a kind takes in a grouping,
  // not who wins a contract), so it is neutral; the V21 remark stays as a reason.
  const fit = prestationFit(kind, lot.prestationType);
  const type = prestationLabel(lot.prestationType);
  if (fit === 'fit') return { value: null, reason: `Type de structure adapté : ${structureKindLabel(kind)} pour une ${type}` };
  if (fit === 'misfit') return { value: null, reason: `Type de structure peu adapté à une ${type} : ${structureKindLabel(kind)} (V21)` };
  return { value: null };
}

// ---------------------------------------------------------------------------------------------------
// Text match

/** Words of a tender that say nothing about the trade (procurement wording, places, articles). */
const STOP_WORDS = new Set(
  `accord cadre marche marches lot lots prestation prestations service services travaux fourniture fournitures commune communes ville
   mairie departement departemental departementale regional regionale public publics publique publiques objet present presente
   pour dans avec sans leur leurs cette tous toutes tout sont etre avoir ainsi entre apres avant aupres chez sous selon bons commande
   consultation numero procedure adaptee ouvert annee annees mois duree site sites association assoc entreprise societe`.split(/\s+/),
);

/**
 * Significant words of a text: lower case, no accents, letters only, at least 4 letters, a trailing "s" or
 * "x" removed (plural), procurement wording left out. The same function reads tenders and structures.
 */
export function textWords(text: string | null | undefined): string[] {
  if (!text) return [];
  const words = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((w) => w.length >= 4)
    .map((w) => w.replace(/[sx]$/, ''))
    .filter((w) => w.length >= 4 && !STOP_WORDS.has(w) && !STOP_WORDS.has(`${w}s`));
  return [...new Set(words)];
}

function textFeature(lot: ScoringLot, structure: ScoringStructure): { value: number | null; hits: string[] } {
  if (!lot.words?.length || structure.words === undefined) return { value: null, hits: [] };
  const own = structure.words;
  const hits = lot.words.filter((w) => own.includes(w));
  // One shared trade word is already a strong hint; more saturate quickly.
  return { value: hits.length === 0 ? 0 : Math.min(1, 0.6 + 0.2 * (hits.length - 1)), hits };
}

// ---------------------------------------------------------------------------------------------------
// Past contracts and capacity

/** Each contract halves the remaining gap to 1: 1 → 0.5, 2 → 0.75, 3 → 0.875. */
export function pastContractsValue(count: number): number {
  return count > 0 ? 1 - 0.5 ** count : 0;
}

/**
 * Capacity is full when annual revenue reaches 1.5 × the lot's annual amount: the most a buyer may
 * require from 2026 (décret 2025-1383; V8 note), so a structure above it cannot be turned down on turnover.
 */
export const FULL_CAPACITY_REVENUE_RATIO = 1.5;

/** The lot's amount per year (the whole amount when the duration is unknown). */
export function lotAnnualAmountEur(lot: Pick<ScoringLot, 'estimatedAmountEur' | 'durationMonths'>): number {
  const months = lot.durationMonths;
  return months !== undefined && months > 0 ? (lot.estimatedAmountEur * 12) / months : lot.estimatedAmountEur;
}

// ---------------------------------------------------------------------------------------------------
// Features, utility and score

export interface CandidateFeatures {
  values: FeatureValues;
  /** French reasons, per criterion (criterion order). */
  reasons: Record<CandidateCriterion, string[]>;
}

/** Features of a candidate, with the reasons that explain them. Pure and cheap enough for 20,000 candidates. */
export function candidateFeatures(input: CandidateScoringInput, explain = true): CandidateFeatures {
  const { lot, structure, place, pastContracts } = input;
  const reasons: Record<CandidateCriterion, string[]> = { sectorFit: [], distance: [], territory: [], kindFit: [], textMatch: [], pastContracts: [], capacity: [] };
  // Ranking 20,000 candidates needs the values only: reasons are built for the returned page.
  const say = (criterion: CandidateCriterion, reason: () => string): void => {
    if (explain) reasons[criterion].push(reason());
  };

  const sector = sectorMatch(input, explain);
  say('sectorFit', () => sector.reason);
  const levelRank = sector.level === null ? null : LEVEL_RANK[sector.level];
  const atLeast = (rank: number): number | null => (levelRank === null ? null : levelRank >= rank ? 1 : 0);

  let nearness: number | null = null;
  let nearRank: number | null = null;
  const placeOnlyByDepartment = place?.scope === 'department' && structure.department === place.department;
  if (structure.distanceKm === null) say('distance', () => "Distance au lieu d'exécution inconnue");
  else if (placeOnlyByDepartment) {
    // The work is somewhere in the department: a distance to its chef-lieu says little about one inside it.
    say('distance', () => "Dans le département du lieu d'exécution, connu seulement par son département : distance inconnue");
  } else {
    const km = structure.distanceKm;
    nearness = nearnessValue(km);
    const rank = structure.distanceRank;
    if (rank !== undefined) nearRank = nearRankValue(rank);
    const nth = rank === undefined || rank > 10 ? '' : rank === 1 ? ' (la plus proche)' : ` (${rank}e plus proche)`;
    say('distance', () => `À ${formatKm(km)} km du lieu d'exécution${nth}`);
  }
  const beyond = structure.beyondGuessedRadiusKm;
  if (beyond !== undefined) say('distance', () => `Au-delà de son rayon d’intervention par défaut (${Math.round(beyond)} km, une estimation de l’import) : zone à confirmer`);

  let sameCommune: number | null = null;
  let sameDepartment: number | null = null;
  if (place && structure.department) {
    sameDepartment = structure.department === place.department ? 1 : 0;
    if (place.communeCode && structure.communeCode) sameCommune = structure.communeCode === place.communeCode ? 1 : 0;
    if (sameCommune === 1) say('territory', () => "Située dans la commune du lieu d'exécution");
    else if (sameDepartment === 1) say('territory', () => "Située dans le département du lieu d'exécution");
  }

  const kind = kindFeature(lot, structure.kind);
  const kindReason = kind.reason;
  if (kindReason) say('kindFit', () => kindReason);
  if (structure.prestationTypes.length > 0 && !structure.prestationTypes.includes(lot.prestationType)) {
    say('kindFit', () => `Ne déclare pas la ${prestationLabel(lot.prestationType)} parmi ses types de prestation`);
  }

  const text = textFeature(lot, structure);
  // The words are normalised stems (no accents): the reason counts them rather than showing them.
  const hits = text.hits.length;
  if (hits) say('textMatch', () => `Son nom ou sa présentation reprend ${hits === 1 ? 'un mot' : `${hits} mots`} de l’objet du marché`);

  let similarNearby: number | null = null;
  let sameBuyer: number | null = null;
  if (pastContracts) {
    const count = Math.max(0, Math.floor(pastContracts.similarNearby));
    similarNearby = pastContractsValue(count);
    if (count > 0) {
      const contracts = count === 1 ? '1 marché similaire' : `${count} marchés similaires`;
      let where = 'à proximité';
      if (pastContracts.withinKm !== undefined) where = `à moins de ${Math.round(pastContracts.withinKm)} km`;
      else if (pastContracts.nearestKm !== undefined) where = `(le plus proche à ${Math.round(pastContracts.nearestKm)} km)`;
      say('pastContracts', () => `A remporté ${contracts} ${where}`);
    }
    const buyerCount = Math.max(0, Math.floor(pastContracts.sameBuyer ?? 0));
    sameBuyer = pastContractsValue(buyerCount);
    if (buyerCount > 0) say('pastContracts', () => `A déjà remporté ${buyerCount === 1 ? 'un marché' : `${buyerCount} marchés`} de cet acheteur`);
  }

  let capacity: number | null = null;
  if (structure.annualRevenueEur === undefined) say('capacity', () => "Chiffre d'affaires non renseigné");
  else {
    const revenue = structure.annualRevenueEur;
    const annualAmount = lotAnnualAmountEur(lot);
    capacity = annualAmount <= 0 ? 1 : clamp01(revenue / (FULL_CAPACITY_REVENUE_RATIO * annualAmount));
    const period = lot.durationMonths !== undefined && lot.durationMonths > 0 ? '/an' : '';
    say('capacity', () => `Capacité : CA ${formatEurShort(revenue)} pour un lot de ${formatEurShort(annualAmount)}${period}`);
  }

  return {
    values: {
      nearness,
      nearRank,
      radiusGuessExceeded: beyond !== undefined ? 1 : 0,
      sameCommune,
      sameDepartment,
      kindUsual: kind.value,
      sectorUnknownOrBetter: atLeast(LEVEL_RANK.unknownTrade),
      sectorNeighbourOrBetter: atLeast(LEVEL_RANK.neighbour),
      sectorInferredOrBetter: atLeast(LEVEL_RANK.inferred),
      sectorDeclared: atLeast(LEVEL_RANK.declared),
      textMatch: text.value,
      similarNearby,
      sameBuyer,
      capacity,
    },
    reasons,
  };
}

/** Feature values with unknowns replaced by the model's population averages. */
export function completeFeatures(values: FeatureValues, model: CandidateModel = CANDIDATE_MODEL): Record<CandidateFeature, number> {
  const out = {} as Record<CandidateFeature, number>;
  for (const f of CANDIDATE_FEATURES) out[f] = values[f] ?? model.unknown[f];
  return out;
}

/** Σ weight × value: the ranking order (the score is this, rescaled). */
export function candidateUtility(values: FeatureValues, model: CandidateModel = CANDIDATE_MODEL): number {
  let utility = 0;
  for (const f of CANDIDATE_FEATURES) utility += model.weights[f] * (values[f] ?? model.unknown[f]);
  return utility;
}

/** Utility range of each criterion (all features in [0, 1]): the basis of the 0–100 points. */
function criterionRanges(model: CandidateModel): { min: Record<CandidateCriterion, number>; span: Record<CandidateCriterion, number>; total: number } {
  const min = { sectorFit: 0, distance: 0, territory: 0, kindFit: 0, textMatch: 0, pastContracts: 0, capacity: 0 };
  const span = { ...min };
  for (const f of CANDIDATE_FEATURES) {
    const w = model.weights[f];
    min[FEATURE_CRITERION[f]] += Math.min(0, w);
    span[FEATURE_CRITERION[f]] += Math.abs(w);
  }
  const total = Object.values(span).reduce((a, b) => a + b, 0);
  return { min, span, total };
}

/** The score (0–100) of a utility: monotone, so sorting by either gives the same order. */
export function scoreOfUtility(utility: number, model: CandidateModel = CANDIDATE_MODEL): number {
  const { min, total } = criterionRanges(model);
  const floor = Object.values(min).reduce((a, b) => a + b, 0);
  return total > 0 ? (100 * (utility - floor)) / total : 0;
}

/** Reserved lots only: the eligibility reason (V13) is shown but not scored — callers filter excluded kinds. */
function eligibilityReasons({ lot, structure }: CandidateScoringInput): string[] {
  if (lot.reservation === 'NONE') return [];
  const eligibility = reservationEligibility(structure.kind, lot.reservation);
  if (eligibility.status === 'uncertain') return [`Éligibilité à vérifier — ${eligibility.reason}`];
  if (eligibility.status === 'excluded') return [`Non éligible — ${eligibility.reason}`];
  return [eligibility.reason];
}

/**
 * Score of a candidate for a lot, 0–100, with points per criterion (one decimal; they add up to the score)
 * and French reasons in criterion order. A criterion's points are its share of the model's utility range:
 * a criterion the model weighs more can give more points.
 */
export function scoreCandidate(input: CandidateScoringInput, model: CandidateModel = CANDIDATE_MODEL): CandidateScore {
  const features = candidateFeatures(input);
  const { min, total } = criterionRanges(model);
  const contribution = { ...min };
  for (const c of CRITERIA_ORDER) contribution[c] = 0;
  for (const f of CANDIDATE_FEATURES) contribution[FEATURE_CRITERION[f]] += model.weights[f] * (features.values[f] ?? model.unknown[f]);
  const breakdown: Record<string, number> = {};
  const reasons: string[] = [];
  let score = 0;
  for (const criterion of CRITERIA_ORDER) {
    const points = total > 0 ? round1((100 * (contribution[criterion] - min[criterion])) / total) : 0;
    breakdown[criterion] = points;
    score += points;
    reasons.push(...features.reasons[criterion]);
  }
  reasons.push(...eligibilityReasons(input));
  return { score: Math.min(100, Math.max(0, round1(score))), breakdown, reasons };
}

/**
 * The matching worker's score of a member for a lot: the buyer's score, plus openness to co-contracting,
 * which matters only when assembling a grouping. Undeclared openness (register rows) counts half: unknown.
 */
export const GROUPING_OPENNESS_POINTS = 10;
export function groupingMemberScore(candidateScore: number, openness: boolean | 'undeclared'): number {
  const open = openness === true ? 1 : openness === 'undeclared' ? 0.5 : 0;
  return round1(((100 - GROUPING_OPENNESS_POINTS) * candidateScore) / 100 + GROUPING_OPENNESS_POINTS * open);
}
