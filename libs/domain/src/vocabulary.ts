// The shared vocabulary of the product. Every layer (API, worker, pages) speaks these values;
// they are the enum values of the public contract (docs/api-contract.md).

export const STRUCTURE_KINDS = ['EI', 'ACI', 'AI', 'ETTI', 'EITI', 'GEIQ', 'EA', 'EATT', 'ESAT', 'COMPANY'] as const;
export type StructureKind = (typeof STRUCTURE_KINDS)[number];

/** Kinds listed as inclusive suppliers (COMPANY can join groupings but is never listed as inclusive). */
export const INCLUSIVE_KINDS: readonly StructureKind[] = STRUCTURE_KINDS.filter((k) => k !== 'COMPANY');

export const SIAE_KINDS: readonly StructureKind[] = ['EI', 'ACI', 'AI', 'ETTI', 'EITI'];
export const DISABILITY_KINDS: readonly StructureKind[] = ['EA', 'EATT', 'ESAT'];

/** PREST = service, DISP = staff provision, BUILD = manufacturing / goods. */
export const PRESTATION_TYPES = ['PREST', 'DISP', 'BUILD'] as const;
export type PrestationType = (typeof PRESTATION_TYPES)[number];

export const RESERVATIONS = ['NONE', 'L2113-12', 'L2113-13', 'L2113-14', 'L2113-15'] as const;
export type Reservation = (typeof RESERVATIONS)[number];

export const SOCIAL_CLAUSE_TYPES = ['EXECUTION_CONDITION', 'AWARD_CRITERION', 'INSERTION_OBJECT'] as const;
export type SocialClauseType = (typeof SOCIAL_CLAUSE_TYPES)[number];

export const GROUP_FORMS = ['CONJOINT', 'SOLIDAIRE'] as const;
export type GroupForm = (typeof GROUP_FORMS)[number];

export const MEMBER_ROLES = ['MANDATAIRE', 'COTRAITANT'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export const ACCOUNT_ROLES = ['buyer', 'supplier', 'company', 'admin', 'facilitator'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

export const STRUCTURE_SOURCES = ['register', 'self', 'demo'] as const;
export type StructureSource = (typeof STRUCTURE_SOURCES)[number];

export const TENDER_STATUSES = ['draft', 'published', 'closed'] as const;
export type TenderStatus = (typeof TENDER_STATUSES)[number];

export type InterventionArea =
  | { type: 'radius'; radiusKm: number }
  | { type: 'departments'; codes: string[] }
  | { type: 'regions'; codes: string[] }
  | { type: 'national' };

export interface GeoPoint {
  lat: number;
  lon: number;
}

export interface Capacity {
  annualRevenueEur?: number;
  employees?: number;
  insertionEmployees?: number;
  annualInsertionHours?: number;
}
