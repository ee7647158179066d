// The admins' review page: claims of structures (approve, or reject with a reason sent to the claimant) and
// structures users declared that nobody has confirmed yet (verify). The catalogue's services do the work.
import { Body, Controller, Get, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ClaimsService, StructuresService } from '@app/catalogue';
import type { FieldError } from '@app/common';
import { Roles } from '../auth/auth.guard';
import { FormBody, text } from './forms';
import { CsrfGuard, PageRenderer, PageRequest, formProblem } from './page-renderer';

const REVIEW_PATH = '/admin/revendications';

@ApiExcludeController()
@Controller('admin')
@UseGuards(CsrfGuard)
@Roles('admin')
export class AdminPages {
  constructor(
    private readonly pages: PageRenderer,
    private readonly claims: ClaimsService,
    private readonly structures: StructuresService,
  ) {}

  @Get('revendications')
  async review(@Req() req: PageRequest, @Res() res: Response) {
    await this.render(req, res);
  }

  @Post('revendications/:structureId/:claimId/approuver')
  async approve(@Req() req: PageRequest, @Res() res: Response, @Param('structureId') structureId: string, @Param('claimId') claimId: string, @Body() body: FormBody) {
    const claim = await this.claims.approve(req.account!, structureId, claimId, text(body, 'reason'));
    this.pages.redirect(res, REVIEW_PATH, { type: 'success', message: `Revendication approuvée : « ${claim.structureName} » est confiée à son auteur, qui en est informé.` });
  }

  @Post('revendications/:structureId/:claimId/rejeter')
  async reject(@Req() req: PageRequest, @Res() res: Response, @Param('structureId') structureId: string, @Param('claimId') claimId: string, @Body() body: FormBody) {
    try {
      const claim = await this.claims.reject(req.account!, structureId, claimId, text(body, 'reason'));
      this.pages.redirect(res, REVIEW_PATH, { type: 'success', message: `Revendication de « ${claim.structureName} » rejetée ; son auteur reçoit le motif.` });
    } catch (error) {
      const refused = formProblem(error);
      if (!refused) throw error;
      await this.render(req, res, { claimId, errors: refused.errors.map((e) => ({ ...e, field: `reason-${claimId}` })) }, refused.problem.status);
    }
  }

  @Post('structures/:id/verifier')
  async verify(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    const structure = await this.structures.verify(req.account!, id);
    this.pages.redirect(res, REVIEW_PATH, { type: 'success', message: `« ${structure.name} » est vérifiée : son type compte désormais pour les lots réservés.` });
  }

  private async render(req: PageRequest, res: Response, failed?: { claimId: string; errors: FieldError[] }, status = 200) {
    const [claims, unverified] = await Promise.all([this.claims.forReview(req.account!), this.structures.unverified(req.account!)]);
    this.pages.render(req, res, 'admin/claims.njk', { pageTitle: 'Revendications et structures à vérifier', claims, unverified, errors: failed?.errors }, status);
  }
}
