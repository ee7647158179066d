import { ValidationPipe } from '@nestjs/common';
import { ProblemException, flattenValidationErrors } from '@app/common';

/** Unknown fields are refused and every faulty field is named (contract: 400 with `errors`). */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fieldErrors = flattenValidationErrors(errors);
      return new ProblemException(400, `${fieldErrors.length} champ(s) invalide(s)`, fieldErrors);
    },
  });
}
