import type { GeoPoint, PrestationType, Reservation, SocialClauseType, TenderStatus } from '@app/domain';
import type { ExecutionPrecision, TenderBuyer, TenderSource } from '@app/persistence';

/** Who asks: ownership (id) and role (admin may do everything). */
export interface TenderActor {
  id: string;
  role: string;
}

export interface SocialClauseInput {
  type: SocialClauseType;
  insertionHours?: number;
  labourShare?: number;
  insertionRate?: number;
  hourlyCostEur?: number;
}

export interface WorkPackageInput {
  code: string;
  title: string;
  sectors?: string[];
  cpvCodes?: string[];
  share: number;
}

export interface LotInput {
  number: number;
  title: string;
  description?: string;
  cpvCodes?: string[];
  sectors?: string[];
  estimatedAmountEur: number;
  prestationType: PrestationType;
  reservation: Reservation;
  socialClause?: SocialClauseInput;
  workPackages?: WorkPackageInput[];
}

/** The tender body of the contract, shape already validated (DTO). */
export interface TenderInput {
  title: string;
  description?: string;
  buyer: TenderBuyer;
  cpvCodes: string[];
  executionCommuneCode: string;
  responseDeadline: string;
  startDate?: string;
  durationMonths: number;
  multipleBidsForbidden?: boolean;
  mandataireSolidaireRequired?: boolean;
  lots: LotInput[];
}

export type TenderPatch = Partial<TenderInput>;

export interface ProcedureView {
  code: string;
  label: string;
  euThresholdEur: number;
  /** The amount compared with the thresholds: the value of all the tender's lots (R2121-1). */
  basisEur: number;
}

export interface TenderFlag {
  rule: string;
  code: string;
  message: string;
  lots?: number[];
}

export interface WorkPackageView {
  code: string;
  title: string;
  sectors: string[];
  cpvCodes: string[];
  share: number;
}

export interface LotView {
  number: number;
  title: string;
  description: string | null;
  cpvCodes: string[];
  sectors: string[];
  /** Given sectors, else those of the CPV codes (what candidates are matched on). */
  effectiveSectors: string[];
  estimatedAmountEur: number | null;
  prestationType: PrestationType;
  reservation: Reservation;
  socialClause: SocialClauseInput | null;
  workPackages: WorkPackageView[];
  insertionHoursRequired: number;
  /** How the hours were obtained (V17); null without a social clause. */
  insertionHoursBasis: { computed: boolean; labourShare: number; insertionRate: number; hourlyCostEur: number } | null;
  procedure: ProcedureView | null;
}

export interface ExecutionPlaceView {
  communeCode: string | null;
  communeName: string | null;
  department: string | null;
  region: string | null;
  location: GeoPoint | null;
  precision: ExecutionPrecision;
}

export interface ContractHolderView {
  identifier: string | null;
  identifierType: string | null;
  siret: string | null;
  name: string | null;
  structureId: string | null;
}

export interface TenderView {
  id: string;
  status: TenderStatus;
  source: TenderSource;
  externalId: string | null;
  title: string;
  description: string | null;
  buyer: TenderBuyer;
  cpvCodes: string[];
  executionCommuneCode: string | null;
  executionPlace: ExecutionPlaceView;
  responseDeadline: string | null;
  startDate: string | null;
  durationMonths: number | null;
  multipleBidsForbidden: boolean;
  mandataireSolidaireRequired: boolean;
  lots: LotView[];
  flags: TenderFlag[];
  /** Imported records: data-quality flags and what the DECP record said beyond the tender fields. */
  importFlags?: string[];
  notifiedOn?: string | null;
  groupingType?: string | null;
  holders?: ContractHolderView[];
  publishedAt: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Shown to the owner and admins only. */
  ownerId?: string | null;
}

export interface Page<T> {
  total: number;
  page: number;
  perPage: number;
  items: T[];
}
