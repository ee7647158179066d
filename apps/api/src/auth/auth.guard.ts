import { CanActivate, ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { AccountRole } from '@app/domain';
import { forbidden, unauthorized } from '@app/common';
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
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [context.getHandler(), context.getClass()]);
    const roles = this.reflector.getAllAndOverride<AccountRole[]>(ROLES_KEY, [context.getHandler(), context.getClass()]);

    const token = bearerToken(request) ?? (request.cookies?.[SESSION_COOKIE] as string | undefined);
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
