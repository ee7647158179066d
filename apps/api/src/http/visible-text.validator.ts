import { ValidateBy, ValidationOptions } from 'class-validator';
import { INVISIBLE_TEXT_MESSAGE, hasVisibleText } from '@app/common';

/** Names and titles must show something (not only spaces, zero-width or bidi-override characters). */
export function HasVisibleText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'hasVisibleText',
      // Empty text is MinLength's to report (one message per problem).
      validator: { validate: (value: unknown) => typeof value !== 'string' || value === '' || hasVisibleText(value), defaultMessage: () => INVISIBLE_TEXT_MESSAGE },
    },
    options,
  );
}
