// class-validator decorators for catalogue DTOs. The rules themselves live in libs/domain (SIRET) and
// libs/catalogue (reference lookups); these only adapt them, so HTTP and services say the same thing.
import { ValidateBy, ValidationArguments, ValidationOptions } from 'class-validator';
import { isValidSiret } from '@app/domain';
import { communeProblem, sectorsProblem, unknownAreaCodes } from '@app/catalogue';
import { ReferenceIndex } from '@app/reference';

export function IsSiret(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSiret',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isValidSiret(value),
        defaultMessage: () => 'SIRET invalide : 14 chiffres avec une clé de contrôle valide',
      },
    },
    options,
  );
}

export function IsKnownCommune(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isKnownCommune',
      validator: {
        validate: (value: unknown) => !communeProblem(value, ReferenceIndex.shared()),
        defaultMessage: (args?: ValidationArguments) => communeProblem(args?.value, ReferenceIndex.shared()) ?? 'commune inconnue',
      },
    },
    options,
  );
}

export function AreKnownSectors(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'areKnownSectors',
      validator: {
        validate: (value: unknown) => !sectorsProblem(value, ReferenceIndex.shared()),
        defaultMessage: (args?: ValidationArguments) => sectorsProblem(args?.value, ReferenceIndex.shared()) ?? 'secteur inconnu',
      },
    },
    options,
  );
}

/** Department codes for `type: "departments"`, region codes for `type: "regions"` (read from the sibling `type`). */
export function AreKnownAreaCodes(options?: ValidationOptions): PropertyDecorator {
  const unknown = (args: ValidationArguments) =>
    Array.isArray(args.value) ? unknownAreaCodes((args.object as { type?: unknown }).type, args.value, ReferenceIndex.shared()) : [];
  return ValidateBy(
    {
      name: 'areKnownAreaCodes',
      validator: {
        validate: (_value: unknown, args?: ValidationArguments) => !args || unknown(args).length === 0,
        defaultMessage: (args?: ValidationArguments) => {
          const what = (args?.object as { type?: unknown })?.type === 'regions' ? 'régions' : 'départements';
          return `code(s) de ${what} inconnu(s) : ${args ? unknown(args).join(', ') : ''}`;
        },
      },
    },
    options,
  );
}
