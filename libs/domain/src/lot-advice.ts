// Reserve, clause or nothing? Advice for one lot before publication, from the evidence the product holds:
// eligible structures serving the place and doing the trade (V13), their declared capacity against the lot's
// yearly amount, contracts such structures already won nearby (DECP), and the insertion hours a clause would
// require (V17). Every option is assessed and explained; the recommendation is the legally strongest option
// the evidence supports (reservation, then execution clause, then award criterion, then nothing).
// What is not known is said: a structure without a declared revenue counts as "capacity unknown", never as
// a guessed figure. The caller passes real structures only (demo rows never count).
import { reservationMakesSense } from './eligibility';
import { insertionHours, type InsertionHoursResult } from './insertion-hours';
import { formatEurShort, formatIntegerFr, formatPercentFr } from './labels';
import { lotAnnualAmountEur, type ScoringStructureSector, type SectorInfo } from './scoring';
import type { PrestationType, Reservation, StructureKind } from './vocabulary';

export const ADVICE_OPTIONS = ['reserve_siae', 'reserve_disability', 'social_clause', 'award_criterion', 'none'] as const;
export type AdviceOption = (typeof ADVICE_OPTIONS)[number];

/**
 * Eligible structures needed to reserve a lot. INFERENCE: with one or two eligible structures a reserved lot
 * risks receiving no bid or a single one (unsuccessful procedure, no price competition); three is the
 * smallest field in which one structure's refusal still leaves competition. Le Marché de l'inclusion's
 * « potentiel inclusif » also reasons on counts; this threshold is applied only to structures doing the trade.
 */
export const MIN_ELIGIBLE_FOR_RESERVATION = 3;

/**
 * Largest share of a structure's yearly revenue the lot may represent for it to take the lot alone safely.
 * INFERENCE (practitioners' rule of thumb on economic dependence, no legal text): beyond about 30 %, losing the
 * contract at renewal endangers the structure; the ACI's 30 % cap on commercial receipts (D5132-34, V22) shows
 * the same order of magnitude for the most fragile kind.
 */
export const MAX_DEPENDENCY_SHARE = 0.3;

/**
 * Below this many insertion hours a clause is not worth imposing. PRACTICE, sourced: Inserpropre's
 * « PACT Propreté » method recommends no clause when I < 150 h (domain rules §3).
 */
export const MIN_CLAUSE_HOURS = 150;

/**
 * Inclusive structures near the place a titulaire can turn to for its hours (V18 routes). INFERENCE: with
 * two, the titulaire has a choice and is not bound to one provider's availability (or, for an AI, to the
 * 480 h per worker and firm cap, V19).
 */
export const MIN_CLAUSE_PROVIDERS = 2;

/** Kinds through which a titulaire may count insertion hours (V18): staff provision or sub/cotraitance. */
export const CLAUSE_PROVIDER_KINDS: readonly StructureKind[] = ['AI', 'ETTI', 'GEIQ', 'EATT', 'EI', 'ACI', 'EA', 'ESAT'];
/** Of those, the staff providers: their workers can do any trade, so their own sectors do not matter (V21). */
const STAFF_PROVISION_KINDS: readonly StructureKind[] = ['AI', 'ETTI', 'GEIQ', 'EATT'];

/** The articles each option rests on (domain rules §2 and §3). */
export const ADVICE_ARTICLES: Readonly<Record<AdviceOption, readonly string[]>> = {
  reserve_siae: ['L2113-13', 'R2113-7'],
  reserve_disability: ['L2113-12', 'R2113-7'],
  social_clause: ['L2112-2'],
  award_criterion: ['R2152-7'],
  none: [],
};

const ADVICE_LABELS: Readonly<Record<AdviceOption, string>> = {
  reserve_siae: 'Réserver le lot aux SIAE (L2113-13)',
  reserve_disability: 'Réserver le lot aux EA et ESAT (L2113-12)',
  social_clause: 'Clause sociale d’exécution (L2112-2)',
  award_criterion: 'Critère social d’attribution (R2152-7)',
  none: 'Pas de dispositif social',
};

export function adviceOptionLabel(option: AdviceOption): string {
  return ADVICE_LABELS[option];
}

/** One real structure serving the execution place (the caller checked its intervention area). */
export interface AdviceStructure {
  kind: StructureKind;
  sectors: readonly ScoringStructureSector[];
  annualRevenueEur: number | null;
  annualInsertionHours: number | null;
}

export interface LotAdviceInput {
  amountEur: number;
  durationMonths: number | null;
  prestationType: PrestationType;
  /** The lot's sectors (given, else from its CPV codes). Empty: the trade is unknown. */
  sectors: readonly string[];
  /** Sector code → group and related sectors (the taxonomy). */
  sectorCatalogue: Readonly<Record<string, SectorInfo>>;
  /** The group of the lot's first sector, for V17's labour share. */
  sectorGroup?: string;
  /** The clause's own figures when the lot already has one (V17: given hours win). */
  clause?: { insertionHours?: number; labourShare?: number; insertionRate?: number; hourlyCostEur?: number };
  /** Real (never demo) inclusive structures whose intervention area covers the place. */
  serving: readonly AdviceStructure[];
  /** Similar contracts won within the evidence radius by real eligible structures (DECP), per reservation. */
  pastContractsNearby: { siae: number; disability: number };
}

export interface CapacityEvidence {
  eligible: number;
  withKnownCapacity: number;
  /** Σ (revenue × MAX_DEPENDENCY_SHARE) ÷ yearly amount over structures with a known revenue; null if none. */
  capacityCoverage: number | null;
  /** Yearly amount ÷ the largest known revenue: the lot's weight for the best-placed structure; null if none. */
  dependencyRatio: number | null;
}

export interface OptionAssessment {
  option: AdviceOption;
  allowed: boolean;
  /** 0–1: how strongly the evidence supports the option (0 when not allowed). */
  score: number;
  label: string;
  reasons: string[];
  articles: string[];
}

export interface LotAdvice {
  recommendation: AdviceOption;
  alternatives: OptionAssessment[];
  /** The recommended option's own assessment. */
  assessment: OptionAssessment;
  evidence: {
    eligibleServing: { siae: number; disability: number; geiq: number };
    withKnownCapacity: number;
    capacityCoverage: number | null;
    dependencyRatio: number | null;
    pastContractsNearby: number;
    /** Eligible structures serving the place whose trade is not known (not counted above). */
    tradeUnknown: number;
    clauseProviders: number;
    yearlyAmountEur: number;
  };
  insertionHours: InsertionHoursResult & { yearlyHours: number };
  reasons: string[];
  articles: string[];
}

type TradeMatch = 'same' | 'neighbour' | 'unknown' | 'none';

/** Whether a structure does the lot's trade: same sector, same family or related sector, unknown, or not. */
export function tradeMatch(structureSectors: readonly ScoringStructureSector[], lotSectors: readonly string[], catalogue: Readonly<Record<string, SectorInfo>>): TradeMatch {
  if (lotSectors.length === 0) return 'unknown';
  const specific = structureSectors.filter((s) => !catalogue[s.code]?.generic);
  if (specific.some((s) => lotSectors.includes(s.code))) return 'same';
  if (specific.length === 0) return 'unknown';
  const groups = new Set(lotSectors.map((code) => catalogue[code]?.group).filter((g): g is string => g !== undefined));
  const related = (a: string, b: string) => (catalogue[a]?.related?.includes(b) ?? false) || (catalogue[b]?.related?.includes(a) ?? false);
  const near = specific.some((s) => groups.has(catalogue[s.code]?.group ?? '\u0000') || lotSectors.some((l) => related(s.code, l)));
  return near ? 'neighbour' : 'none';
}

const SIAE_RESERVATION_KINDS: readonly StructureKind[] = ['EI', 'ETTI', 'AI', 'ACI'];
const DISABILITY_RESERVATION_KINDS: readonly StructureKind[] = ['EA', 'ESAT'];

/** Capacity of the eligible structures against the yearly amount; unknown revenues are counted, not guessed. */
export function capacityEvidence(structures: readonly AdviceStructure[], yearlyAmountEur: number): CapacityEvidence {
  const known = structures.map((s) => s.annualRevenueEur).filter((r): r is number => r !== null && r > 0);
  if (known.length === 0) return { eligible: structures.length, withKnownCapacity: 0, capacityCoverage: null, dependencyRatio: null };
  // A lot without an amount weighs nothing on anyone (amounts are validated > 0 upstream).
  if (yearlyAmountEur <= 0) return { eligible: structures.length, withKnownCapacity: known.length, capacityCoverage: null, dependencyRatio: 0 };
  const coverage = known.reduce((sum, revenue) => sum + revenue * MAX_DEPENDENCY_SHARE, 0) / yearlyAmountEur;
  return { eligible: structures.length, withKnownCapacity: known.length, capacityCoverage: round2(coverage), dependencyRatio: round2(yearlyAmountEur / Math.max(...known)) };
}

const round2 = (value: number) => Math.round(value * 100) / 100;
const plural = (n: number, one: string, many: string) => `${formatIntegerFr(n)} ${n === 1 ? one : many}`;

function assessReservation(
  option: 'reserve_siae' | 'reserve_disability',
  reservation: Reservation,
  eligible: readonly AdviceStructure[],
  tradeUnknown: number,
  pastWins: number,
  input: LotAdviceInput,
  yearlyAmountEur: number,
): OptionAssessment & { capacity: CapacityEvidence } {
  const who = option === 'reserve_siae' ? 'SIAE (EI, ACI, AI, ETTI)' : 'EA ou ESAT';
  const capacity = capacityEvidence(eligible, yearlyAmountEur);
  const base = { option, label: ADVICE_LABELS[option], articles: [...ADVICE_ARTICLES[option]], capacity };
  const reasons: string[] = [];
  const sense = reservationMakesSense(reservation, input.prestationType);
  if (!sense.makesSense) return { ...base, allowed: false, score: 0, reasons: [sense.message!] };

  reasons.push(`${plural(eligible.length, `${who} éligible sert`, `${who} éligibles servent`)} le lieu d’exécution et ${eligible.length === 1 ? 'fait' : 'font'} ce métier (seuil : ${MIN_ELIGIBLE_FOR_RESERVATION}).`);
  if (tradeUnknown > 0) reasons.push(`${plural(tradeUnknown, 'autre structure éligible', 'autres structures éligibles')} au métier non renseigné : non comptée${tradeUnknown === 1 ? '' : 's'}.`);
  if (input.sectors.length === 0) reasons.push('Secteur du lot inconnu : précisez un code CPV ou un secteur pour compter les structures qui font ce métier.');
  if (eligible.length < MIN_ELIGIBLE_FOR_RESERVATION) {
    reasons.push('Trop peu de structures éligibles : une réservation risque de ne recevoir aucune offre ou une seule.');
    return { ...base, allowed: false, score: 0, reasons };
  }

  // Capacity: declared revenues first; without any, only contracts already won nearby are evidence.
  let capacityStrength: number;
  if (capacity.withKnownCapacity === 0) {
    reasons.push(`Capacité inconnue : aucune de ces structures n’a déclaré son chiffre d’affaires, on ne peut pas dire si elles absorbent ${formatEurShort(yearlyAmountEur)} par an.`);
    if (pastWins === 0) {
      reasons.push('Aucun marché similaire remporté à proximité par ces structures : la réservation serait un pari.');
      return { ...base, allowed: false, score: 0, reasons };
    }
    reasons.push(`${plural(pastWins, 'marché similaire a déjà été remporté', 'marchés similaires ont déjà été remportés')} à proximité par des structures éligibles.`);
    capacityStrength = 0.5;
  } else if (capacity.dependencyRatio !== null && capacity.dependencyRatio <= MAX_DEPENDENCY_SHARE) {
    reasons.push(`Une structure peut prendre le lot seule : il représenterait ${formatPercentFr(capacity.dependencyRatio, 0)} de son chiffre d’affaires (au plus ${formatPercentFr(MAX_DEPENDENCY_SHARE, 0)}).`);
    capacityStrength = 1;
  } else if (capacity.capacityCoverage !== null && capacity.capacityCoverage >= 1) {
    reasons.push(
      `Aucune structure ne peut le prendre seule sans en dépendre (${formatPercentFr(capacity.dependencyRatio ?? 1, 0)} du chiffre d’affaires de la plus grande), mais à plusieurs (co-traitance) leur capacité couvre ${formatDecimal(capacity.capacityCoverage)} fois le montant annuel.`,
    );
    capacityStrength = 0.7;
  } else {
    reasons.push(
      `Capacité insuffisante : ${formatEurShort(yearlyAmountEur)} par an représenteraient ${formatPercentFr(capacity.dependencyRatio ?? 1, 0)} du chiffre d’affaires de la plus grande structure et les capacités déclarées ne couvrent que ${formatDecimal(capacity.capacityCoverage ?? 0)} fois le montant (${plural(capacity.withKnownCapacity, 'structure', 'structures')} sur ${eligible.length} ont déclaré leur chiffre d’affaires).`,
    );
    return { ...base, allowed: false, score: 0, reasons };
  }
  if (capacity.withKnownCapacity > 0 && capacity.withKnownCapacity < eligible.length) {
    reasons.push(`Capacité inconnue pour ${plural(eligible.length - capacity.withKnownCapacity, 'structure', 'structures')} (chiffre d’affaires non déclaré).`);
  }
  const competition = Math.min(1, eligible.length / (2 * MIN_ELIGIBLE_FOR_RESERVATION));
  return { ...base, allowed: true, score: round2(0.5 + 0.5 * competition * capacityStrength), reasons };
}

function formatDecimal(value: number): string {
  return String(Math.round(value * 10) / 10).replace('.', ',');
}

function assessClause(providers: readonly AdviceStructure[], hours: InsertionHoursResult & { yearlyHours: number }): OptionAssessment {
  const base = { option: 'social_clause' as const, label: ADVICE_LABELS.social_clause, articles: [...ADVICE_ARTICLES.social_clause] };
  const reasons = [
    `${formatIntegerFr(hours.hours)} heures d’insertion ${hours.computed ? 'estimées' : 'fixées'} sur la durée du marché, soit ${formatIntegerFr(hours.yearlyHours)} par an.`,
    `${plural(providers.length, 'structure proche peut', 'structures proches peuvent')} fournir ces heures à l’entreprise titulaire (mise à disposition, sous-traitance ou co-traitance).`,
  ];
  if (hours.hours < MIN_CLAUSE_HOURS) {
    reasons.push(`Moins de ${MIN_CLAUSE_HOURS} heures : une clause d’exécution n’en vaut pas la peine (méthode Inserpropre).`);
    return { ...base, allowed: false, score: 0, reasons };
  }
  if (providers.length < MIN_CLAUSE_PROVIDERS) {
    reasons.push(`Moins de ${MIN_CLAUSE_PROVIDERS} structures à proximité : l’entreprise titulaire aurait du mal à trouver ses heures.`);
    return { ...base, allowed: false, score: 0, reasons };
  }
  const declared = providers.map((p) => p.annualInsertionHours).filter((h): h is number => h !== null && h > 0);
  let strength = 0.7;
  if (declared.length > 0) {
    const total = declared.reduce((a, b) => a + b, 0);
    if (declared.length === providers.length && total < hours.yearlyHours) {
      reasons.push(`Les heures d’insertion déclarées par ces structures (${formatIntegerFr(total)} par an) ne couvrent pas celles du lot.`);
      return { ...base, allowed: false, score: 0, reasons };
    }
    if (total >= hours.yearlyHours) strength = 1;
    reasons.push(`${plural(declared.length, 'structure a', 'structures ont')} déclaré ${formatIntegerFr(total)} heures d’insertion par an.`);
  } else {
    reasons.push('Heures d’insertion disponibles non déclarées par ces structures : à vérifier avec le facilitateur.');
  }
  const breadth = Math.min(1, providers.length / (3 * MIN_CLAUSE_PROVIDERS));
  return { ...base, allowed: true, score: round2(0.3 + 0.4 * breadth * strength), reasons };
}

function assessAwardCriterion(inclusiveServing: number, pastWins: number): OptionAssessment {
  const base = { option: 'award_criterion' as const, label: ADVICE_LABELS.award_criterion, articles: [...ADVICE_ARTICLES.award_criterion] };
  if (inclusiveServing === 0 && pastWins === 0) {
    return { ...base, allowed: false, score: 0, reasons: ['Aucune structure inclusive ne sert ce lieu et aucun marché similaire n’y a été remporté par l’une d’elles.'] };
  }
  const reasons = [
    'Critère de performance en matière d’insertion : il valorise les offres qui emploient des personnes éloignées de l’emploi sans rien imposer, adapté quand les éléments sont minces.',
  ];
  return { ...base, allowed: true, score: round2(0.1 + 0.2 * Math.min(1, (inclusiveServing + pastWins) / 10)), reasons };
}

/** The lot's advice. Pure: same evidence, same advice, same reasons. */
export function adviseLot(input: LotAdviceInput): LotAdvice {
  const yearlyAmountEur = lotAnnualAmountEur({ estimatedAmountEur: Math.max(0, input.amountEur), durationMonths: input.durationMonths ?? undefined });
  const years = input.durationMonths && input.durationMonths > 12 ? input.durationMonths / 12 : 1;
  const hoursResult = insertionHours({
    amountEur: Math.max(0, input.amountEur),
    givenHours: input.clause?.insertionHours,
    labourShare: input.clause?.labourShare,
    insertionRate: input.clause?.insertionRate,
    hourlyCostEur: input.clause?.hourlyCostEur,
    sectorGroup: input.sectorGroup,
  });
  const hours = { ...hoursResult, yearlyHours: Math.round(hoursResult.hours / years) };

  const doesTheTrade = (s: AdviceStructure) => {
    const match = tradeMatch(s.sectors, input.sectors, input.sectorCatalogue);
    return match === 'same' || match === 'neighbour';
  };
  const tradeKnownUnknown = (s: AdviceStructure) => tradeMatch(s.sectors, input.sectors, input.sectorCatalogue) === 'unknown';
  const ofKinds = (kinds: readonly StructureKind[]) => input.serving.filter((s) => kinds.includes(s.kind));
  const siae = ofKinds(SIAE_RESERVATION_KINDS);
  const disability = ofKinds(DISABILITY_RESERVATION_KINDS);
  // Staff provision lots are answered by AI and ETTI whatever their own trade (V21).
  const performs = (s: AdviceStructure) => (input.prestationType === 'DISP' && STAFF_PROVISION_KINDS.includes(s.kind)) || doesTheTrade(s);
  const siaeEligible = siae.filter(performs);
  const disabilityEligible = disability.filter(performs);

  const reserveSiae = assessReservation('reserve_siae', 'L2113-13', siaeEligible, siae.filter((s) => !performs(s) && tradeKnownUnknown(s)).length, input.pastContractsNearby.siae, input, yearlyAmountEur);
  const reserveDisability = assessReservation(
    'reserve_disability',
    'L2113-12',
    disabilityEligible,
    disability.filter((s) => !performs(s) && tradeKnownUnknown(s)).length,
    input.pastContractsNearby.disability,
    input,
    yearlyAmountEur,
  );
  const providers = input.serving.filter((s) => CLAUSE_PROVIDER_KINDS.includes(s.kind) && (STAFF_PROVISION_KINDS.includes(s.kind) || doesTheTrade(s)));
  const clause = assessClause(providers, hours);
  const pastWins = input.pastContractsNearby.siae + input.pastContractsNearby.disability;
  const award = assessAwardCriterion(input.serving.length, pastWins);
  const none: OptionAssessment = {
    option: 'none',
    allowed: true,
    score: 0,
    label: ADVICE_LABELS.none,
    articles: [],
    reasons: [
      input.serving.length === 0 && pastWins === 0
        ? 'Aucun élément ne permet d’attendre une offre inclusive : aucune structure inclusive ne sert ce lieu et aucune n’y a remporté de marché similaire.'
        : `Ne rien prévoir reste possible, mais ${plural(input.serving.length, 'structure inclusive sert', 'structures inclusives servent')} ce lieu : ce serait se priver de leur offre.`,
    ],
  };

  // Legal strength first (a reservation guarantees inclusive holders, a clause guarantees hours, a criterion
  // only rewards), then the evidence's score between the two reservations.
  const reservations = [reserveSiae, reserveDisability].filter((a) => a.allowed).sort((a, b) => b.score - a.score);
  const ordered: OptionAssessment[] = [...reservations, clause, award, none].filter((a) => a.allowed);
  const chosen = ordered[0];
  const stripCapacity = ({ capacity: _capacity, ...rest }: OptionAssessment & { capacity?: CapacityEvidence }): OptionAssessment => rest;
  const all = [reserveSiae, reserveDisability, clause, award, none].map(stripCapacity);
  const alternatives = all.filter((a) => a.option !== chosen.option).sort((a, b) => Number(b.allowed) - Number(a.allowed) || b.score - a.score);

  // Top-level capacity figures: of the reservation chosen, else of the larger eligible pool.
  const capacitySource = chosen.option === 'reserve_disability' || (chosen.option !== 'reserve_siae' && disabilityEligible.length > siaeEligible.length) ? reserveDisability : reserveSiae;
  const tradeUnknown = [...siae, ...disability].filter((s) => !performs(s) && tradeKnownUnknown(s)).length;
  return {
    recommendation: chosen.option,
    alternatives,
    assessment: stripCapacity(chosen),
    evidence: {
      eligibleServing: { siae: siaeEligible.length, disability: disabilityEligible.length, geiq: ofKinds(['GEIQ']).length },
      withKnownCapacity: capacitySource.capacity.withKnownCapacity,
      capacityCoverage: capacitySource.capacity.capacityCoverage,
      dependencyRatio: capacitySource.capacity.dependencyRatio,
      pastContractsNearby: pastWins,
      tradeUnknown,
      clauseProviders: providers.length,
      yearlyAmountEur: Math.round(yearlyAmountEur),
    },
    insertionHours: hours,
    reasons: chosen.reasons,
    articles: chosen.articles,
  };
}
