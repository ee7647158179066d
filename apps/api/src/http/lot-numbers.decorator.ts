import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsInt, Min } from 'class-validator';

/** A body's `lots`: distinct lot numbers (1 and up), at least one; whether they exist is the service's check. */
export const LotNumbers = (description: string) =>
  applyDecorators(
    ApiProperty({ type: [Number], description }),
    IsArray({ message: 'lots doit être une liste de numéros de lot' }),
    ArrayMinSize(1, { message: 'au moins un lot' }),
    ArrayMaxSize(100, { message: 'au plus 100 lots' }),
    ArrayUnique({ message: 'un lot ne peut pas être cité deux fois' }),
    IsInt({ each: true, message: 'chaque lot est un numéro entier' }),
    Min(1, { each: true, message: 'chaque numéro de lot est au moins 1' }),
  );
