import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, Optional } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { ProblemDetails, problemTitle } from '@app/common';
import { PageRenderer, wantsHtmlPage } from '../web/page-renderer';

/** Everything that goes wrong leaves as application/problem+json (registered as APP_FILTER, so tests see it too). */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  /** Absent in contexts without web pages; then everything stays JSON. */
  constructor(@Optional() private readonly pages?: PageRenderer) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const problem = this.toProblem(exception);
    if (problem.status >= 500) this.logger.error(`${request.method} ${request.url}`, (exception as Error)?.stack ?? String(exception));
    if (response.headersSent) return;
    if (problem.status === 429 && typeof problem.retryAfterSec === 'number') response.setHeader('Retry-After', String(Math.max(1, Math.ceil(problem.retryAfterSec))));
    // Browsers on page routes get the French HTML error page (or the login page on 401); the API is unchanged.
    if (this.pages && wantsHtmlPage(request)) return void this.pages.renderProblem(request, response, problem);
    response.status(problem.status).type('application/problem+json').send(JSON.stringify({ ...problem, instance: request.originalUrl }));
  }

  toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      if (typeof body === 'object' && body && 'type' in body && 'title' in body) return body as ProblemDetails;
      const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      return { type: 'about:blank', title: problemTitle(status), status, detail: Array.isArray(message) ? message.join('; ') : String(message ?? '') };
    }
    // Errors raised by express's body parser before any controller runs.
    const parserError = exception as { type?: string; status?: number };
    const parser = parserError?.type ? PARSER_ERRORS[parserError.type] : undefined;
    if (parser) return { type: 'about:blank', title: problemTitle(parser.status), status: parser.status, detail: parser.detail, ...(parser.status === 400 ? { errors: [{ field: 'body', message: parser.detail }] } : {}) };
    if (parserError?.status && parserError.status >= 400 && parserError.status < 500) {
      return { type: 'about:blank', title: problemTitle(parserError.status), status: parserError.status, detail: 'Requête refusée par le serveur' };
    }
    // Class 22 (data exception): a value PostgreSQL cannot take (bad encoding, out of range…) is the caller's error.
    const code = exception instanceof QueryFailedError ? (exception as { code?: string }).code : undefined;
    if (code?.startsWith('22')) {
      return { type: 'about:blank', title: problemTitle(400), status: 400, detail: 'Une valeur envoyée est invalide (caractère interdit, nombre hors limites ou format inattendu)' };
    }
    if (exception instanceof QueryFailedError && (exception as { code?: string }).code === '23505') {
      return { type: 'about:blank', title: problemTitle(409), status: 409, detail: 'Cette ressource existe déjà' };
    }
    return { type: 'about:blank', title: problemTitle(500), status: 500, detail: 'Une erreur inattendue est survenue' };
  }
}

/** body-parser's refusals, by error type, in French (the same wording for every route). */
const PARSER_ERRORS: Record<string, { status: number; detail: string }> = {
  'entity.too.large': { status: 413, detail: 'Le corps de la requête dépasse 1 Mio' },
  'entity.parse.failed': { status: 400, detail: 'Le corps de la requête n’est pas un JSON valide' },
  'entity.verify.failed': { status: 403, detail: 'Le corps de la requête a été refusé' },
  'charset.unsupported': { status: 415, detail: 'Jeu de caractères non pris en charge : envoyez le corps en UTF-8' },
  'encoding.unsupported': { status: 415, detail: 'Encodage de contenu non pris en charge : envoyez le corps sans compression, ou en gzip, deflate ou br' },
  'request.aborted': { status: 400, detail: 'La requête a été interrompue avant la fin du corps' },
  'request.size.invalid': { status: 400, detail: 'La taille du corps ne correspond pas à l’en-tête Content-Length' },
  'parameters.too.many': { status: 413, detail: 'Le formulaire contient trop de champs' },
  'stream.encoding.set': { status: 500, detail: 'Une erreur inattendue est survenue' },
};
