// Query parameters of GET /api/v1/search/structures (and /export). Lists are comma-separated or repeated.
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidationArguments,
  ValidationOptions,
} from 'class-validator';
import { PRESTATION_TYPES, STRUCTURE_KINDS } from '@app/domain';
import { unknownAreaCodes } from '@app/catalogue';
import { ReferenceIndex } from '@app/reference';
import { MAX_PER_PAGE, MAX_QUERY_LENGTH, MAX_RADIUS_KM, SEARCH_FACETS, SEARCH_SORTS } from '@app/search';
import { AreKnownSectors, IsKnownCommune } from '../catalogue/validators';

/** "EI,ACI" or ?kinds=EI&kinds=ACI → ['EI', 'ACI']; anything else is left for the validators to refuse. */
const toList = ({ value }: { value: unknown }) => {
  const parts = Array.isArray(value) ? value : [value];
  if (!parts.every((p) => typeof p === 'string')) return value;
  return (parts as string[]).flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
};
const toBoolean = ({ value }: { value: unknown }) => {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return value;
};
const MAX_LIST = 50;
const tooMany = { message: `${MAX_LIST} valeurs au plus` };

function AreKnownAreaCodes(type: 'departments' | 'regions', options?: ValidationOptions): PropertyDecorator {
  const unknown = (value: unknown) => (Array.isArray(value) ? unknownAreaCodes(type, value, ReferenceIndex.shared()) : ['?']);
  return ValidateBy(
    {
      name: `areKnown${type}`,
      validator: {
        validate: (value: unknown) => unknown(value).length === 0,
        defaultMessage: (args?: ValidationArguments) =>
          `code(s) de ${type === 'regions' ? 'région' : 'département'} inconnu(s) : ${unknown(args?.value).join(', ')}`,
      },
    },
    options,
  );
}

/** sort=distance needs a place to measure from. */
function DistanceNeedsPlace(): PropertyDecorator {
  return ValidateBy({
    name: 'distanceNeedsPlace',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const dto = args?.object as SearchStructuresQuery;
        return value !== 'distance' || !!dto.near || !!dto.servesCommune;
      },
      defaultMessage: () => 'le tri par distance demande un lieu : near ou servesCommune',
    },
  });
}

/** radiusKm only means something around `near`. */
function NeedsNear(): PropertyDecorator {
  return ValidateBy({
    name: 'needsNear',
    validator: {
      validate: (_value: unknown, args?: ValidationArguments) => !!(args?.object as SearchStructuresQuery).near,
      defaultMessage: () => 'radiusKm s’utilise avec near (code INSEE de la commune)',
    },
  });
}

export class SearchStructuresQuery {
  @ApiPropertyOptional({ description: 'Texte libre (accents et fautes de frappe tolérés)', maxLength: MAX_QUERY_LENGTH })
  @IsOptional()
  @IsString({ message: 'doit être un texte' })
  @MaxLength(MAX_QUERY_LENGTH, { message: `${MAX_QUERY_LENGTH} caractères au plus` })
  q?: string;

  @ApiPropertyOptional({ description: 'Types de structure, séparés par des virgules', example: 'EI,ACI' })
  @IsOptional()
  @Transform(toList)
  @ArrayMaxSize(MAX_LIST, tooMany)
  @IsIn(STRUCTURE_KINDS, { each: true, message: `type inconnu : valeurs possibles ${STRUCTURE_KINDS.join(', ')}` })
  kinds?: (typeof STRUCTURE_KINDS)[number][];

  @ApiPropertyOptional({ description: 'Codes de secteur (voir /api/v1/reference/sectors)' })
  @IsOptional()
  @Transform(toList)
  @ArrayMaxSize(MAX_LIST, tooMany)
  @AreKnownSectors()
  sectors?: string[];

  @ApiPropertyOptional({ description: 'PREST, DISP, BUILD' })
  @IsOptional()
  @Transform(toList)
  @ArrayMaxSize(MAX_LIST, tooMany)
  @IsIn(PRESTATION_TYPES, { each: true, message: `type de prestation inconnu : valeurs possibles ${PRESTATION_TYPES.join(', ')}` })
  prestationTypes?: (typeof PRESTATION_TYPES)[number][];

  @ApiPropertyOptional({ description: 'Code INSEE : la zone d’intervention de la structure couvre cette commune' })
  @IsOptional()
  @IsKnownCommune()
  servesCommune?: string;

  @ApiPropertyOptional({ description: 'Code INSEE : structures situées autour de cette commune (avec radiusKm)' })
  @IsOptional()
  @IsKnownCommune()
  near?: string;

  @ApiPropertyOptional({ description: 'Rayon autour de near, en km (0 < r ≤ 1000)' })
  @IsOptional()
  @Type(() => Number)
  @NeedsNear()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'doit être un nombre' })
  @Min(Number.MIN_VALUE, { message: `le rayon doit être strictement positif et au plus ${MAX_RADIUS_KM} km` })
  @Max(MAX_RADIUS_KM, { message: `le rayon doit être strictement positif et au plus ${MAX_RADIUS_KM} km` })
  radiusKm?: number;

  @ApiPropertyOptional({ description: 'Codes de département où la structure est située' })
  @IsOptional()
  @Transform(toList)
  @ArrayMaxSize(MAX_LIST, tooMany)
  @AreKnownAreaCodes('departments')
  departments?: string[];

  @ApiPropertyOptional({ description: 'Codes de région où la structure est située' })
  @IsOptional()
  @Transform(toList)
  @ArrayMaxSize(MAX_LIST, tooMany)
  @AreKnownAreaCodes('regions')
  regions?: string[];

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'doit valoir true ou false' })
  openToCoContracting?: boolean;

  @ApiPropertyOptional({ type: Boolean, default: true, description: 'false : lire une commune tapée dans q comme du texte, pas comme le lieu à desservir' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'doit valoir true ou false' })
  placeFromText?: boolean;

  @ApiPropertyOptional({ type: Boolean, default: true, description: 'false : inclure les entreprises ordinaires (COMPANY)' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'doit valoir true ou false' })
  inclusiveOnly?: boolean;

  @ApiPropertyOptional({ description: 'Chiffre d’affaires annuel minimal (€ HT)' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'doit être un nombre' })
  @Min(0, { message: 'doit être un nombre positif ou nul' })
  minAnnualRevenueEur?: number;

  @ApiPropertyOptional({ enum: SEARCH_SORTS, default: 'relevance' })
  @IsOptional()
  @IsIn(SEARCH_SORTS, { message: `tri inconnu : valeurs possibles ${SEARCH_SORTS.join(', ')}` })
  @DistanceNeedsPlace()
  sort?: (typeof SEARCH_SORTS)[number];

  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'doit être un nombre entier' })
  @Min(1, { message: 'la première page est 1' })
  @Max(100_000, { message: '100 000 au plus' })
  page?: number;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: MAX_PER_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'doit être un nombre entier' })
  @Min(1, { message: `entre 1 et ${MAX_PER_PAGE}` })
  @Max(MAX_PER_PAGE, { message: `entre 1 et ${MAX_PER_PAGE}` })
  perPage?: number;

  @ApiPropertyOptional({ description: `Facettes à compter : ${SEARCH_FACETS.join(', ')}` })
  @IsOptional()
  @Transform(toList)
  @ArrayMaxSize(MAX_LIST, tooMany)
  @IsIn(SEARCH_FACETS, { each: true, message: `facette inconnue : valeurs possibles ${SEARCH_FACETS.join(', ')}` })
  facets?: (typeof SEARCH_FACETS)[number][];
}

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export class ExportStructuresQuery extends SearchStructuresQuery {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS, { message: 'format inconnu : csv ou xlsx' })
  format?: ExportFormat;
}
