// Shapes of the award and insertion-hours follow-up endpoints (issue 16). Rules that need stored data (a closed
// tender, a submitted bid, quarters of the execution period, members of the award) are checked by AwardsService.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEmail, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { MAX_DECLARED_HOURS } from '@app/domain';
import { DURATION_MAX_MONTHS, DURATION_MIN_MONTHS } from '@app/tenders';

const uuid = (field: string) => ({ message: `${field} doit être un identifiant (UUID)` });

export class AwardDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Groupement attributaire (offre déposée) ; sinon structureId' })
  @IsOptional()
  @IsUUID('all', uuid('bidId'))
  bidId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Structure titulaire seule ; sinon bidId' })
  @IsOptional()
  @IsUUID('all', uuid('structureId'))
  structureId?: string;

  @ApiPropertyOptional({ example: '2027-01-01', description: 'Début d’exécution ; par défaut celui de l’appel d’offres' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date invalide : AAAA-MM-JJ attendu' })
  startsOn?: string;

  @ApiPropertyOptional({ minimum: DURATION_MIN_MONTHS, maximum: DURATION_MAX_MONTHS, description: 'Durée d’exécution en mois ; par défaut celle de l’appel d’offres' })
  @IsOptional()
  @IsInt({ message: 'durationMonths doit être un nombre entier de mois' })
  @Min(DURATION_MIN_MONTHS, { message: `durationMonths doit valoir au moins ${DURATION_MIN_MONTHS}` })
  @Max(DURATION_MAX_MONTHS, { message: `durationMonths doit valoir au plus ${DURATION_MAX_MONTHS}` })
  durationMonths?: number;

  @ApiPropertyOptional({ description: 'Adresse du compte facilitateur qui suit la clause' })
  @IsOptional()
  @IsEmail({}, { message: 'adresse e-mail invalide' })
  @MaxLength(254)
  facilitatorEmail?: string;
}

export class FacilitatorDto {
  @ApiProperty({ nullable: true, description: 'Adresse du compte facilitateur ; null pour retirer' })
  @ValidateIf((_, value) => value !== null)
  @IsEmail({}, { message: 'adresse e-mail invalide' })
  @MaxLength(254)
  facilitatorEmail: string | null;
}

export class DeclarationEntryDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', uuid('structureId')) structureId: string;

  @ApiProperty({ minimum: 0, maximum: MAX_DECLARED_HOURS })
  @IsInt({ message: 'hours doit être un nombre entier d’heures' })
  @Min(0, { message: 'hours ne peut pas être négatif' })
  @Max(MAX_DECLARED_HOURS, { message: `hours doit valoir au plus ${MAX_DECLARED_HOURS}` })
  hours: number;
}

export class DeclarationDto {
  @ApiProperty({ example: '2027-Q1' })
  @IsString()
  @Matches(/^\d{4}-Q[1-4]$/, { message: 'trimestre invalide : AAAA-Qn attendu, par exemple 2027-Q1' })
  quarter: string;

  @ApiProperty({ type: [DeclarationEntryDto] })
  @IsArray({ message: 'entries doit être une liste' })
  @ArrayMinSize(1, { message: 'au moins un membre et ses heures' })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => DeclarationEntryDto)
  entries: DeclarationEntryDto[];

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) comment?: string;
}
