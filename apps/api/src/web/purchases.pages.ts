// Buyers' pages for purchase analyses: upload a plan (CSV or XLSX), follow its progress (a script polls and
// reloads the page when done; without it, an « Actualiser » link: no meta refresh, WCAG 2.2.1), read the advice
// per line and the bad lines, export as Excel or CSV.
import { Controller, Get, Param, Post, Query, Req, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { unlink } from 'node:fs/promises';
import { ProblemException, type FieldError } from '@app/common';
import { ADVICE_OPTIONS, adviceOptionLabel, type AdviceOption } from '@app/domain';
import { ReferenceService } from '@app/reference';
import { PurchaseAnalysesService, PurchaseAnalysisQueue } from '@app/tenders';
import { Roles } from '../auth/auth.guard';
import { purchaseFileInterceptor, startAnalysis, writeExport, type UploadedPurchaseFile } from '../purchases/purchase-analyses.controller';
import { text, type FormBody } from './forms';
import { PageRenderer, formProblem, type PageRequest } from './page-renderer';
import { boundedInt, pagination } from './presenters';

const LINES_PER_PAGE = 50;
const label = (option: string) => adviceOptionLabel(option as AdviceOption);

@ApiExcludeController()
@Controller('analyses-achats')
export class PurchasesPages {
  constructor(
    private readonly pages: PageRenderer,
    private readonly analyses: PurchaseAnalysesService,
    private readonly queue: PurchaseAnalysisQueue,
    private readonly reference: ReferenceService,
  ) {}

  @Get()
  @Roles('buyer')
  async index(@Req() req: PageRequest, @Res() res: Response) {
    await this.renderIndex(req, res, [], 200);
  }

  /** Multipart: the CSRF token is read once multer has parsed the fields (the page guard runs before it). */
  @Post()
  @Roles('buyer')
  @UseInterceptors(purchaseFileInterceptor)
  async upload(@Req() req: PageRequest, @Res() res: Response, @UploadedFile() file?: UploadedPurchaseFile) {
    if (!this.pages.csrfValid(req)) {
      if (file) await unlink(file.path).catch(() => undefined);
      throw new ProblemException(403, 'Ce formulaire a expiré ou ne vient pas de ce site. Rechargez la page puis envoyez le formulaire à nouveau.', undefined, { reason: 'csrf' });
    }
    try {
      const created = await startAnalysis(this.analyses, this.queue, req.account!, file);
      this.pages.redirect(res, `/analyses-achats/${created.id}`, { type: 'success', message: `Fichier lu : ${created.totalLines} ligne(s), dont ${created.badLines} à corriger. L’analyse est en cours.` });
    } catch (error) {
      const refused = formProblem(error);
      if (!refused) throw error;
      // Every refusal of the file names the field: the summary links to it, the message sits under it.
      await this.renderIndex(req, res, refused.errors.map((e) => ({ ...e, field: 'file' })), refused.problem.status);
    }
  }

  @Get(':id')
  @Roles('buyer')
  async show(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Query() query: FormBody) {
    const analysis = await this.analyses.get(id, req.account!);
    const page = boundedInt(text(query, 'page'), 1, 1, 10_000);
    const lines = await this.analyses.lines(id, req.account!, { page, perPage: LINES_PER_PAGE });
    const problems = analysis.badLines ? await this.analyses.lines(id, req.account!, { page: 1, perPage: 100, problems: true }) : null;
    this.pages.render(req, res, 'purchases/show.njk', {
      pageTitle: `Analyse des achats – ${analysis.fileName}`,
      analysis,
      running: analysis.status === 'queued' || analysis.status === 'running',
      // Strongest measure first (reserve, clause, criterion, nothing), whatever order the counts came in.
      recommendations: ADVICE_OPTIONS.filter((o) => analysis.recommendations[o]).map((o) => ({ label: label(o), count: analysis.recommendations[o]! })),
      // The place as a buyer reads it: the commune's name, not the code or postcode typed in the file.
      lines: lines.items.map((l) => ({ ...l, placeName: (l.communeCode && this.reference.commune(l.communeCode)?.name) || l.place, adviceLabel: l.advice ? label(l.advice.recommendation) : null })),
      problems,
      pager: pagination(lines.total, page, LINES_PER_PAGE),
      base: `/analyses-achats/${id}`,
      linkParams: {},
    });
  }

  /** Polled by the progress page's script (assets/app.js), which reloads the page once the analysis ends. */
  @Get(':id/etat')
  @Roles('buyer')
  async state(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    const analysis = await this.analyses.get(id, req.account!);
    res.set('Cache-Control', 'no-store').json({ status: analysis.status, progress: analysis.progress });
  }

  @Get(':id/export.csv')
  @Roles('buyer')
  async export(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    await writeExport(res, this.analyses, id, req.account!, label, 'csv');
  }

  @Get(':id/export.xlsx')
  @Roles('buyer')
  async exportXlsx(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    await writeExport(res, this.analyses, id, req.account!, label, 'xlsx');
  }

  private async renderIndex(req: PageRequest, res: Response, errors: FieldError[], status: number) {
    this.pages.render(req, res, 'purchases/index.njk', { pageTitle: 'Analyser un plan d’achats', errors, fieldLabels: { file: 'Fichier' }, analyses: await this.analyses.list(req.account!) }, status);
  }
}
