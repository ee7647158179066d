import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PrestationType, Reservation, SocialClauseType } from '@app/domain';

export interface TenderSocialClause {
  type: SocialClauseType;
  insertionHours?: number;
  labourShare?: number;
  insertionRate?: number;
  hourlyCostEur?: number;
}

export interface TenderWorkPackage {
  code: string;
  title: string;
  sectors?: string[];
  cpvCodes?: string[];
  share: number;
}

/** A lot is its own contract ("un lot = un marché"); candidates and bids name it by (tenderId, number). */
@Entity('tender_lots')
export class TenderLotEntity {
  @PrimaryColumn({ name: 'tender_id', type: 'uuid' }) tenderId: string;
  @PrimaryColumn({ type: 'integer' }) number: number;
  @Column({ type: 'text' }) title: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ name: 'cpv_codes', type: 'text', array: true, default: () => "'{}'" }) cpvCodes: string[];
  /** Sectors given by the buyer. */
  @Column({ type: 'text', array: true, default: () => "'{}'" }) sectors: string[];
  /** Given sectors, else those of the lot's (or tender's) CPV codes: what matching and evidence use. */
  @Column({ name: 'effective_sectors', type: 'text', array: true, default: () => "'{}'" }) effectiveSectors: string[];
  @Column({ name: 'estimated_amount_eur', type: 'double precision', nullable: true }) estimatedAmountEur: number | null;
  @Column({ name: 'prestation_type', type: 'text' }) prestationType: PrestationType;
  @Column({ type: 'text', default: 'NONE' }) reservation: Reservation;
  @Column({ name: 'social_clause', type: 'jsonb', nullable: true }) socialClause: TenderSocialClause | null;
  @Column({ name: 'work_packages', type: 'jsonb', default: () => "'[]'" }) workPackages: TenderWorkPackage[];
}
