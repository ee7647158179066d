import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../http/page-query.dto';

export class CommuneSearchQuery extends PageQueryDto {
  @ApiProperty({ description: 'nom (sans accents ni majuscules requis) ou début de code postal', example: 'lyon' })
  @IsString({ message: 'doit être un texte' })
  @MinLength(1, { message: 'tapez au moins un caractère' })
  @MaxLength(100, { message: '100 caractères au plus' })
  q: string;


}
