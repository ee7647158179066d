// Shapes of the tender endpoints (contract "Tenders"). Semantic rules (reference lookups, share sums,
// dates, V13/V16) live in libs/tenders/tender-rules so that the service applies them to PATCH merges too.
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PRESTATION_TYPES, RESERVATIONS, SOCIAL_CLAUSE_TYPES, TENDER_STATUSES, normaliseSiret } from '@app/domain';
import type { PrestationType, Reservation, SocialClauseType, TenderStatus } from '@app/domain';
import { DURATION_MAX_MONTHS, DURATION_MIN_MONTHS } from '@app/tenders';
import { PageQueryDto } from '../http/page-query.dto';
import { HasVisibleText } from '../http/visible-text.validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const bool = ({ value }: { value: unknown }) => (value === 'true' || value === true ? true : value === 'false' || value === false ? false : value);
const number = { message: 'doit être un nombre' };
const finite = { allowNaN: false, allowInfinity: false };
const integer = { message: 'doit être un nombre entier' };
const text = { message: 'doit être un texte' };
const texts = { each: true, message: 'chaque élément doit être un texte' };
const list = { message: 'doit être une liste' };
const boolean = { message: 'doit valoir true ou false' };
const tooLong = (max: number) => ({ message: `${max} caractères au plus` });
const tooMany = (max: number) => ({ message: `${max} éléments au plus` });

export class BuyerDto {
  @ApiProperty() @Transform(trim) @IsString(text) @MinLength(1, { message: 'le nom de l’acheteur est obligatoire' }) @MaxLength(300, tooLong(300)) name: string;
  @ApiProperty({ enum: ['public', 'private'] }) @IsIn(['public', 'private'], { message: 'kind doit valoir public ou private' }) kind: 'public' | 'private';
  @ApiPropertyOptional({ description: 'SIRET de l’acheteur (14 chiffres)' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? normaliseSiret(value) : value))
  @IsString(text)
  siret?: string;
}

export class SocialClauseDto {
  @ApiProperty({ enum: SOCIAL_CLAUSE_TYPES })
  @IsIn(SOCIAL_CLAUSE_TYPES, { message: `type doit valoir ${SOCIAL_CLAUSE_TYPES.join(', ')}` })
  type: SocialClauseType;

  @ApiPropertyOptional({ description: 'heures d’insertion écrites au CCAP : elles priment sur le calcul (V17)' })
  @IsOptional() @IsNumber(finite, number) @Min(0, { message: 'doit être positif ou nul' }) @Max(10_000_000, { message: 'trop grand' })
  insertionHours?: number;

  @ApiPropertyOptional({ description: 'part de main-d’œuvre r (0–1)' })
  @IsOptional() @IsNumber(finite, number) @Min(0, { message: 'labourShare : entre 0 et 1' }) @Max(1, { message: 'labourShare : entre 0 et 1' })
  labourShare?: number;

  @ApiPropertyOptional({ description: 'taux d’insertion t (0–1), 5 % par défaut' })
  @IsOptional() @IsNumber(finite, number) @Min(0, { message: 'insertionRate : entre 0 et 1' }) @Max(1, { message: 'insertionRate : entre 0 et 1' })
  insertionRate?: number;

  @ApiPropertyOptional({ description: 'coût horaire chargé c, 30 €/h par défaut' })
  @IsOptional() @IsNumber(finite, number) @Min(1, { message: 'au moins 1 €/h' }) @Max(1000, { message: 'au plus 1 000 €/h' })
  hourlyCostEur?: number;
}

export class WorkPackageDto {
  @ApiProperty() @Transform(trim) @IsString(text) @Matches(/^[A-Za-z0-9_.-]{1,40}$/, { message: 'code : 1 à 40 lettres, chiffres, « . », « _ » ou « - »' }) code: string;
  @ApiProperty() @Transform(trim) @IsString(text) @HasVisibleText() @MinLength(1, { message: 'le titre est obligatoire' }) @MaxLength(300, tooLong(300)) title: string;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray(list) @ArrayMaxSize(20, tooMany(20)) @IsString(texts) sectors?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray(list) @ArrayMaxSize(20, tooMany(20)) @IsString(texts) cpvCodes?: string[];
  @ApiProperty({ description: 'part du lot (0–1) ; les parts d’un lot totalisent 1' }) @IsNumber(finite, number) share: number;
}

export class LotDto {
  @ApiProperty() @IsInt(integer) @Min(1, { message: 'les lots sont numérotés à partir de 1' }) @Max(999, { message: 'au plus 999' }) number: number;
  @ApiProperty() @Transform(trim) @IsString(text) @HasVisibleText() @MinLength(1, { message: 'le titre est obligatoire' }) @MaxLength(300, tooLong(300)) title: string;
  @ApiPropertyOptional() @IsOptional() @IsString(text) @MaxLength(10_000, tooLong(10_000)) description?: string;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray(list) @ArrayMaxSize(20, tooMany(20)) @IsString(texts) cpvCodes?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray(list) @ArrayMaxSize(20, tooMany(20)) @IsString(texts) sectors?: string[];

  @ApiProperty({ description: 'montant estimé HT, > 0' })
  @IsNumber(finite, number)
  @Min(0.01, { message: 'le montant estimé doit être strictement positif' })
  @Max(100_000_000_000, { message: 'montant trop grand' })
  estimatedAmountEur: number;

  @ApiProperty({ enum: PRESTATION_TYPES }) @IsIn(PRESTATION_TYPES, { message: `prestationType doit valoir ${PRESTATION_TYPES.join(', ')}` }) prestationType: PrestationType;
  @ApiProperty({ enum: RESERVATIONS }) @IsIn(RESERVATIONS, { message: `reservation doit valoir ${RESERVATIONS.join(', ')}` }) reservation: Reservation;
  @ApiPropertyOptional({ type: SocialClauseDto }) @IsOptional() @ValidateNested() @Type(() => SocialClauseDto) socialClause?: SocialClauseDto;

  @ApiPropertyOptional({ type: [WorkPackageDto] })
  @IsOptional() @IsArray(list) @ArrayMaxSize(50, tooMany(50)) @ValidateNested({ each: true }) @Type(() => WorkPackageDto)
  workPackages?: WorkPackageDto[];
}

export class CreateTenderDto {
  @ApiProperty() @Transform(trim) @IsString(text) @HasVisibleText() @MinLength(1, { message: 'le titre est obligatoire' }) @MaxLength(300, tooLong(300)) title: string;
  @ApiPropertyOptional() @IsOptional() @IsString(text) @MaxLength(20_000, tooLong(20_000)) description?: string;
  @ApiProperty({ type: BuyerDto }) @ValidateNested() @Type(() => BuyerDto) buyer: BuyerDto;

  @ApiProperty({ type: [String], description: 'codes CPV (8 chiffres, clé de contrôle facultative)' })
  @IsArray(list) @ArrayMinSize(1, { message: 'au moins un code CPV' }) @ArrayMaxSize(20, tooMany(20)) @IsString(texts)
  cpvCodes: string[];

  @ApiProperty({ description: 'code INSEE de la commune d’exécution' }) @IsString(text) executionCommuneCode: string;
  @ApiProperty({ description: 'date limite de réponse (ISO 8601), dans le futur' })
  @IsDateString({ strict: true }, { message: 'date ISO 8601 attendue' })
  responseDeadline: string;
  @ApiPropertyOptional({ description: 'début d’exécution (AAAA-MM-JJ)' })
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date AAAA-MM-JJ attendue' }) @IsDateString({ strict: true }, { message: 'date invalide' })
  startDate?: string;

  @ApiProperty({ minimum: DURATION_MIN_MONTHS, maximum: DURATION_MAX_MONTHS })
  @IsInt(integer)
  @Min(DURATION_MIN_MONTHS, { message: `au moins ${DURATION_MIN_MONTHS} mois` })
  @Max(DURATION_MAX_MONTHS, { message: `au plus ${DURATION_MAX_MONTHS} mois` })
  durationMonths: number;

  @ApiPropertyOptional() @IsOptional() @IsBoolean(boolean) multipleBidsForbidden?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean(boolean) mandataireSolidaireRequired?: boolean;

  @ApiProperty({ type: [LotDto] })
  @IsArray(list) @ArrayMinSize(1, { message: 'au moins un lot est obligatoire' }) @ArrayMaxSize(200, tooMany(200))
  @ValidateNested({ each: true }) @Type(() => LotDto)
  lots: LotDto[];
}

/** PATCH: any subset; `lots`, when given, replaces every lot. */
export class UpdateTenderDto extends PartialType(CreateTenderDto) {}

export class ListTendersQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: TENDER_STATUSES }) @IsOptional() @IsIn(TENDER_STATUSES, { message: `status doit valoir ${TENDER_STATUSES.join(', ')}` }) status?: TenderStatus;
  @ApiPropertyOptional({ description: 'sources (liste) : manual (défaut), decp-2019, decp-2022' }) @IsOptional() @IsString(text) @MaxLength(100, tooLong(100)) source?: string;
  @ApiPropertyOptional({ description: 'texte cherché dans le titre et la description' }) @IsOptional() @IsString(text) @MaxLength(200, tooLong(200)) q?: string;
  @ApiPropertyOptional({ description: 'true : mes appels d’offres (authentification requise)' }) @IsOptional() @Transform(bool) @IsBoolean(boolean) mine?: boolean;
}

export class CandidatesQuery extends PageQueryDto {
  @ApiPropertyOptional({ description: 'true : inclure les entreprises ordinaires (COMPANY)' }) @IsOptional() @Transform(bool) @IsBoolean(boolean) includeCompanies?: boolean;
  @ApiPropertyOptional({ description: 'true : inclure les structures de démonstration (générées, badgées « démo ») ; exclues par défaut' }) @IsOptional() @Transform(bool) @IsBoolean(boolean) includeDemo?: boolean;
}

export class StructureContractsQuery extends PageQueryDto {
  @ApiPropertyOptional({ description: 'code INSEE : seulement les marchés exécutés près de cette commune' }) @IsOptional() @IsString(text) near?: string;
  @ApiPropertyOptional({ description: 'rayon autour de `near` (km), 30 par défaut' })
  @IsOptional() @Type(() => Number) @IsNumber(finite, number) @Min(1, { message: 'entre 1 et 1000' }) @Max(1000, { message: 'entre 1 et 1000' })
  radiusKm?: number;
  @ApiPropertyOptional({ description: 'code CPV : seulement les marchés similaires (même secteur ou même groupe CPV)' }) @IsOptional() @IsString(text) cpv?: string;
}
