// RFC 9457 problem details: the one error shape of the API.
import { HttpException, HttpStatus, ValidationError } from '@nestjs/common';

export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Requête invalide',
  401: 'Authentification requise',
  403: 'Action non autorisée',
  404: 'Ressource introuvable',
  409: 'Conflit',
  413: 'Requête trop volumineuse',
  415: 'Type de contenu non pris en charge',
  422: 'Règle non respectée',
  429: 'Trop de tentatives',
  500: 'Erreur interne',
  503: 'Service indisponible',
};

export function problemTitle(status: number): string {
  return TITLES[status] ?? HttpStatus[status] ?? 'Erreur';
}

/** Throw this from services: it carries the field errors and any extension members as they are. */
export class ProblemException extends HttpException {
  constructor(status: number, detail: string, errors?: FieldError[], extensions: Record<string, unknown> = {}) {
    super({ type: 'about:blank', title: problemTitle(status), status, detail, ...(errors ? { errors } : {}), ...extensions }, status);
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) => new ProblemException(400, detail, errors);
export const notFound = (detail = 'Ressource introuvable') => new ProblemException(404, detail);
export const forbidden = (detail = "Vous n'avez pas le droit de faire cela") => new ProblemException(403, detail);
export const conflict = (detail: string, errors?: FieldError[]) => new ProblemException(409, detail, errors);
export const unauthorized = (detail = 'Authentification requise') => new ProblemException(401, detail);
/** 429; the filter turns `retryAfterSec` into a Retry-After header. */
export const tooManyRequests = (detail: string, retryAfterSec: number) => new ProblemException(429, detail, undefined, { retryAfterSec });

/** « 3 minute(s) », for 429 messages. */
export function minutesText(seconds: number): string {
  return `${Math.max(1, Math.ceil(seconds / 60))} minute(s)`;
}

/** Turns class-validator's tree into `lots[0].estimatedAmountEur`-style paths, one entry per message. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const path = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) out.push({ field: path, message });
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, path));
  }
  return out;
}
