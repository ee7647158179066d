// Session login for the pages: the same AuthService as the JSON API, the token kept in an http-only cookie.
import { Body, Controller, Get, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AccountRole } from '@app/domain';
import { FieldError } from '@app/common';
import { Public } from '../auth/auth.guard';
import { LoginDto, RegisterDto } from '../auth/auth.dto';
import { AuthService, toCurrentAccount } from '../auth/auth.service';
import { FormBody, safeNextPath, text, validateAs } from './forms';
import { CsrfGuard, PageRenderer, PageRequest, problemOf } from './page-renderer';

export const REGISTRATION_ROLES: { value: Exclude<AccountRole, 'admin'>; label: string; hint: string }[] = [
  { value: 'buyer', label: 'Acheteur', hint: 'Acheteur public ou privé : je publie des appels d’offres et cherche des fournisseurs inclusifs.' },
  { value: 'supplier', label: 'Structure inclusive', hint: 'SIAE, EA, ESAT, GEIQ… : je présente mon offre et réponds aux marchés, seule ou en groupement.' },
  { value: 'company', label: 'Entreprise', hint: 'Entreprise ordinaire : je cherche des partenaires inclusifs pour répondre en co-traitance.' },
  { value: 'facilitator', label: 'Facilitateur de clauses sociales', hint: 'Facilitateur (PLIE, maison de l’emploi…) : je suis les heures d’insertion des marchés que les acheteurs me confient.' },
];

/** Where an account lands after login when no page asked for it. */
export function homeOf(role: AccountRole): string {
  return role === 'buyer' ? '/appels-d-offres' : role === 'admin' ? '/recherche' : role === 'facilitator' ? '/suivi-heures' : '/mes-structures';
}

@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
export class AccountPages {
  constructor(
    private readonly auth: AuthService,
    private readonly pages: PageRenderer,
  ) {}

  @Public()
  @Get('connexion')
  loginForm(@Req() req: PageRequest, @Res() res: Response, @Query('next') next?: string) {
    if (req.account) return res.redirect(303, safeNextPath(next, homeOf(req.account.role)));
    this.pages.render(req, res, 'account/login.njk', { pageTitle: 'Connexion', values: { email: '' }, next: safeNextPath(next, '') });
  }

  @Public()
  @Post('connexion')
  async login(@Req() req: PageRequest, @Res() res: Response, @Body() body: FormBody) {
    const values = { email: text(body, 'email') };
    const next = safeNextPath(text(body, 'next'), '');
    const password = typeof body.password === 'string' ? body.password : '';
    const errors: FieldError[] = [];
    if (!values.email) errors.push({ field: 'email', message: 'Saisissez votre adresse e-mail.' });
    if (!password) errors.push({ field: 'password', message: 'Saisissez votre mot de passe.' });
    if (!errors.length) {
      const dto: LoginDto = { email: values.email, password };
      try {
        const { accessToken, account } = await this.auth.login(dto, req.ip ?? 'unknown');
        this.pages.startSession(res, accessToken);
        return this.pages.redirect(res, next || homeOf(account.role), { type: 'success', message: `Vous êtes connecté(e) en tant que ${account.displayName}.` });
      } catch (error) {
        const problem = problemOf(error);
        if (!problem || (problem.status !== 401 && problem.status !== 429)) throw error;
        // Same message whatever was wrong (unknown email or wrong password): the service decides it.
        errors.push({ field: 'password', message: problem.detail ?? 'Connexion impossible.' });
        return this.pages.render(req, res, 'account/login.njk', { pageTitle: 'Connexion', values, next, errors }, problem.status);
      }
    }
    this.pages.render(req, res, 'account/login.njk', { pageTitle: 'Connexion', values, next, errors }, 400);
  }

  @Public()
  @Get('inscription')
  registerForm(@Req() req: PageRequest, @Res() res: Response, @Query('role') role?: string) {
    const values = { email: '', displayName: '', role: REGISTRATION_ROLES.some((r) => r.value === role) ? role : '' };
    this.pages.render(req, res, 'account/register.njk', { pageTitle: 'Créer un compte', values, roles: REGISTRATION_ROLES });
  }

  @Public()
  @Post('inscription')
  async register(@Req() req: PageRequest, @Res() res: Response, @Body() body: FormBody) {
    const values = { email: text(body, 'email'), displayName: text(body, 'displayName'), role: text(body, 'role') };
    const password = typeof body.password === 'string' ? body.password : '';
    const confirmation = typeof body.passwordConfirmation === 'string' ? body.passwordConfirmation : '';
    // The same DTO as POST /api/v1/auth/register, so both refuse the same things with the same words.
    const { value, errors } = await validateAs(RegisterDto, { ...values, password });
    if (!values.role) {
      errors.splice(0, errors.length, ...errors.filter((e) => e.field !== 'role'), { field: 'role', message: 'Choisissez le type de compte.' });
    }
    if (password && confirmation !== password) errors.push({ field: 'passwordConfirmation', message: 'Les deux mots de passe ne sont pas identiques.' });
    if (!errors.length) {
      try {
        const { created } = await this.auth.register(value, req.ip ?? 'unknown');
        if (created) {
          const account = toCurrentAccount(created);
          this.pages.startSession(res, await this.auth.issueToken(created));
          return this.pages.redirect(res, homeOf(account.role), { type: 'success', message: `Bienvenue ${account.displayName} : votre compte est créé.` });
        }
        // The page logs a new account in at once, so it cannot hide that the address was taken; the API does.
        errors.push({ field: 'email', message: 'Un compte existe déjà avec cette adresse e-mail. Connectez-vous ou utilisez une autre adresse.' });
      } catch (error) {
        const problem = problemOf(error);
        if (problem?.status !== 429) throw error;
        errors.push({ field: 'email', message: problem.detail ?? 'Trop de créations de compte.' });
        return this.pages.render(req, res, 'account/register.njk', { pageTitle: 'Créer un compte', values, roles: REGISTRATION_ROLES, errors }, 429);
      }
    }
    this.pages.render(req, res, 'account/register.njk', { pageTitle: 'Créer un compte', values, roles: REGISTRATION_ROLES, errors }, 400);
  }

  @Public()
  @Post('deconnexion')
  async logout(@Req() req: PageRequest, @Res() res: Response) {
    // Revoked server-side too: a copy of the cookie is worth nothing after logout.
    if (req.account) await this.auth.logout(req.account.id);
    this.pages.endSession(res);
    this.pages.redirect(res, '/', { type: 'info', message: 'Vous êtes déconnecté(e).' });
  }

  @Public()
  @Get('accessibilite')
  accessibility(@Req() req: PageRequest, @Res() res: Response) {
    this.pages.render(req, res, 'accessibility.njk', { pageTitle: 'Déclaration d’accessibilité' });
  }
}
