import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A holder (titulaire) of an awarded contract imported from DECP; several holders = a grouping. */
@Entity('contract_holders')
export class ContractHolderEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tender_id', type: 'uuid' }) tenderId: string;
  @Column({ name: 'lot_number', type: 'integer', default: 1 }) lotNumber: number;
  @Column({ type: 'integer' }) position: number;
  /** The identifier as published (SIRET, TVA number, TAHITI…), and its type. */
  @Column({ type: 'text', nullable: true }) identifier: string | null;
  @Column({ name: 'identifier_type', type: 'text', nullable: true }) identifierType: string | null;
  /** Set when the identifier is a 14-digit SIRET. */
  @Column({ type: 'varchar', length: 14, nullable: true }) siret: string | null;
  @Column({ type: 'text', nullable: true }) name: string | null;
  /** The catalogue structure with that SIRET, when there is one (relinked after each import). */
  @Column({ name: 'structure_id', type: 'uuid', nullable: true }) structureId: string | null;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) flags: string[];
}
