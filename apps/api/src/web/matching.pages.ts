// Companies and structures ask for GME proposals on a tender, watch the run ("Actualiser" link without
// JavaScript, polling with it) and compare the proposals. MatchingRunsService queues the run; the worker
// computes it.
import { Body, Controller, Get, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { StructuresService } from '@app/catalogue';
import type { FieldError } from '@app/common';
import { GROUP_FORMS, reservationLabel, structureKindLabel } from '@app/domain';
import { MatchingRunView, MatchingRunsService } from '@app/matching';
import { TenderView, TendersService } from '@app/tenders';
import { CreateMatchingRunDto } from '../matching/matching.dto';
import { MatchingRunThrottle } from '../matching/matching-run-throttle';
import { assignmentTexts } from './bid-form';
import { FormBody, validateAs } from './forms';
import { MatchingFormValues, parseMatchingForm } from './matching-form';
import { CsrfGuard, PageRenderer, PageRequest, formProblem } from './page-renderer';
import { capitalise, scoreBreakdownLines } from './presenters';

export const RUN_STATUS_LABELS: Record<string, string> = {
  queued: 'En attente',
  running: 'En cours de calcul',
  succeeded: 'Terminé',
  failed: 'Échec',
};

const FORM_LABELS: Record<string, string> = {
  CONJOINT: 'Groupement conjoint',
  SOLIDAIRE: 'Groupement solidaire',
};

@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
export class MatchingPages {
  constructor(
    private readonly pages: PageRenderer,
    private readonly runs: MatchingRunsService,
    private readonly tenders: TendersService,
    private readonly structures: StructuresService,
    private readonly throttle: MatchingRunThrottle,
  ) {}

  @Get('appels-d-offres/:id/rapprochement')
  async form(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    const tender = await this.tenders.get(id, req.account);
    const mine = await this.myStructures(req);
    const values: MatchingFormValues = { lots: [], anchorStructureId: mine[0]?.value ?? '', maxMembers: '4', forms: [...GROUP_FORMS], topK: '5' };
    await this.renderForm(req, res, tender, values, [], 200, mine);
  }

  @Post('appels-d-offres/:id/rapprochement')
  async create(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Body() input: FormBody) {
    const tender = await this.tenders.get(id, req.account);
    const { values, body } = parseMatchingForm(input);
    const { value, errors } = await validateAs(CreateMatchingRunDto, body);
    if (!errors.length) {
      try {
        await this.throttle.take(req.account!.id);
        const run = await this.runs.create(tender.id, req.account!, value);
        return this.pages.redirect(res, `/rapprochements/${run.id}`);
      } catch (error) {
        const refused = formProblem(error);
        if (!refused) throw error;
        return this.renderForm(req, res, tender, values, refused.errors, refused.problem.status);
      }
    }
    await this.renderForm(req, res, tender, values, errors, 400);
  }

  @Get('rapprochements/:id')
  async show(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    const run = await this.runs.get(id, req.account!);
    const tender = await this.tenders.get(run.tenderId, req.account);
    const finished = run.status === 'succeeded' || run.status === 'failed';
    this.pages.render(req, res, 'matching/run.njk', {
      pageTitle: finished ? `Groupements proposés – ${tender.title}` : `Calcul en cours – ${tender.title}`,
      run,
      tender,
      finished,
      statusLabel: RUN_STATUS_LABELS[run.status] ?? run.status,
      proposals: run.proposals.map((p) => presentProposal(p, tender, Math.max(...run.proposals.map((q) => q.score)))),
      canOpenBid: !!req.account && ['company', 'supplier', 'admin'].includes(req.account.role),
    });
  }

  /** What the page's script polls: status and progress only. */
  @Get('rapprochements/:id/etat')
  async state(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    const run = await this.runs.get(id, req.account!);
    res.set('Cache-Control', 'no-store').json({ status: run.status, progress: run.progress });
  }

  private async myStructures(req: PageRequest) {
    if (!req.account || req.account.role === 'buyer') return [];
    const page = await this.structures.list({ mine: true, page: 1, perPage: 100 }, req.account);
    return page.items.filter((s) => !s.delistedAt).map((s) => ({ value: s.id, label: `${s.name} (${s.kind === 'COMPANY' ? 'entreprise' : s.kind})` }));
  }

  private async renderForm(
    req: PageRequest,
    res: Response,
    tender: TenderView,
    values: MatchingFormValues,
    errors: FieldError[],
    status = 200,
    mine?: { value: string; label: string }[],
  ) {
    const structures = mine ?? (await this.myStructures(req));
    const runs = await this.runs.list(tender.id, req.account!, { page: 1, perPage: 10 });
    this.pages.render(
      req,
      res,
      'matching/form.njk',
      {
        pageTitle: `Proposer des groupements – ${tender.title}`,
        tender,
        values,
        errors,
        fieldLabels: { lots: 'Lots', anchorStructureId: 'Structure à inclure', maxMembers: 'Nombre de membres', forms: 'Formes', topK: 'Nombre de propositions' },
        lotOptions: tender.lots.map((l) => ({ value: String(l.number), label: `Lot ${l.number} – ${l.title}`, hint: l.reservation !== 'NONE' ? capitalise(reservationLabel(l.reservation)) : undefined })),
        anchorOptions: [{ value: '', label: 'Aucune : proposer librement' }, ...structures],
        formOptions: GROUP_FORMS.map((f) => ({ value: f, label: FORM_LABELS[f] })),
        sizeOptions: [2, 3, 4, 5, 6].map((n) => ({ value: String(n), label: `${n} membres au plus` })),
        topKOptions: [3, 5, 10].map((n) => ({ value: String(n), label: `${n} propositions` })),
        previousRuns: runs.items.map((r) => ({ ...r, statusLabel: RUN_STATUS_LABELS[r.status] ?? r.status })),
      },
      status,
    );
  }
}

/** A proposal with what the comparison shows: members' lots and shares in words, totals. */
/** `bestScore`: the run's best, which scores 100 (proposal scores are points of the optimiser, with no fixed top). */
export function presentProposal(proposal: MatchingRunView['proposals'][number], tender: Pick<TenderView, 'lots'>, bestScore = proposal.score) {
  const lotTitle = new Map(tender.lots.map((l) => [l.number, l.title]));
  const mandataire = proposal.members.find((m) => m.role === 'MANDATAIRE');
  return {
    ...proposal,
    formLabel: FORM_LABELS[proposal.form] ?? proposal.form,
    scoreOutOf100: bestScore > 0 ? Math.max(0, Math.round((100 * proposal.score) / bestScore)) : 0,
    scoreLines: scoreBreakdownLines(proposal.scoreBreakdown),
    mandataireName: mandataire?.name,
    totalAmountEur: proposal.members.reduce((sum, m) => sum + m.estimatedAmountEur, 0),
    insertionCovered: proposal.insertion.requiredHours === 0 || proposal.insertion.coveredHours >= proposal.insertion.requiredHours,
    lotLabels: proposal.lots.map((n) => `Lot ${n}${lotTitle.get(n) ? ` – ${lotTitle.get(n)}` : ''}`),
    members: proposal.members.map((m) => ({
      ...m,
      kindLabel: structureKindLabel(m.kind),
      assignmentTexts: assignmentTexts(m.assignments, tender.lots),
    })),
  };
}
