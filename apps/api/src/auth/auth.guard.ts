import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { AccountRole } from '@app/domain';
import { ProblemException, forbidden, unauthorized } from '@app/common';
import { isStateChanging } from '../web/csrf';
import { AuthService } from './auth.service';
import type { CurrentAccount } from './auth.types';

export const SESSION_COOKIE = 'session';
const ROLES_KEY = 'roles';
const PUBLIC_KEY = 'public';

/** Restricts a route to accounts of these roles (admin always passes). */
export const Roles = (...roles: AccountRole[]) => SetMetadata(ROLES_KEY, roles);
/** The route works without an account; the caller is still identified when a token is sent. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export type AuthenticatedRequest = Request & { account?: CurrentAccount };

export const Caller = createParamDecorator((_data: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthenticatedRequest>().account);

/** Reads `Authorization: Bearer …` (API) or the session cookie (web pages); registered globally. */
@Injectable()
export class AuthGuard implements CanActivate {
  /** The public address's host (PUBLIC_URL): behind a proxy that rewrites Host, browsers still send it as Origin. */
  private readonly publicHost: string;

  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.publicHost = new URL(config.publicUrl).host;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [context.getHandler(), context.getClass()]);
    const roles = this.reflector.getAllAndOverride<AccountRole[]>(ROLES_KEY, [context.getHandler(), context.getClass()]);

    const bearer = bearerToken(request);
    const cookie = request.cookies?.[SESSION_COOKIE] as string | undefined;
    // The browser sends the session cookie on its own, even to requests another site makes it send: an API
    // write authenticated by the cookie alone must come from our own pages (page forms have their CSRF token).
    if (!bearer && cookie && isApiWrite(request) && !sameOrigin(request, this.publicHost)) {
      throw new ProblemException(403, 'Origine de la requête refusée : l’API s’appelle avec un jeton Bearer, ou depuis les pages du site.', undefined, { reason: 'origin' });
    }
    const token = bearer ?? cookie;
    if (token) request.account = (await this.auth.verifyToken(token)) ?? undefined;
    if (isPublic) return true;
    if (!request.account) throw unauthorized();
    if (roles?.length && request.account.role !== 'admin' && !roles.includes(request.account.role)) {
      throw forbidden(`Réservé aux comptes : ${roles.join(', ')}`);
    }
    return true;
  }
}

function bearerToken(request: Request): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, value] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && value ? value : undefined;
}

function isApiWrite(request: Request): boolean {
  return /^\/api\//.test(request.path) && isStateChanging(request.method);
}

/** The Origin (else the Referer) names this very host or the public one; a request with neither is not trusted. */
export function sameOrigin(request: Request, publicHost: string): boolean {
  const source = request.headers.origin ?? request.headers.referer;
  if (!source || source === 'null') return false;
  try {
    const host = new URL(source).host;
    return host === request.headers.host || host === publicHost;
  } catch {
    return false;
  }
}
