// Structures manage their offer: list, create, claim, edit every field, delist. The catalogue's
// StructuresService and ClaimsService do the work; the API's DTOs validate the forms.
import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ClaimsService, StructureFields, StructurePatch, StructureView, StructuresService } from '@app/catalogue';
import { FieldError, forbidden } from '@app/common';
import { STRUCTURE_KINDS, normaliseSiret, structureKindLabel } from '@app/domain';
import { ReferenceService } from '@app/reference';
import { Roles } from '../auth/auth.guard';
import type { CurrentAccount } from '../auth/auth.types';
import { CreateStructureDto, UpdateStructureDto } from '../catalogue/structure.dto';
import { FormBody, mergeFieldErrors, text, validateAs } from './forms';
import { CsrfGuard, PageRenderer, PageRequest, formProblem } from './page-renderer';
import { prestationOptions, sectorGroupsWithOptions } from './presenters';
import {
  STRUCTURE_FIELD_LABELS,
  StructureFormValues,
  emptyStructureValues,
  parseStructureForm,
  structureErrorsOnForm,
  structureFormValues,
} from './structure-form';

@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
export class StructuresPages {
  constructor(
    private readonly pages: PageRenderer,
    private readonly structures: StructuresService,
    private readonly claims: ClaimsService,
    private readonly reference: ReferenceService,
  ) {}

  @Get('mes-structures')
  @Roles('supplier', 'company')
  async mine(@Req() req: PageRequest, @Res() res: Response) {
    const account = req.account!;
    const [page, claims] = await Promise.all([this.structures.list({ mine: true, page: 1, perPage: 100 }, account), this.claims.mine(account)]);
    this.pages.render(req, res, 'structures/mine.njk', { pageTitle: 'Mes structures', structures: page.items, total: page.total, claims: claims.filter((c) => c.status !== 'approved') });
  }

  @Get('structures/nouvelle')
  @Roles('supplier', 'company')
  createForm(@Req() req: PageRequest, @Res() res: Response) {
    const values = emptyStructureValues();
    if (req.account!.role === 'company') values.kind = 'COMPANY';
    this.renderForm(req, res, 'create', values, []);
  }

  @Post('structures/nouvelle')
  @Roles('supplier', 'company')
  async create(@Req() req: PageRequest, @Res() res: Response, @Body() body: FormBody) {
    const parsed = parseStructureForm(body, 'create', this.reference.index);
    const { value, errors } = await validateAs(CreateStructureDto, parsed.body);
    const all = mergeFieldErrors(parsed.errors, structureErrorsOnForm(errors, parsed.values.areaType));
    if (all.length) return this.renderForm(req, res, 'create', parsed.values, all, 400);
    try {
      const created = await this.structures.create(req.account!, value as unknown as StructureFields);
      this.pages.redirect(res, `/structures/${created.id}`, { type: 'success', message: `La structure ${created.name} est inscrite. Elle apparaîtra dans la recherche d’ici quelques secondes.` });
    } catch (error) {
      const refused = formProblem(error);
      if (!refused) throw error;
      const existing = (refused.problem.existingStructureIds as string[] | undefined) ?? [];
      this.renderForm(req, res, 'create', parsed.values, structureErrorsOnForm(refused.errors, parsed.values.areaType), refused.problem.status, existing);
    }
  }

  @Get('structures/revendiquer')
  @Roles('supplier', 'company')
  async findToClaim(@Req() req: PageRequest, @Res() res: Response, @Query() query: FormBody) {
    const siret = normaliseSiret(text(query, 'siret'));
    const errors: FieldError[] = [];
    let found: StructureView[] | undefined;
    if (siret) {
      if (!/^\d{14}$/.test(siret)) errors.push({ field: 'siret', message: 'Un SIRET fait 14 chiffres' });
      else found = (await this.structures.list({ siret, page: 1, perPage: 20 }, req.account)).items;
    }
    const owned = new Map((await this.structures.findByIds((found ?? []).map((s) => s.id))).map((s) => [s.id, s.ownerId]));
    this.pages.render(
      req,
      res,
      'structures/find-claim.njk',
      { pageTitle: 'Revendiquer une structure', values: { siret }, errors, found: found?.map((s) => ({ ...s, owned: !!owned.get(s.id) })) },
      errors.length ? 400 : 200,
    );
  }

  @Get('structures/:id/revendiquer')
  @Roles('supplier', 'company')
  async claimForm(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    const structure = await this.structures.get(id, req.account);
    this.pages.render(req, res, 'structures/claim.njk', { pageTitle: `Revendiquer ${structure.name}`, structure, values: { message: '' } });
  }

  @Post('structures/:id/revendiquer')
  @Roles('supplier', 'company')
  async claim(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Body() body: FormBody) {
    const structure = await this.structures.get(id, req.account);
    const message = text(body, 'message');
    const errors: FieldError[] = [];
    if (!message) errors.push({ field: 'message', message: 'Expliquez votre lien avec la structure (fonction, coordonnées), pour que la demande puisse être vérifiée.' });
    if (message.length > 2000) errors.push({ field: 'message', message: '2000 caractères au plus' });
    if (!errors.length) {
      try {
        await this.claims.request(req.account!, structure.id, message);
        return this.pages.redirect(res, `/structures/${structure.id}`, {
          type: 'success',
          message: 'Votre demande est enregistrée. Un administrateur la vérifiera (il peut vous contacter) ; vous serez notifié(e) de sa décision et pourrez ensuite modifier la fiche.',
        });
      } catch (error) {
        const refused = formProblem(error);
        if (!refused) throw error;
        errors.push({ field: 'message', message: refused.problem.detail ?? 'Demande impossible' });
      }
    }
    this.pages.render(req, res, 'structures/claim.njk', { pageTitle: `Revendiquer ${structure.name}`, structure, values: { message }, errors }, 400);
  }

  @Get('structures/:id/modifier')
  async editForm(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    const structure = await this.manageable(id, req.account!);
    this.renderForm(req, res, 'update', structureFormValues(structure, this.reference.index), [], 200, [], structure);
  }

  @Post('structures/:id/modifier')
  async update(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Body() body: FormBody) {
    const structure = await this.manageable(id, req.account!);
    const parsed = parseStructureForm(body, 'update', this.reference.index);
    parsed.values.siret = structure.siret;
    const { value, errors } = await validateAs(UpdateStructureDto, parsed.body);
    const all = mergeFieldErrors(parsed.errors, structureErrorsOnForm(errors, parsed.values.areaType));
    if (all.length) return this.renderForm(req, res, 'update', parsed.values, all, 400, [], structure);
    try {
      await this.structures.update(req.account!, structure.id, value as unknown as StructurePatch);
      this.pages.redirect(res, `/structures/${structure.id}`, { type: 'success', message: 'Les modifications sont enregistrées.' });
    } catch (error) {
      const refused = formProblem(error);
      if (!refused) throw error;
      this.renderForm(req, res, 'update', parsed.values, structureErrorsOnForm(refused.errors, parsed.values.areaType), refused.problem.status, [], structure);
    }
  }

  @Get('structures/:id/retirer')
  async delistForm(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    const structure = await this.manageable(id, req.account!);
    this.pages.render(req, res, 'structures/delist.njk', { pageTitle: `Retirer ${structure.name} du catalogue`, structure });
  }

  @Post('structures/:id/retirer')
  async delist(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    const structure = await this.structures.delist(req.account!, id);
    this.pages.redirect(res, '/mes-structures', { type: 'info', message: `${structure.name} est retirée du catalogue : elle n’apparaît plus dans la recherche.` });
  }

  private async manageable(id: string, account: CurrentAccount): Promise<StructureView> {
    const structure = await this.structures.get(id, account);
    // ownerId is only in the view for its owner and admins.
    if (account.role !== 'admin' && structure.ownerId !== account.id) throw forbidden('Seul le propriétaire de la structure ou un administrateur peut la modifier');
    return structure;
  }

  private renderForm(
    req: PageRequest,
    res: Response,
    mode: 'create' | 'update',
    values: StructureFormValues,
    errors: FieldError[],
    status = 200,
    existingIds: string[] = [],
    structure?: StructureView,
  ) {
    this.pages.render(
      req,
      res,
      'structures/form.njk',
      {
        pageTitle: mode === 'create' ? 'Inscrire une structure' : `Modifier ${structure?.name ?? 'la structure'}`,
        mode,
        structure,
        values,
        errors,
        fieldLabels: STRUCTURE_FIELD_LABELS,
        existingIds,
        kindOptions: STRUCTURE_KINDS.map((k) => ({ value: k, label: `${structureKindLabel(k)}` })),
        sectorGroups: sectorGroupsWithOptions(this.reference.index),
        prestationOptions: prestationOptions(),
        regionOptions: this.reference.regions().map((r) => ({ value: r.code, label: r.name })).sort((a, b) => a.label.localeCompare(b.label, 'fr')),
        areaOptions: [
          { value: 'radius', label: 'Dans un rayon autour du siège' },
          { value: 'departments', label: 'Dans certains départements' },
          { value: 'regions', label: 'Dans certaines régions' },
          { value: 'national', label: 'Dans toute la France' },
        ],
      },
      status,
    );
  }
}
