import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { TenderStatus } from '@app/domain';

export const TENDER_SOURCES = ['manual', 'decp-2019', 'decp-2022'] as const;
export type TenderSource = (typeof TENDER_SOURCES)[number];

/** How precisely the execution place is known: manual tenders name a commune; DECP records may give less. */
export type ExecutionPrecision = 'commune' | 'department' | 'region' | 'country' | 'unknown';

export interface TenderBuyer {
  name: string;
  kind: 'public' | 'private';
  siret?: string;
}

/** A tender (consultation) with its lots; imported DECP contracts are closed tenders with holders. */
@Entity('tenders')
export class TenderEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'owner_id', type: 'uuid', nullable: true }) ownerId: string | null;
  @Column({ type: 'text', default: 'draft' }) status: TenderStatus;
  @Column({ type: 'text', default: 'manual' }) source: TenderSource;
  @Column({ name: 'external_id', type: 'text', nullable: true }) externalId: string | null;
  @Column({ type: 'text' }) title: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ type: 'jsonb' }) buyer: TenderBuyer;
  @Column({ name: 'cpv_codes', type: 'text', array: true, default: () => "'{}'" }) cpvCodes: string[];
  @Column({ name: 'execution_commune_code', type: 'varchar', length: 5, nullable: true }) executionCommuneCode: string | null;
  @Column({ name: 'execution_department', type: 'varchar', length: 3, nullable: true }) executionDepartment: string | null;
  @Column({ name: 'execution_region', type: 'varchar', length: 3, nullable: true }) executionRegion: string | null;
  @Column({ name: 'execution_lat', type: 'double precision', nullable: true }) executionLat: number | null;
  @Column({ name: 'execution_lon', type: 'double precision', nullable: true }) executionLon: number | null;
  @Column({ name: 'execution_precision', type: 'text', default: 'commune' }) executionPrecision: ExecutionPrecision;
  @Column({ name: 'response_deadline', type: 'timestamptz', nullable: true }) responseDeadline: Date | null;
  /** YYYY-MM-DD (a calendar day, no time zone). */
  @Column({ name: 'start_date', type: 'date', nullable: true }) startDate: string | null;
  @Column({ name: 'duration_months', type: 'integer', nullable: true }) durationMonths: number | null;
  @Column({ name: 'multiple_bids_forbidden', type: 'boolean', default: false }) multipleBidsForbidden: boolean;
  @Column({ name: 'mandataire_solidaire_required', type: 'boolean', default: false }) mandataireSolidaireRequired: boolean;
  /** DECP dateNotification, YYYY-MM-DD. */
  @Column({ name: 'notified_on', type: 'date', nullable: true }) notifiedOn: string | null;
  /** DECP 2022 typeGroupementOperateurs: 'Conjoint' | 'Solidaire' | 'Pas de groupement'. */
  @Column({ name: 'grouping_type', type: 'text', nullable: true }) groupingType: string | null;
  /** Data-quality flags of imported records (shown, never a reason to drop a record). */
  @Column({ name: 'import_flags', type: 'text', array: true, default: () => "'{}'" }) importFlags: string[];
  @Column({ name: 'import_details', type: 'jsonb', default: () => "'{}'" }) importDetails: Record<string, unknown>;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt: Date | null;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt: Date | null;
  /** Publication alerts (issue 15): 'pending' from publication until the worker has sent them. */
  @Column({ name: 'alerts_status', type: 'text', default: 'none' }) alertsStatus: 'none' | 'pending' | 'done';
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @VersionColumn() version: number;
}
