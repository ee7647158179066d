// Shapes of the bid and notification endpoints (contract "Bids"). Rules that need stored data (lots of the
// tender, members of the bid, share sums) are checked by the bids service, with the same field paths.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { GROUP_FORMS, type GroupForm } from '@app/domain';
import { SUBSTITUTION_REASONS, type SubstitutionReason } from '@app/bids';
import { LotNumbers } from '../http/lot-numbers.decorator';
import { PageQueryDto } from '../http/page-query.dto';

const uuid = (field: string) => ({ message: `${field} doit être un identifiant (UUID)` });
const bool = ({ value }: { value: unknown }) => (value === 'true' || value === true ? true : value === 'false' || value === false ? false : value);

export class CreateBidDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', uuid('tenderId')) tenderId: string;

  @LotNumbers('Lots visés par le groupement')
  lots: number[];

  @ApiProperty({ format: 'uuid', description: 'Structure chef de file, dont l’appelant est propriétaire' })
  @IsUUID('all', uuid('leadStructureId'))
  leadStructureId: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Proposition d’un calcul de ce marché : membres (invités), forme, mandataire et répartition repris' })
  @IsOptional()
  @IsUUID('all', uuid('fromProposalId'))
  fromProposalId?: string;
}

export class InvitationDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', uuid('structureId')) structureId: string;
  @ApiPropertyOptional({ description: 'Adresse à qui envoyer l’invitation quand la structure n’a pas de propriétaire (sinon son contact public)' })
  @IsOptional()
  @IsEmail({}, { message: 'doit être une adresse e-mail valide' })
  @MaxLength(254, { message: '254 caractères au plus' })
  email?: string;
}

export class BidAssignmentDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', uuid('structureId')) structureId: string;
  @ApiProperty() @IsInt({ message: 'doit être un numéro de lot entier' }) @Min(1, { message: 'les lots sont numérotés à partir de 1' }) lot: number;
  @ApiPropertyOptional({ description: 'code de la prestation, pour un lot découpé en prestations' }) @IsOptional() @IsString({ message: 'doit être un texte' }) workPackage?: string;
  @ApiProperty({ description: 'part du lot (ou de la prestation) : entre 0 exclu et 1' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'doit être un nombre' })
  @Min(0.0001, { message: 'une part est comprise entre 0 exclu et 1' })
  @Max(1, { message: 'une part est comprise entre 0 exclu et 1' })
  share: number;
}

export class UpdateBidDto {
  @ApiPropertyOptional({ enum: GROUP_FORMS }) @IsOptional() @IsIn(GROUP_FORMS, { message: 'form vaut CONJOINT ou SOLIDAIRE' }) form?: GroupForm;
  @ApiPropertyOptional() @IsOptional() @IsBoolean({ message: 'doit valoir true ou false' }) mandataireSolidaire?: boolean;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all', uuid('mandataireStructureId')) mandataireStructureId?: string;

  @ApiPropertyOptional({ type: [BidAssignmentDto], description: 'Remplace toute la répartition du groupement' })
  @IsOptional()
  @IsArray({ message: 'assignments doit être une liste' })
  @ArrayMaxSize(500, { message: 'au plus 500 éléments' })
  @ValidateNested({ each: true })
  @Type(() => BidAssignmentDto)
  assignments?: BidAssignmentDto[];
}

export class SubstitutionDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', uuid('outgoingStructureId')) outgoingStructureId: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', uuid('incomingStructureId')) incomingStructureId: string;
  @ApiProperty({ enum: SUBSTITUTION_REASONS }) @IsIn(SUBSTITUTION_REASONS, { message: `reason vaut ${SUBSTITUTION_REASONS.join(', ')}` }) reason: SubstitutionReason;
  /** Accepted for older clients and ignored: the authorisation is the buyer's own action (…/authorise). */
  @ApiPropertyOptional({ deprecated: true, description: 'Ignoré : l’autorisation est donnée par l’acheteur lui-même (POST …/substitutions/:id/authorise)' })
  @IsOptional()
  @IsBoolean({ message: 'doit valoir true ou false' })
  authorisedByBuyer?: boolean;
}

export class SubstitutionDecisionDto {
  @ApiPropertyOptional({ description: 'Motif de la décision de l’acheteur' })
  @IsOptional()
  @IsString({ message: 'doit être un texte' })
  @MaxLength(2000, { message: '2000 caractères au plus' })
  reason?: string;
}

export class ListBidsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Seulement les groupements de ce marché' })
  @IsOptional()
  @IsUUID('all', uuid('tenderId'))
  tenderId?: string;
}

export class ListNotificationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Seulement les notifications non lues' })
  @IsOptional()
  @Transform(bool)
  @IsBoolean({ message: 'unread vaut true ou false' })
  unread?: boolean;
}
