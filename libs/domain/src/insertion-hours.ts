// Insertion hours of a social clause (domain rules §3, V17): H = A × r_MO × t / c
//   A = estimated amount HT, r_MO = labour share, t = insertion rate, c = loaded hourly cost.
// The hours written in the CCAP always win over the formula.

/** V17 defaults: t = 5 % (typical 5–10 %, 5–7 % in BTP), c = 30 €/h (facilitateurs use 25–30 €/h). */
export const DEFAULT_INSERTION_RATE = 0.05;
export const DEFAULT_HOURLY_COST_EUR = 30;
/** Labour share of a building contract in the MEF Sud 77 worked example; also used for unknown sectors. */
export const DEFAULT_LABOUR_SHARE = 0.5;

/**
 * Labour share r_MO per sector group (the taxonomy's group codes). Sourced values are marked; the others
 * are reasoned estimates (INFERENCE) from each trade's usual cost structure — always overridable per lot.
 */
export const LABOUR_SHARE_BY_GROUP: Record<string, number> = {
  ESPACES_VERTS: 0.6, // mostly manual work; plants, machines and fuel make up the rest
  PROPRETE: 0.8, // sourced: Inserpropre "PACT Propreté" (80 % labour)
  BTP_SECOND_OEUVRE: 0.7, // sourced: painting 70 % (MEF Sud 77); finishing trades are labour-heavy
  BTP_GROS_OEUVRE: 0.5, // sourced: masonry 50 % (MEF Sud 77); steel frames are lower (20 %), set per lot
  RESTAURATION: 0.45, // food is roughly a third of the price, the rest mostly kitchen and service staff
  BLANCHISSERIE: 0.55, // labour-intensive sorting and ironing, but energy, water and machines weigh
  COLLECTE_RECYCLAGE: 0.5, // sorting is manual; trucks, fuel and treatment costs are large
  LOGISTIQUE: 0.6, // handling and preparation dominate; premises and equipment the rest
  TRANSPORT: 0.4, // drivers, with vehicles and fuel taking a large share
  NUMERIQUE: 0.7, // digital services (data entry, dismantling IT, development) are mainly staff time
  IMPRIMERIE: 0.35, // paper, ink and presses dominate
  TEXTILE: 0.5, // sewing is manual; fabric is a significant input
  AGRICULTURE: 0.4, // land, seeds and equipment weigh as much as work
  BOIS: 0.4, // timber is a large input (joinery, pallets)
  MOBILITE: 0.5, // bike and car repair: parts are about half of the bill
  RELATION_CLIENT: 0.8, // call centres and reception are almost entirely staff time
  EVENEMENTIEL: 0.4, // equipment hire and logistics besides staff
  MISE_A_DISPOSITION: 0.9, // staff provision: the invoice is wages and charges plus the agency margin
  SERVICES_PERSONNE: 0.85, // home services are almost entirely staff time
  SECURITE: 0.85, // guarding is almost entirely staff time
  INDUSTRIE: 0.3, // subcontracted manufacturing: materials and machines dominate
  COMMERCE: 0.2, // resale of goods: the goods are most of the price
  FORMATION_INSERTION: 0.7, // trainers' and coaches' time
  MAINTENANCE_MULTISERVICES: 0.6, // technicians' time, with parts and supplies
  ENVIRONNEMENT: 0.5, // field work with equipment, analyses and disposal costs
};

/** Labour share of a sector group, DEFAULT_LABOUR_SHARE when the group is absent or unknown. */
export function labourShareForGroup(sectorGroup?: string): number {
  if (sectorGroup === undefined) return DEFAULT_LABOUR_SHARE;
  return LABOUR_SHARE_BY_GROUP[sectorGroup] ?? DEFAULT_LABOUR_SHARE;
}

export interface InsertionHoursInput {
  amountEur: number;
  labourShare?: number; // r_MO, 0–1; beats the sector group's value
  insertionRate?: number; // t, 0–1
  hourlyCostEur?: number; // c, > 0
  givenHours?: number; // the CCAP's hours: always win (V17)
  sectorGroup?: string; // used for r_MO when labourShare is not given
}

export interface InsertionHoursResult {
  hours: number; // whole hours
  computed: boolean; // false when the given hours were used
  labourShare: number;
  insertionRate: number;
  hourlyCostEur: number;
}

function requireFraction(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new RangeError(`${name} must be between 0 and 1, got ${value}`);
  return value;
}

/**
 * V17: insertion hours of a lot, rounded to the nearest hour. Given hours win; otherwise
 * 1 M€ × 50 % × 5 % ÷ 30 €/h = 833 h (MEF Sud 77) and 1.5 M€ × 70 % × 10 % ÷ 30 €/h = 3 500 h (MDE Alès).
 * Inputs are validated upstream (API DTOs); out-of-range values throw a RangeError.
 */
export function insertionHours(input: InsertionHoursInput): InsertionHoursResult {
  const labourShare = requireFraction('labourShare', input.labourShare ?? labourShareForGroup(input.sectorGroup));
  const insertionRate = requireFraction('insertionRate', input.insertionRate ?? DEFAULT_INSERTION_RATE);
  const hourlyCostEur = input.hourlyCostEur ?? DEFAULT_HOURLY_COST_EUR;
  if (!Number.isFinite(hourlyCostEur) || hourlyCostEur <= 0) throw new RangeError(`hourlyCostEur must be > 0, got ${hourlyCostEur}`);
  const parameters = { labourShare, insertionRate, hourlyCostEur };

  if (input.givenHours !== undefined) {
    if (!Number.isFinite(input.givenHours) || input.givenHours < 0) throw new RangeError(`givenHours must be ≥ 0, got ${input.givenHours}`);
    return { hours: Math.round(input.givenHours), computed: false, ...parameters };
  }
  if (!Number.isFinite(input.amountEur) || input.amountEur < 0) throw new RangeError(`amountEur must be ≥ 0, got ${input.amountEur}`);
  const hours = (input.amountEur * labourShare * insertionRate) / hourlyCostEur;
  return { hours: Math.round(hours), computed: true, ...parameters };
}
