// The bid workspace pages (issue 6): open a groupement from a matching proposal or from scratch, invite,
// answer invitations, the lead's composition form, "Vérifier et déposer", the history, the printable
// summary, and "Mes groupements". BidsService (libs/bids) does the work and decides who may see what:
// its 404 for outsiders becomes the French 404 page.
import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { BidCheckView, BidView, BidsService } from '@app/bids';
import { StructuresService } from '@app/catalogue';
import { FieldError, notFound } from '@app/common';
import { GROUP_FORMS, RuleViolation, normaliseSiret, structureKindLabel } from '@app/domain';
import { MatchingRunsService } from '@app/matching';
import { SearchService, searchQuery } from '@app/search';
import { TenderView, TendersService } from '@app/tenders';
import { Roles } from '../auth/auth.guard';
import {
  BID_FORM_LABELS,
  BID_STATUS_LABELS,
  COMPOSITION_FIELD_LABELS,
  CompositionValues,
  MEMBER_STATUS_LABELS,
  RELATION_LABELS,
  assignmentTexts,
  columnTotals,
  compositionErrorsOnForm,
  compositionValues,
  eventText,
  parseComposition,
  splitUnits,
  withTypedCells,
} from './bid-form';
import { FormBody, list, renameErrorFields, text } from './forms';
import { CsrfGuard, PageRenderer, PageRequest, formProblem, problemOf } from './page-renderer';
import { ruleName } from './presenters';

/** Rules that are not numbered in domain-rules.md, named for the error summary. */
interface Option {
  value: string;
  label: string;
  hint?: string;
}

/** What the workspace page shows besides the bid itself (a refused form, a refused submission). */
interface WorkspaceExtras {
  errors?: FieldError[];
  composition?: CompositionValues;
  violations?: RuleViolation[];
  inviteQuery?: string;
}

@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
export class BidsPages {
  constructor(
    private readonly pages: PageRenderer,
    private readonly bids: BidsService,
    private readonly tenders: TendersService,
    private readonly runs: MatchingRunsService,
    private readonly structures: StructuresService,
    private readonly search: SearchService,
  ) {}

  @Get('mes-groupements')
  async mine(@Req() req: PageRequest, @Res() res: Response) {
    const page = await this.bids.list(req.account!, { page: 1, perPage: 100 });
    this.pages.render(req, res, 'bids/mine.njk', {
      pageTitle: 'Mes groupements',
      total: page.total,
      bids: page.items.map((b) => ({ ...b, statusLabel: BID_STATUS_LABELS[b.status] ?? b.status, formLabel: BID_FORM_LABELS[b.form] ?? b.form, relationLabel: RELATION_LABELS[b.relation] ?? b.relation })),
    });
  }

  // ─── Opening a bid ─────────────────────────────────────────────────────────

  /** "Constituer ce groupement" posts here; without a chosen lead the page asks for one. */
  @Post('rapprochements/:runId/propositions/:proposalId/groupement')
  @Roles('supplier', 'company')
  async fromProposal(@Req() req: PageRequest, @Res() res: Response, @Param('runId') runId: string, @Param('proposalId') proposalId: string, @Body() body: FormBody) {
    const { run, proposal, tender, leads } = await this.proposalContext(req, runId, proposalId);
    const leadStructureId = text(body, 'leadStructureId');
    if (!leadStructureId) return this.renderChooseLead(req, res, { run, proposal, tender, leads, selected: leads[0]?.value ?? '' });
    const errors: FieldError[] = leads.some((l) => l.value === leadStructureId) ? [] : [{ field: 'leadStructureId', message: 'choisissez l’une de vos structures membres de la proposition' }];
    if (errors.length) return this.renderChooseLead(req, res, { run, proposal, tender, leads, selected: '', errors }, 400);
    await this.createBid(req, res, { tenderId: tender.id, lots: proposal.lots, leadStructureId, fromProposalId: proposal.id }, (refused, status) =>
      this.renderChooseLead(req, res, { run, proposal, tender, leads, selected: leadStructureId, errors: refused }, status),
    );
  }

  @Get('rapprochements/:runId/propositions/:proposalId/groupement')
  @Roles('supplier', 'company')
  async chooseLead(@Req() req: PageRequest, @Res() res: Response, @Param('runId') runId: string, @Param('proposalId') proposalId: string) {
    const context = await this.proposalContext(req, runId, proposalId);
    this.renderChooseLead(req, res, { ...context, selected: context.leads[0]?.value ?? '' });
  }

  /** "Monter un groupement" from a tender page: a lead structure and lots, no proposal. */
  @Get('appels-d-offres/:id/groupement')
  @Roles('supplier', 'company')
  async newForm(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    const tender = await this.tenders.get(id, req.account);
    const leads = await this.myStructureOptions(req);
    this.renderNewForm(req, res, tender, leads, { leadStructureId: leads[0]?.value ?? '', lots: tender.lots.map((l) => String(l.number)) });
  }

  @Post('appels-d-offres/:id/groupement')
  @Roles('supplier', 'company')
  async createFromScratch(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Body() body: FormBody) {
    const tender = await this.tenders.get(id, req.account);
    const leads = await this.myStructureOptions(req);
    const values = { leadStructureId: text(body, 'leadStructureId'), lots: list(body, 'lots') };
    const errors: FieldError[] = [];
    if (!values.leadStructureId) errors.push({ field: 'leadStructureId', message: 'choisissez la structure qui gère le groupement' });
    if (!values.lots.length) errors.push({ field: 'lots', message: 'cochez au moins un lot' });
    const lots = values.lots.map(Number);
    if (lots.some((n) => !Number.isInteger(n))) errors.push({ field: 'lots', message: 'lot inconnu' });
    if (errors.length) return this.renderNewForm(req, res, tender, leads, values, errors, 400);
    await this.createBid(req, res, { tenderId: tender.id, lots, leadStructureId: values.leadStructureId }, (refused, status) =>
      this.renderNewForm(req, res, tender, leads, values, refused, status),
    );
  }

  // ─── The workspace ─────────────────────────────────────────────────────────

  @Get('groupements/:id')
  async show(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Query() query: FormBody) {
    await this.renderWorkspace(req, res, id, { inviteQuery: text(query, 'structure').slice(0, 200) });
  }

  @Post('groupements/:id/invitations')
  async invite(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Body() body: FormBody) {
    const structureId = text(body, 'structureId');
    const email = text(body, 'email') || undefined;
    try {
      const { invitation } = await this.bids.invite(id, structureId, req.account!, email);
      // Say plainly who, if anyone, receives it: a structure nobody owns may have no address at all.
      const flash =
        invitation.channel === 'owner'
          ? ({ type: 'success', message: 'Invitation envoyée : la structure est prévenue sur son espace et par e-mail.' } as const)
          : invitation.channel === 'email'
            ? ({ type: 'success', message: `Invitation envoyée par e-mail à ${invitation.email}, avec un lien pour revendiquer la structure et répondre.` } as const)
            : ({
                type: 'warning',
                message: invitation.email
                  ? `Invitation enregistrée, mais personne ne la recevra : l’envoi d’e-mails n’est pas configuré sur ce service. Contactez la structure directement (${invitation.email}).`
                  : 'Invitation enregistrée, mais personne ne la recevra : cette structure n’a ni compte sur le service ni adresse de contact. Indiquez une adresse e-mail en l’invitant, ou contactez-la directement.',
              } as const);
      this.pages.redirect(res, `/groupements/${id}#membres`, flash);
    } catch (error) {
      const refused = formProblem(error);
      if (!refused) throw error;
      await this.renderWorkspace(req, res, id, { errors: refused.errors }, refused.problem.status);
    }
  }

  @Post('groupements/:id/membres/:structureId/accepter')
  async accept(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Param('structureId') structureId: string) {
    await this.act(req, res, id, () => this.bids.accept(id, structureId, req.account!), 'Vous avez rejoint le groupement.');
  }

  @Post('groupements/:id/membres/:structureId/decliner')
  async decline(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Param('structureId') structureId: string) {
    await this.act(req, res, id, () => this.bids.decline(id, structureId, req.account!), 'Vous avez décliné l’invitation.');
  }

  @Post('groupements/:id/membres/:structureId/retirer')
  async remove(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Param('structureId') structureId: string, @Body() body: FormBody) {
    const bid = await this.bids.get(id, req.account!);
    const member = bid.members.find((m) => m.structureId === structureId);
    const question = {
      title: `Retirer ${member?.name ?? 'cette structure'} du groupement ?`,
      message: 'La structure quitte le groupement et ses parts sont libérées ; pour la reprendre, il faudra l’inviter à nouveau et qu’elle accepte.',
      confirmLabel: 'Retirer la structure',
      cancelHref: `/groupements/${id}#membres`,
    };
    if (!this.pages.confirmed(req, res, body, question)) return;
    await this.act(req, res, id, () => this.bids.removeMember(id, structureId, req.account!), 'La structure a été retirée du groupement.', '#membres');
  }

  @Post('groupements/:id/composition')
  async compose(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Body() body: FormBody) {
    const parsed = parseComposition(body);
    const errors = [...parsed.errors];
    if (!(GROUP_FORMS as readonly string[]).includes(parsed.form)) errors.push({ field: 'form', message: 'choisissez groupement conjoint ou solidaire' });
    const retype = async (refused: FieldError[], status: number) => {
      const bid = await this.bids.get(id, req.account!);
      const tender = await this.tenders.get(bid.tenderId, req.account);
      const composition = withTypedCells(compositionValues(bid, splitUnits(bid.lots, tender.lots)), parsed);
      await this.renderWorkspace(req, res, id, { errors: refused, composition }, status, { bid, tender });
    };
    if (errors.length) return retype(errors, 400);
    try {
      await this.bids.update(id, parsed.body as Parameters<BidsService['update']>[1], req.account!);
      this.pages.redirect(res, `/groupements/${id}#composition`, { type: 'success', message: 'La composition du groupement est enregistrée.' });
    } catch (error) {
      const refused = formProblem(error);
      if (!refused) throw error;
      await retype(compositionErrorsOnForm(refused.errors, parsed.cellOfAssignment), refused.problem.status);
    }
  }

  /** "Vérifier et déposer": the rules decide; a refusal lists every violated rule by name. */
  @Post('groupements/:id/depot')
  async submit(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Body() body: FormBody) {
    try {
      if (body?.confirm !== 'oui') {
        // Rules first: a groupement that cannot be submitted shows what to fix rather than a confirmation.
        const check = await this.bids.check(id, req.account!);
        if (check.violations.length) return this.renderWorkspace(req, res, id, { violations: check.violations }, 422);
        const question = {
          title: 'Déposer le groupement ?',
          message: 'Toutes les règles sont respectées. Une fois déposé, le groupement est figé : ses membres, le mandataire et la répartition ne pourront plus changer que par une substitution autorisée par l’acheteur.',
          confirmLabel: 'Déposer le groupement',
          cancelHref: `/groupements/${id}#depot`,
        };
        if (!this.pages.confirmed(req, res, body, question)) return;
      }
      await this.bids.submit(id, req.account!);
      this.pages.redirect(res, `/groupements/${id}`, { type: 'success', message: 'Le groupement est déposé : sa composition est désormais figée.' });
    } catch (error) {
      const problem = problemOf(error);
      const violations = problem?.status === 422 ? (problem.violations as RuleViolation[] | undefined) : undefined;
      if (violations?.length) return this.renderWorkspace(req, res, id, { violations }, 422);
      const refused = formProblem(error);
      if (!refused) throw error;
      await this.renderWorkspace(req, res, id, { errors: refused.errors }, refused.problem.status);
    }
  }

  /** The DC1 / acte d'engagement facts, printable; members and the tender's buyer only (others: 404). */
  @Get('groupements/:id/synthese')
  async summary(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    const summary = await this.bids.summary(id, req.account!);
    this.pages.render(req, res, 'bids/summary.njk', {
      pageTitle: `Synthèse du groupement – ${summary.tender.title}`,
      summary,
      statusLabel: BID_STATUS_LABELS[summary.status] ?? summary.status,
      violations: namedViolations(summary.check),
    });
  }

  // ─── Internals ─────────────────────────────────────────────────────────────

  private async renderWorkspace(
    req: PageRequest,
    res: Response,
    id: string,
    extras: WorkspaceExtras = {},
    status = 200,
    loaded?: { bid: BidView; tender: TenderView },
  ): Promise<void> {
    const bid = loaded?.bid ?? (await this.bids.get(id, req.account!));
    const tender = loaded?.tender ?? (await this.tenders.get(bid.tenderId, req.account));
    const [history, check] = await Promise.all([this.bids.history(id, req.account!), this.bids.check(id, req.account!)]);
    const units = splitUnits(bid.lots, tender.lots);
    const invite = bid.viewer.canEdit && extras.inviteQuery ? await this.lookUp(extras.inviteQuery, bid) : undefined;
    const lotTitles = new Map(tender.lots.map((l) => [l.number, l.title]));
    const activeMembers = bid.members.filter((m) => m.status !== 'declined');
    const composition = extras.composition ?? compositionValues(bid, units);
    this.pages.render(
      req,
      res,
      'bids/show.njk',
      {
        // A refused submission lists the violated rules in an error summary: the title says so, as a form's does.
        pageTitle: `${extras.violations?.length ? 'Erreur : ' : ''}Groupement – ${tender.title}`,
        bid,
        tender,
        statusLabel: BID_STATUS_LABELS[bid.status] ?? bid.status,
        formLabel: BID_FORM_LABELS[bid.form] ?? bid.form,
        lotLabels: bid.lots.map((n) => `Lot ${n}${lotTitles.get(n) ? ` – ${lotTitles.get(n)}` : ''}`),
        members: bid.members.map((m) => ({
          ...m,
          kindLabel: structureKindLabel(m.kind),
          statusLabel: MEMBER_STATUS_LABELS[m.status] ?? m.status,
          assignmentTexts: assignmentTexts(m.assignments, tender.lots),
          canAnswer: bid.status === 'forming' && bid.viewer.memberStructureIds.includes(m.structureId) && !m.isLead,
          canRemove: bid.viewer.canEdit && !m.isLead,
        })),
        totalAmountEur: bid.members.reduce((sum, m) => sum + m.estimatedAmountEur, 0),
        units,
        composition,
        splitTotals: columnTotals(composition),
        mandataireOptions: activeMembers.map((m) => ({ value: m.structureId, label: `${m.name} (${m.kind === 'COMPANY' ? 'entreprise' : m.kind})` })),
        formOptions: GROUP_FORMS.map((f) => ({ value: f, label: BID_FORM_LABELS[f] })),
        history: history.items.map((e) => ({ ...e, text: eventText(e) })).reverse(),
        warnings: check.warnings.map((w) => ({ ...w, name: ruleName(w.rule) })),
        violations: extras.violations?.map((v) => ({ ...v, name: ruleName(v.rule), href: violationAnchor(v) })),
        // The service names the invited structure `structureId`; on the page it is the search field.
        errors: renameErrorFields(extras.errors ?? [], { structureId: 'structure' }),
        fieldLabels: { ...COMPOSITION_FIELD_LABELS, structure: 'Structure à inviter' },
        invite,
        inviteQuery: extras.inviteQuery ?? '',
      },
      status,
    );
  }

  /** Structures to invite: by SIRET (exact, from the catalogue) or by name (search index), members marked. */
  private async lookUp(query: string, bid: BidView) {
    const onBid = new Set(bid.members.map((m) => m.structureId));
    const siret = normaliseSiret(query);
    const found = /^\d{14}$/.test(siret)
      ? (await this.structures.list({ siret, page: 1, perPage: 10 }, undefined)).items.filter((s) => !s.delistedAt).map((s) => ({ id: s.id, siret: s.siret, name: s.name, kind: s.kind, place: s.communeName ?? '' }))
      : (await this.search.search(searchQuery({ q: query, placeFromText: false, inclusiveOnly: false, perPage: 10 }))).hits.map((h) => ({ id: h.id, siret: h.siret, name: h.name, kind: h.kind, place: h.communeName ?? '' }));
    return found.map((s) => ({ ...s, kindLabel: structureKindLabel(s.kind), onBid: onBid.has(s.id) }));
  }

  /** One action button of the workspace: done → back to the page with a message; refused → the page with the reason. */
  private async act(req: PageRequest, res: Response, id: string, work: () => Promise<unknown>, message: string, anchor = ''): Promise<void> {
    try {
      await work();
      this.pages.redirect(res, `/groupements/${id}${anchor}`, { type: 'success', message });
    } catch (error) {
      const refused = formProblem(error);
      if (!refused) throw error;
      await this.renderWorkspace(req, res, id, { errors: refused.errors }, refused.problem.status);
    }
  }

  private async createBid(
    req: PageRequest,
    res: Response,
    input: Parameters<BidsService['create']>[0],
    onRefusal: (errors: FieldError[], status: number) => unknown,
  ): Promise<void> {
    try {
      const bid = await this.bids.create(input, req.account!);
      const invited = bid.members.filter((m) => m.status === 'invited').length;
      const message = invited
        ? `Le groupement est ouvert : ${invited} structure(s) invitée(s) doivent accepter avant le dépôt.`
        : 'Le groupement est ouvert : invitez maintenant ses membres.';
      this.pages.redirect(res, `/groupements/${bid.id}`, { type: 'success', message });
    } catch (error) {
      const refused = formProblem(error);
      if (!refused) throw error;
      await onRefusal(refused.errors, refused.problem.status);
    }
  }

  /** The proposal of a run the caller may read, and the caller's structures that may lead it. */
  private async proposalContext(req: PageRequest, runId: string, proposalId: string) {
    const run = await this.runs.get(runId, req.account!);
    const proposal = run.proposals.find((p) => p.id === proposalId);
    if (!proposal) throw notFound('Proposition introuvable');
    const tender = await this.tenders.get(run.tenderId, req.account);
    const inProposal = new Set(proposal.members.map((m) => m.structureId));
    const leads = (await this.myStructureOptions(req)).filter((o) => inProposal.has(o.value));
    return { run, proposal, tender, leads };
  }

  private async myStructureOptions(req: PageRequest): Promise<Option[]> {
    const page = await this.structures.list({ mine: true, page: 1, perPage: 100 }, req.account);
    return page.items.filter((s) => !s.delistedAt).map((s) => ({ value: s.id, label: s.name, hint: `${structureKindLabel(s.kind)} · SIRET ${s.siret}` }));
  }

  private renderChooseLead(
    req: PageRequest,
    res: Response,
    data: { run: { id: string }; proposal: { id: string; rank: number; lots: number[]; form: string }; tender: TenderView; leads: Option[]; selected: string; errors?: FieldError[] },
    status = 200,
  ) {
    this.pages.render(
      req,
      res,
      'bids/from-proposal.njk',
      {
        pageTitle: `Constituer le groupement n° ${data.proposal.rank} – ${data.tender.title}`,
        ...data,
        formLabel: BID_FORM_LABELS[data.proposal.form] ?? data.proposal.form,
        fieldLabels: { leadStructureId: 'Structure qui gère le groupement', lots: 'Lots', fromProposalId: 'Proposition', tenderId: 'Appel d’offres' },
      },
      status,
    );
  }

  private renderNewForm(req: PageRequest, res: Response, tender: TenderView, leads: Option[], values: { leadStructureId: string; lots: string[] }, errors: FieldError[] = [], status = 200) {
    this.pages.render(
      req,
      res,
      'bids/new.njk',
      {
        pageTitle: `Monter un groupement – ${tender.title}`,
        tender,
        leads,
        values,
        errors,
        lotOptions: tender.lots.map((l) => ({ value: String(l.number), label: `Lot ${l.number} – ${l.title}`, hint: l.reservation !== 'NONE' ? `Réservé ${l.reservation}` : undefined })),
        fieldLabels: { leadStructureId: 'Structure qui gère le groupement', lots: 'Lots', tenderId: 'Appel d’offres' },
      },
      status,
    );
  }
}

/** Where a violation points on the workspace page, for the error summary's links. */
function violationAnchor(v: RuleViolation): string {
  const field = v.field ?? '';
  if (field.startsWith('members')) return '#membres';
  if (field.startsWith('assignments') || field.startsWith('lots')) return '#repartition';
  if (field.startsWith('mandataire') || field.startsWith('form')) return '#composition';
  return '#membres';
}

function namedViolations(check: BidCheckView) {
  return check.violations.map((v) => ({ ...v, name: ruleName(v.rule) }));
}
