import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_PER_PAGE = 100;

/** `page` and `perPage` of every paginated list; endpoints extend it with their own filters. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'doit être un nombre entier' })
  @Min(1, { message: 'page commence à 1' })
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PER_PAGE, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'doit être un nombre entier' })
  @Min(1, { message: `entre 1 et ${MAX_PER_PAGE}` })
  @Max(MAX_PER_PAGE, { message: `entre 1 et ${MAX_PER_PAGE}` })
  perPage: number = 20;
}
