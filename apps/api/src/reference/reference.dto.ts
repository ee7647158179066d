import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

export class CommuneSearchQuery {
  @ApiProperty({ description: 'nom (sans accents ni majuscules requis) ou début de code postal', example: 'lyon' })
  @IsString({ message: 'doit être un texte' })
  @MinLength(1, { message: 'tapez au moins un caractère' })
  @MaxLength(100, { message: '100 caractères au plus' })
  q: string;

  @ApiPropertyOptional({ default: 1 }) @IsOptional() @Type(() => Number) @IsInt({ message: 'doit être un nombre entier' }) @Min(1, { message: 'page commence à 1' }) page: number = 1;

  @ApiPropertyOptional({ default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'doit être un nombre entier' })
  @Min(1, { message: 'entre 1 et 100' })
  @Max(100, { message: 'entre 1 et 100' })
  perPage: number = 20;
}
