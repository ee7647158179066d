// Renders pages with what every page needs (account, CSRF token, flash message, active menu entry),
// and owns the page cookies: the session (the API's JWT), the CSRF secret and the one-shot flash.
import { CanActivate, ExecutionContext, HttpException, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { FieldError, ProblemDetails, ProblemException } from '@app/common';
import { SESSION_COOKIE } from '../auth/auth.guard';
import { AuthService } from '../auth/auth.service';
import type { CurrentAccount } from '../auth/auth.types';
import { CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, csrfToken, csrfTokenValid, isStateChanging, newCsrfSecret } from './csrf';
import { errorsByField, fieldId, safeNextPath } from './forms';
import { createViewEnvironment } from './views';

const FLASH_COOKIE = 'flash';

/** What an irreversible action says before it is done (publish, submit a groupement, remove a member). */
export interface Confirmation {
  title: string;
  message: string;
  confirmLabel: string;
  cancelHref: string;
}

export interface Flash {
  type: 'success' | 'info' | 'warning' | 'error';
  message: string;
}

/** `unreadNotifications`: set for GET pages of a logged-in account (UnreadNotificationsInterceptor), shown in the header. */
export type PageRequest = Request & { account?: CurrentAccount; csrfSecret?: string; unreadNotifications?: number };

/** Sections of the main navigation; the entry whose prefix matches the path is marked current. */
const NAV_SECTIONS: { section: string; prefixes: string[] }[] = [
  { section: 'search', prefixes: ['/recherche', '/structures/'] },
  { section: 'tenders', prefixes: ['/appels-d-offres', '/rapprochements'] },
  { section: 'structures', prefixes: ['/mes-structures', '/structures/nouvelle', '/structures/revendiquer'] },
  { section: 'bids', prefixes: ['/mes-groupements', '/groupements'] },
  { section: 'notifications', prefixes: ['/notifications'] },
  { section: 'admin', prefixes: ['/admin'] },
  { section: 'alerts', prefixes: ['/alertes'] },
  { section: 'lists', prefixes: ['/listes'] },
];

export function navSection(path: string): string | undefined {
  let best: { section: string; length: number } | undefined;
  for (const { section, prefixes } of NAV_SECTIONS) {
    for (const prefix of prefixes) {
      if (path.startsWith(prefix) && (!best || prefix.length > best.length)) best = { section, length: prefix.length };
    }
  }
  return best?.section;
}

/**
 * The label of an error's field for the summary: an exact entry, else the generic entry with indexes
 * removed (`lots[].title` labelled "Lot {1} – intitulé", {1} being the first index + 1).
 */
export function fieldLabel(field: string, labels: Record<string, string>): string | undefined {
  if (labels[field]) return labels[field];
  const indexes: number[] = [];
  const generic = field.replace(/\[(\d+)\]/g, (_m, n: string) => {
    indexes.push(Number(n) + 1);
    return '[]';
  });
  const label = labels[generic];
  return label?.replace(/\{(\d)\}/g, (_m, i: string) => String(indexes[Number(i) - 1] ?? ''));
}

/** Errors as the form macros use them: by field path, plus the list for the summary at the top. */
export function formErrors(errors: FieldError[] | undefined, labels: Record<string, string> = {}) {
  const list = (errors ?? []).map((e) => ({
    ...e,
    label: fieldLabel(e.field, labels),
    href: e.field && e.field !== 'body' ? `#${fieldId(e.field)}` : undefined,
  }));
  return { byField: errorsByField(list), list };
}

@Injectable()
export class PageRenderer {
  private readonly env;
  /** The CSRF HMAC key: derived from the JWT secret so every API replica agrees, distinct from it. */
  private readonly csrfKey: string;

  private readonly logger = new Logger('Pages');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly auth?: AuthService,
  ) {
    this.env = createViewEnvironment({ cache: config.env === 'production' });
    this.csrfKey = createHash('sha256').update(`csrf-key:${config.jwtSecret}`).digest('hex');
  }

  /** Renders a template with the common context and sends it (no-store: pages show private data). */
  render(req: PageRequest, res: Response, view: string, data: Record<string, unknown> = {}, status = 200): void {
    const html = this.renderToString(req, res, view, data);
    res.status(status).type('html').set('Cache-Control', 'no-store').send(html);
  }

  renderToString(req: PageRequest, res: Response, view: string, data: Record<string, unknown> = {}): string {
    const errors = formErrors(data.errors as FieldError[] | undefined, data.fieldLabels as Record<string, string> | undefined);
    const context = {
      account: req.account,
      csrfField: CSRF_FIELD,
      csrfToken: this.ensureCsrfToken(req, res),
      currentPath: req.originalUrl ?? req.url,
      nav: navSection(req.path ?? ''),
      flash: this.takeFlash(req, res),
      unreadNotifications: req.unreadNotifications,
      ...data,
      errors: errors.byField,
      errorList: errors.list,
    };
    const html = this.env.render(view, context);
    if (errors.list.length < 2) return html;
    // The summary lists errors in the order of their fields on the page, whatever order the checks found them.
    const ordered = inPageOrder(errors.list, html);
    return ordered === errors.list ? html : this.env.render(view, { ...context, errorList: ordered });
  }

  /**
   * Irreversible actions ask first: a form posted without `confirm=oui` gets a page that says what will
   * happen and posts again to the same address with it. A plain page, so it works with or without JavaScript.
   * Returns true when the action may go ahead.
   */
  confirmed(req: PageRequest, res: Response, body: Record<string, unknown> | undefined, confirmation: Confirmation): boolean {
    if (body?.confirm === 'oui') return true;
    this.render(req, res, 'confirm.njk', { pageTitle: confirmation.title, confirmation: { ...confirmation, action: req.originalUrl ?? req.url } });
    return false;
  }

  /** 303 after a POST so a reload does not resubmit; an optional message shows on the next page. */
  redirect(res: Response, url: string, flash?: Flash): void {
    if (flash) res.cookie(FLASH_COOKIE, JSON.stringify(flash), this.cookieOptions(60_000));
    res.redirect(303, url);
  }

  /** Logs the browser in: the API's own JWT in an http-only cookie, read back by the global AuthGuard. */
  startSession(res: Response, token: string): void {
    res.cookie(SESSION_COOKIE, token, this.cookieOptions(this.config.jwtExpiresInSec * 1000));
    // A new CSRF secret at login, so a token seen before login is worth nothing after.
    res.cookie(CSRF_COOKIE, newCsrfSecret(), this.cookieOptions());
  }

  endSession(res: Response): void {
    const { maxAge: _ignored, ...options } = this.cookieOptions();
    res.clearCookie(SESSION_COOKIE, options);
    res.clearCookie(CSRF_COOKIE, options);
  }

  /** The token of the current CSRF secret, creating the secret (and its cookie) on first sight. */
  ensureCsrfToken(req: PageRequest, res: Response): string {
    let secret = req.csrfSecret ?? (req.cookies?.[CSRF_COOKIE] as string | undefined);
    if (typeof secret !== 'string' || secret.length < 16) {
      secret = newCsrfSecret();
      if (!res.headersSent) res.cookie(CSRF_COOKIE, secret, this.cookieOptions());
    }
    req.csrfSecret = secret;
    return csrfToken(this.csrfKey, secret);
  }

  csrfValid(req: PageRequest): boolean {
    const body = req.body as Record<string, unknown> | undefined;
    const token = body?.[CSRF_FIELD] ?? req.headers[CSRF_HEADER];
    return csrfTokenValid(this.csrfKey, req.cookies?.[CSRF_COOKIE], token);
  }

  /**
   * The HTML answer to an error on a page route: a login redirect when an account is needed,
   * else the French error page with the problem's status. Unknown routes never met the AuthGuard, so the
   * session is read here to keep the header right.
   */
  async renderProblem(req: PageRequest, res: Response, problem: ProblemDetails): Promise<void> {
    try {
      if (problem.status === 401) {
        const back = req.method === 'GET' ? req.originalUrl : refererPath(req);
        res.redirect(303, `/connexion?next=${encodeURIComponent(safeNextPath(back, '/'))}`);
        return;
      }
      const token = req.cookies?.[SESSION_COOKIE] as string | undefined;
      if (!req.account && token && this.auth) req.account = (await this.auth.verifyToken(token).catch(() => null)) ?? undefined;
      this.render(req, res, 'error.njk', { problem, pageTitle: errorPageHeading(problem) }, problem.status);
    } catch (error) {
      this.logger.error(`error page failed: ${(error as Error)?.message}`);
      if (!res.headersSent) res.status(problem.status).type('text/plain; charset=utf-8').send(`${problem.title}\n${problem.detail ?? ''}`);
    }
  }

  private takeFlash(req: Request, res: Response): Flash | undefined {
    const raw = req.cookies?.[FLASH_COOKIE] as string | undefined;
    if (!raw) return undefined;
    if (!res.headersSent) res.clearCookie(FLASH_COOKIE, { path: '/' });
    try {
      const flash = JSON.parse(raw) as Flash;
      return typeof flash?.message === 'string' && ['success', 'info', 'warning', 'error'].includes(flash.type) ? flash : undefined;
    } catch {
      return undefined;
    }
  }

  private cookieOptions(maxAge?: number): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.config.cookieSecure, path: '/', ...(maxAge ? { maxAge } : {}) };
  }
}

/** Errors sorted by where their field's id first appears in the page; those without a field keep their place first. */
export function inPageOrder<T extends { href?: string }>(list: T[], html: string): T[] {
  const position = (e: T) => {
    if (!e.href) return -1;
    const at = html.indexOf(`id="${e.href.slice(1)}"`);
    return at < 0 ? Number.MAX_SAFE_INTEGER : at;
  };
  const keyed = list.map((e, i) => ({ e, i, at: position(e) }));
  const sorted = [...keyed].sort((a, b) => a.at - b.at || a.i - b.i);
  return sorted.every((k, i) => k.i === i) ? list : sorted.map((k) => k.e);
}

function refererPath(req: Request): string {
  const referer = req.headers.referer;
  if (!referer) return '/';
  try {
    const url = new URL(referer);
    return url.host === req.headers.host ? `${url.pathname}${url.search}` : '/';
  } catch {
    return '/';
  }
}

/** On page controllers: every state-changing request must carry the form's CSRF token (else 403 page). */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(private readonly pages: PageRenderer) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<PageRequest>();
    if (!isStateChanging(req.method)) return true;
    if (this.pages.csrfValid(req)) return true;
    throw new ProblemException(
      403,
      'Ce formulaire a expiré ou ne vient pas de ce site. Rechargez la page puis envoyez le formulaire à nouveau.',
      undefined,
      { reason: 'csrf' },
    );
  }
}

/**
 * Page routes answer errors in HTML: not the API (/api), health or assets, and only for clients that
 * prefer HTML (browsers). Scripts and the JSON API keep problem+json.
 */
export function wantsHtmlPage(req: Request): boolean {
  const path = req.path ?? req.url ?? '';
  if (/^\/(api|health|static)(\/|$)/.test(path)) return false;
  return req.accepts(['application/json', 'application/problem+json', 'text/html']) === 'text/html';
}

export function problemOf(error: unknown): ProblemDetails | undefined {
  if (!(error instanceof HttpException)) return undefined;
  const body = error.getResponse();
  return typeof body === 'object' && body && 'status' in body ? (body as ProblemDetails) : undefined;
}

/** A service refusal that belongs on the form (400 with fields, 409) rather than on an error page. */
export function formProblem(error: unknown): { problem: ProblemDetails; errors: FieldError[] } | undefined {
  const problem = problemOf(error);
  if (!problem || (problem.status !== 400 && problem.status !== 409 && problem.status !== 422)) return undefined;
  const errors = problem.errors?.length ? problem.errors : [{ field: 'body', message: problem.detail ?? problem.title }];
  return { problem, errors };
}

/** The error page's heading, which is also its title (RGAA 8.6: the title names the page). */
export function errorPageHeading(problem: ProblemDetails): string {
  if (problem.status === 404) return 'Page non trouvée';
  if (problem.status === 403) return 'Accès refusé';
  if (problem.status >= 500) return 'Erreur inattendue';
  return problem.title;
}
