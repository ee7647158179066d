import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { Capacity, InterventionArea, PrestationType, StructureKind, StructureSource } from '@app/domain';

export interface StructureSector {
  code: string;
  /** true when guessed from NAF or name (register import), false when declared by the owner. */
  inferred: boolean;
}

/** Data-quality flags set by importers; shown to users, never a reason to drop a row. */
export type StructureFlag = 'INVALID_SIRET' | 'MISSING_LOCATION' | 'UNKNOWN_COMMUNE';

/** One conventioned structure per (siret, kind): the register lists e.g. an ACI and an EI under one SIRET. */
@Entity('structures')
@Index('structures_siret_kind', ['siret', 'kind'], { unique: true })
export class StructureEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index('structures_siret') @Column({ type: 'varchar', length: 14 }) siret: string;
  @Column({ type: 'varchar', length: 9 }) siren: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', nullable: true }) brand: string | null;
  @Column({ type: 'text' }) kind: StructureKind;
  @Column({ type: 'text', nullable: true }) naf: string | null;
  @Column({ type: 'text', nullable: true }) address: string | null;
  @Column({ name: 'post_code', type: 'text', nullable: true }) postCode: string | null;
  @Column({ type: 'text', nullable: true }) city: string | null;
  @Column({ name: 'commune_code', type: 'varchar', length: 5, nullable: true }) communeCode: string | null;
  @Column({ type: 'varchar', length: 3, nullable: true }) department: string | null;
  @Column({ type: 'varchar', length: 3, nullable: true }) region: string | null;
  @Column({ type: 'double precision', nullable: true }) lat: number | null;
  @Column({ type: 'double precision', nullable: true }) lon: number | null;
  @Column({ name: 'intervention_area', type: 'jsonb' }) interventionArea: InterventionArea;
  /** true until the owner sets an area: the importer's 50 km radius is only a default. */
  @Column({ name: 'intervention_area_is_default', type: 'boolean', default: false }) interventionAreaIsDefault: boolean;
  @Column({ type: 'jsonb', default: () => "'[]'" }) sectors: StructureSector[];
  @Column({ name: 'prestation_types', type: 'text', array: true, default: () => "'{}'" }) prestationTypes: PrestationType[];
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ type: 'jsonb', default: () => "'[]'" }) offers: { title: string; description?: string }[];
  @Column({ name: 'client_references', type: 'jsonb', default: () => "'[]'" }) clientReferences: { name: string; year?: number }[];
  @Column({ type: 'jsonb', default: () => "'{}'" }) capacity: Capacity;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) labels: string[];
  @Column({ type: 'text', array: true, default: () => "'{}'" }) networks: string[];
  @Column({ type: 'jsonb', default: () => "'{}'" }) contact: { email?: string; phone?: string; website?: string };
  @Column({ name: 'open_to_co_contracting', type: 'boolean', default: false }) openToCoContracting: boolean;
  @Column({ type: 'text' }) source: StructureSource;
  /** Last edit by the owner or an admin (never by an import): a register re-import then leaves the row alone. */
  @Column({ type: 'timestamptz', name: 'edited_at', nullable: true }) editedAt: Date | null;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) flags: StructureFlag[];
  /** false for a structure someone declared (source "self") until an admin confirms it: its kind does not count for reserved lots meanwhile. */
  @Column({ type: 'boolean', default: true }) verified: boolean;
  @Column({ name: 'verified_at', type: 'timestamptz', nullable: true }) verifiedAt: Date | null;
  @Column({ name: 'verified_by', type: 'uuid', nullable: true }) verifiedBy: string | null;
  @Column({ name: 'owner_id', type: 'uuid', nullable: true }) ownerId: string | null;
  @Column({ name: 'delisted_at', type: 'timestamptz', nullable: true }) delistedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @VersionColumn() version: number;
}
