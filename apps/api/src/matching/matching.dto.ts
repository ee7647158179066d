import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { GROUP_FORMS, type GroupForm } from '@app/domain';
import { PageQueryDto } from '../http/page-query.dto';

export class CreateMatchingRunDto {
  @ApiPropertyOptional({ type: [Number], description: 'Lots visés ; par défaut tous les lots (ou ceux que l’ancre peut légalement viser).' })
  @IsOptional()
  @IsArray({ message: 'lots doit être une liste de numéros de lot' })
  @ArrayMinSize(1, { message: 'lots ne peut pas être vide (omettez-le pour viser tous les lots)' })
  @ArrayMaxSize(100, { message: 'au plus 100 lots' })
  @ArrayUnique({ message: 'un lot ne peut pas être cité deux fois' })
  @IsInt({ each: true, message: 'chaque lot est un numéro entier' })
  @Min(1, { each: true, message: 'chaque numéro de lot est au moins 1' })
  lots?: number[];

  @ApiPropertyOptional({ format: 'uuid', description: 'Structure qui doit figurer dans chaque proposition' })
  @IsOptional()
  @IsUUID('all', { message: 'anchorStructureId doit être un identifiant (UUID)' })
  anchorStructureId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 10, default: 4 })
  @IsOptional()
  @IsInt({ message: 'maxMembers doit être un entier' })
  @Min(1, { message: 'maxMembers doit être compris entre 1 et 10' })
  @Max(10, { message: 'maxMembers doit être compris entre 1 et 10' })
  maxMembers?: number;

  @ApiPropertyOptional({ enum: GROUP_FORMS, isArray: true, default: GROUP_FORMS })
  @IsOptional()
  @IsArray({ message: 'forms doit être une liste' })
  @ArrayMinSize(1, { message: 'forms ne peut pas être vide' })
  @ArrayUnique({ message: 'une forme ne peut pas être citée deux fois' })
  @IsIn(GROUP_FORMS, { each: true, message: 'chaque forme vaut CONJOINT ou SOLIDAIRE' })
  forms?: GroupForm[];

  @ApiPropertyOptional({ minimum: 1, maximum: 20, default: 5 })
  @IsOptional()
  @IsInt({ message: 'topK doit être un entier' })
  @Min(1, { message: 'topK doit être compris entre 1 et 20' })
  @Max(20, { message: 'topK doit être compris entre 1 et 20' })
  topK?: number;

  @ApiPropertyOptional({ default: false, description: 'true : inclure les structures de démonstration (générées, badgées « démo ») ; exclues par défaut' })
  @IsOptional()
  @IsBoolean({ message: 'includeDemo vaut true ou false' })
  includeDemo?: boolean;
}

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' || value === true ? true : value === 'false' || value === false ? false : value);

export class ListMatchingRunsQuery extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Seulement mes calculs (les autres comptes ne voient de toute façon que les leurs, sauf l’acheteur du marché)' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'mine vaut true ou false' })
  mine?: boolean;


}
