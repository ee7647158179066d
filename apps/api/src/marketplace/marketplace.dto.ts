// Shapes of the marketplace endpoints (issue 15). Rules needing stored data (lots of the tender, owner of
// the structure, sector codes) are checked by the services with the same field paths.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { LotNumbers } from '../http/lot-numbers.decorator';
import { ALERT_FREQUENCIES, RESERVATIONS, STRUCTURE_KINDS, type AlertFrequency, type Reservation, type StructureKind } from '@app/domain';

const uuid = (field: string) => ({ message: `${field} doit être un identifiant (UUID)` });

class LotsField {
  @LotNumbers('Lots concernés')
  lots: number[];
}

export class InterestDto extends LotsField {
  @ApiProperty({ format: 'uuid', description: 'Structure dont l’appelant est propriétaire' }) @IsUUID('all', uuid('structureId')) structureId: string;
  @ApiProperty({ enum: ['interested', 'not_interested'] })
  @IsIn(['interested', 'not_interested'], { message: 'status vaut interested ou not_interested' })
  status: 'interested' | 'not_interested';
  @ApiPropertyOptional({ description: 'Raison (surtout pour « pas intéressé »)' })
  @IsOptional()
  @IsString({ message: 'doit être un texte' })
  @MaxLength(1000, { message: '1000 caractères au plus' })
  reason?: string;
}

export class InterestsQueryDto {
  @ApiPropertyOptional({ enum: ['interested', 'not_interested'] })
  @IsOptional()
  @IsIn(['interested', 'not_interested'], { message: 'status vaut interested ou not_interested' })
  status?: 'interested' | 'not_interested';
}

export class SeekingDto {
  @ApiPropertyOptional({ enum: STRUCTURE_KINDS, isArray: true, description: 'Types de structures recherchés' })
  @IsOptional()
  @IsArray({ message: 'doit être une liste' })
  @ArrayMaxSize(10, { message: 'au plus 10 types' })
  @IsIn(STRUCTURE_KINDS, { each: true, message: `type inconnu (${STRUCTURE_KINDS.join(', ')})` })
  kinds?: StructureKind[];
  @ApiPropertyOptional({ type: [String], description: 'Secteurs recherchés (codes du référentiel)' })
  @IsOptional()
  @IsArray({ message: 'doit être une liste' })
  @ArrayMaxSize(20, { message: 'au plus 20 secteurs' })
  @IsString({ each: true, message: 'chaque secteur est un code' })
  sectors?: string[];
  @ApiPropertyOptional({ description: 'Part du travail proposée au partenaire (0–1)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'doit être un nombre' })
  @IsPositive({ message: 'part du travail proposée : entre 0 exclu et 1' })
  @Max(1, { message: 'part du travail proposée : entre 0 exclu et 1' })
  share?: number;
}

export class PartnerRequestDto extends LotsField {
  @ApiProperty({ format: 'uuid', description: 'Structure (dont l’appelant est propriétaire) qui cherche un partenaire' }) @IsUUID('all', uuid('structureId')) structureId: string;
  @ApiProperty({ type: SeekingDto }) @ValidateNested() @Type(() => SeekingDto) seeking: SeekingDto;
  @ApiProperty({ description: 'Ce que vous cherchez, en quelques mots' })
  @IsString({ message: 'doit être un texte' })
  @MaxLength(2000, { message: '2000 caractères au plus' })
  message: string;
}

export class PartnerContactDto {
  @ApiProperty({ format: 'uuid', description: 'Structure (dont l’appelant est propriétaire) qui propose de s’associer' }) @IsUUID('all', uuid('structureId')) structureId: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ message: 'doit être un texte' })
  @MaxLength(2000, { message: '2000 caractères au plus' })
  message?: string;
}

export class AlertProfileDto {
  @ApiProperty({ description: 'Nom de l’alerte' }) @IsString({ message: 'doit être un texte' }) @MaxLength(120, { message: '120 caractères au plus' }) name: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray({ message: 'doit être une liste' })
  @ArrayMaxSize(50, { message: 'au plus 50 secteurs' })
  @IsString({ each: true, message: 'chaque secteur est un code' })
  sectors?: string[];
  @ApiPropertyOptional({ type: [String], description: 'Codes de départements (la zone : département ou région, l’un suffit)' })
  @IsOptional()
  @IsArray({ message: 'doit être une liste' })
  @ArrayMaxSize(120, { message: 'au plus 120 départements' })
  @IsString({ each: true, message: 'chaque département est un code' })
  departments?: string[];
  @ApiPropertyOptional({ type: [String], description: 'Codes de régions' })
  @IsOptional()
  @IsArray({ message: 'doit être une liste' })
  @ArrayMaxSize(30, { message: 'au plus 30 régions' })
  @IsString({ each: true, message: 'chaque région est un code' })
  regions?: string[];
  @ApiPropertyOptional({ enum: STRUCTURE_KINDS, isArray: true })
  @IsOptional()
  @IsArray({ message: 'doit être une liste' })
  @IsIn(STRUCTURE_KINDS, { each: true, message: `type inconnu (${STRUCTURE_KINDS.join(', ')})` })
  kinds?: StructureKind[];
  @ApiPropertyOptional({ enum: RESERVATIONS, isArray: true })
  @IsOptional()
  @IsArray({ message: 'doit être une liste' })
  @IsIn(RESERVATIONS, { each: true, message: `réservation inconnue (${RESERVATIONS.join(', ')})` })
  reservations?: Reservation[];
  @ApiProperty({ enum: ALERT_FREQUENCIES }) @IsIn(ALERT_FREQUENCIES, { message: 'frequency vaut immediate ou daily' }) frequency: AlertFrequency;
}

export class CandidateAlertsDto {
  @ApiProperty({ description: 'Recevoir les alertes de publication pour vos structures' }) @IsBoolean({ message: 'vaut true ou false' }) enabled: boolean;
}

export class FavouriteListDto {
  @ApiProperty() @IsString({ message: 'doit être un texte' }) @MaxLength(120, { message: '120 caractères au plus' }) name: string;
}

export class FavouriteItemDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', uuid('structureId')) structureId: string;
  @ApiPropertyOptional() @IsOptional() @IsString({ message: 'doit être un texte' }) @MaxLength(500, { message: '500 caractères au plus' }) note?: string;
}

export class ShareListDto {
  @ApiProperty() @IsEmail({}, { message: 'doit être une adresse e-mail valide' }) @MaxLength(254, { message: '254 caractères au plus' }) email: string;
  @ApiPropertyOptional() @IsOptional() @IsString({ message: 'doit être un texte' }) @MaxLength(500, { message: '500 caractères au plus' }) message?: string;
}

