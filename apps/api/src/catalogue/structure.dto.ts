import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PRESTATION_TYPES, PrestationType, STRUCTURE_KINDS, StructureKind, normaliseSiret } from '@app/domain';
import { AREA_TYPES, RADIUS_MAX_KM, RADIUS_MIN_KM } from '@app/catalogue';
import { AreKnownAreaCodes, AreKnownSectors, IsKnownCommune, IsSiret } from './validators';
import { PageQueryDto } from '../http/page-query.dto';
import { HasVisibleText } from '../http/visible-text.validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const positive = { message: 'doit être un nombre positif ou nul' };
const number = { message: 'doit être un nombre' };
const integer = { message: 'doit être un nombre entier' };
const text = { message: 'doit être un texte' };
const texts = { each: true, message: 'chaque élément doit être un texte' };
const list = { message: 'doit être une liste' };
const object = { message: 'doit être un objet' };
const tooLong = (max: number) => ({ message: `${max} caractères au plus` });
const tooMany = (max: number) => ({ message: `${max} éléments au plus` });

export class InterventionAreaDto {
  @ApiProperty({ enum: AREA_TYPES })
  @IsIn(AREA_TYPES, { message: `type doit valoir ${AREA_TYPES.join(', ')}` })
  type: (typeof AREA_TYPES)[number];

  @ApiPropertyOptional({ minimum: RADIUS_MIN_KM, maximum: RADIUS_MAX_KM, description: 'type "radius" : rayon autour de la structure' })
  @ValidateIf((area: InterventionAreaDto) => area.type === 'radius')
  @IsNumber({ allowNaN: false, allowInfinity: false }, number)
  @Min(RADIUS_MIN_KM, { message: `le rayon doit être entre ${RADIUS_MIN_KM} et ${RADIUS_MAX_KM} km` })
  @Max(RADIUS_MAX_KM, { message: `le rayon doit être entre ${RADIUS_MIN_KM} et ${RADIUS_MAX_KM} km` })
  radiusKm?: number;

  @ApiPropertyOptional({ type: [String], description: 'types "departments" / "regions" : codes INSEE' })
  @ValidateIf((area: InterventionAreaDto) => area.type === 'departments' || area.type === 'regions')
  @IsArray(list)
  @ArrayMinSize(1, { message: 'donnez au moins un code' })
  @ArrayMaxSize(150, tooMany(150))
  @IsString(texts)
  @AreKnownAreaCodes()
  codes?: string[];
}

export class OfferDto {
  @ApiProperty() @Transform(trim) @IsString(text) @MinLength(1, { message: 'le titre est obligatoire' }) @MaxLength(200, tooLong(200)) title: string;
  @ApiPropertyOptional() @IsOptional() @IsString(text) @MaxLength(2000, tooLong(2000)) description?: string;
}

export class ClientReferenceDto {
  @ApiProperty() @Transform(trim) @IsString(text) @HasVisibleText() @MinLength(1, { message: 'le nom est obligatoire' }) @MaxLength(200, tooLong(200)) name: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsInt(integer)
  @Min(1900, { message: 'année invalide' })
  @Max(2100, { message: 'année invalide' })
  year?: number;
}

export class CapacityDto {
  @ApiPropertyOptional() @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }, number) @Min(0, positive) annualRevenueEur?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt(integer) @Min(0, positive) employees?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt(integer) @Min(0, positive) insertionEmployees?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }, number) @Min(0, positive) annualInsertionHours?: number;
}

export class ContactDto {
  @ApiPropertyOptional() @IsOptional() @IsEmail({}, { message: 'adresse e-mail invalide' }) @MaxLength(254, tooLong(254)) email?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\+?[0-9][0-9 .()-]{5,24}$/, { message: 'numéro de téléphone invalide' })
  phone?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsUrl({ require_protocol: false, protocols: ['http', 'https'] }, { message: 'adresse de site web invalide' })
  @MaxLength(500, tooLong(500))
  website?: string;
}

/** Contract "Structure body". Every faulty field is reported at once (contract: 400 naming each field). */
export class CreateStructureDto {
  @ApiProperty({ example: '80746931700018', description: '14 chiffres, clé de Luhn (exception La Poste incluse)' })
  @Transform(({ value }) => (typeof value === 'string' ? normaliseSiret(value) : value))
  @IsSiret()
  siret: string;

  @ApiProperty() @Transform(trim) @IsString(text) @HasVisibleText() @MinLength(1, { message: 'le nom est obligatoire' }) @MaxLength(300, tooLong(300)) name: string;

  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString(text) @MaxLength(300, tooLong(300)) brand?: string | null;

  @ApiProperty({ enum: STRUCTURE_KINDS })
  @IsIn(STRUCTURE_KINDS, { message: `type de structure inconnu : ${STRUCTURE_KINDS.join(', ')} attendus` })
  kind: StructureKind;

  @ApiPropertyOptional({ example: '5621Z', nullable: true })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.replace(/[.\s]/g, '').toUpperCase() : value))
  @Matches(/^\d{4}[A-Z]$/, { message: 'code NAF invalide (ex. 5621Z)' })
  naf?: string | null;

  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString(text) @MaxLength(500, tooLong(500)) address?: string | null;

  @ApiPropertyOptional({ nullable: true }) @IsOptional() @Matches(/^\d{5}$/, { message: 'code postal invalide (5 chiffres)' }) postCode?: string | null;

  @ApiProperty({ example: '93063', description: 'code INSEE de la commune' })
  @IsString(text)
  @IsKnownCommune()
  communeCode: string;

  @ApiPropertyOptional({ type: InterventionAreaDto, description: 'par défaut : 50 km autour de la commune, marqué comme défaut' })
  @IsOptional()
  @IsObject(object)
  @ValidateNested()
  @Type(() => InterventionAreaDto)
  interventionArea?: InterventionAreaDto;

  @ApiProperty({ type: [String], description: 'codes de /api/v1/reference/sectors' })
  @IsArray(list)
  @ArrayMinSize(1, { message: 'choisissez au moins un secteur' })
  @ArrayMaxSize(50, tooMany(50))
  @IsString(texts)
  @AreKnownSectors()
  sectors: string[];

  @ApiProperty({ enum: PRESTATION_TYPES, isArray: true })
  @IsArray(list)
  @ArrayMinSize(1, { message: 'choisissez au moins un type de prestation' })
  @IsIn(PRESTATION_TYPES, { each: true, message: `valeurs possibles : ${PRESTATION_TYPES.join(', ')}` })
  prestationTypes: PrestationType[];

  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString(text) @MaxLength(5000, tooLong(5000)) description?: string | null;

  @ApiPropertyOptional({ type: [OfferDto] })
  @IsOptional()
  @IsArray(list)
  @ArrayMaxSize(50, tooMany(50))
  @ValidateNested({ each: true })
  @Type(() => OfferDto)
  offers?: OfferDto[];

  @ApiPropertyOptional({ type: [ClientReferenceDto] })
  @IsOptional()
  @IsArray(list)
  @ArrayMaxSize(100, tooMany(100))
  @ValidateNested({ each: true })
  @Type(() => ClientReferenceDto)
  clientReferences?: ClientReferenceDto[];

  @ApiPropertyOptional({ type: CapacityDto })
  @IsOptional()
  @IsObject(object)
  @ValidateNested()
  @Type(() => CapacityDto)
  capacity?: CapacityDto;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray(list)
  @ArrayMaxSize(30, tooMany(30))
  @IsString(texts)
  @MaxLength(100, { each: true, message: '100 caractères au plus par élément' })
  labels?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray(list)
  @ArrayMaxSize(30, tooMany(30))
  @IsString(texts)
  @MaxLength(100, { each: true, message: '100 caractères au plus par élément' })
  networks?: string[];

  @ApiPropertyOptional({ type: ContactDto })
  @IsOptional()
  @IsObject(object)
  @ValidateNested()
  @Type(() => ContactDto)
  contact?: ContactDto;

  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean({ message: 'doit valoir true ou false' }) openToCoContracting?: boolean;
}

/**
 * PATCH: any subset of the body except the SIRET (it identifies the structure). `null` clears optional
 * text fields and is refused for required ones.
 */
export class UpdateStructureDto extends PartialType(OmitType(CreateStructureDto, ['siret'] as const), { skipNullProperties: false }) {}

export class ListStructuresQuery extends PageQueryDto {
  @ApiPropertyOptional({ description: 'SIRET exact (14 chiffres)' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? normaliseSiret(value) : value))
  @Matches(/^\d{14}$/, { message: 'un SIRET fait 14 chiffres' })
  siret?: string;

  @ApiPropertyOptional({ description: 'true : mes structures (authentification requise)' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' || value === true ? true : value === 'false' || value === false ? false : value))
  @IsBoolean({ message: 'doit valoir true ou false' })
  mine?: boolean;


}

export class ClaimDto {
  @ApiPropertyOptional({ description: 'ce qui prouve votre lien avec la structure' })
  @IsOptional()
  @IsString(text)
  @MaxLength(2000, tooLong(2000))
  message?: string;
}

export class ClaimDecisionDto {
  @ApiPropertyOptional({ description: 'motif de la décision (obligatoire pour un rejet), envoyé à l’auteur de la demande' })
  @IsOptional()
  @IsString(text)
  @MaxLength(2000, tooLong(2000))
  reason?: string;
}

export class ClaimsReviewQuery {
  @ApiPropertyOptional({ enum: ['pending', 'approved', 'rejected'], default: 'pending' })
  @IsOptional()
  @IsIn(['pending', 'approved', 'rejected'], { message: 'status vaut pending, approved ou rejected' })
  status?: 'pending' | 'approved' | 'rejected';
}
