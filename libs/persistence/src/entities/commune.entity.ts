import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('communes')
export class CommuneEntity {
  @PrimaryColumn({ type: 'varchar', length: 5 }) code: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) type: string;
  @Column({ type: 'varchar', length: 3 }) department: string;
  @Column({ type: 'varchar', length: 3 }) region: string;
  @Column({ name: 'post_codes', type: 'text', array: true }) postCodes: string[];
  @Column({ type: 'integer', nullable: true }) population: number | null;
  @Column({ type: 'double precision' }) lat: number;
  @Column({ type: 'double precision' }) lon: number;
}
