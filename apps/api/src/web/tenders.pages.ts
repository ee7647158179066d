// Buyers' pages: tenders with lots, reservations, social clauses and work packages; publication; ranked
// candidates per lot. TendersService and CandidatesService do the work, the API's DTOs check the forms, and
// the insertion-hours estimate is the tenders feature's own `lotInsertionHours` (V17).
import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { FieldError, badRequest, conflict, forbidden } from '@app/common';
import {
  CANDIDATE_CRITERION_LABELS,
  PRESTATION_TYPES,
  RESERVATIONS,
  SOCIAL_CLAUSE_TYPES,
  formatIntegerFr,
  formatPercentFr,
  prestationLabel,
  reservationLabel,
  type CandidateCriterion,
  structureKindLabel,
} from '@app/domain';
import { AwardsService } from '@app/bids';
import { StructuresService } from '@app/catalogue';
import { loadDepartments } from '@app/reference';
import { ReferenceService } from '@app/reference';
import { CandidatesService, LotAdviceService, TenderInput, TenderPatch, TenderView, TendersService, effectiveSectors, lotInsertionHours } from '@app/tenders';
import { Public, Roles } from '../auth/auth.guard';
import { CreateTenderDto, UpdateTenderDto } from '../tenders/tender.dto';
import { lotAdviceViews } from './lot-advice.pages';
import { FormBody, mergeFieldErrors, compact, numberField, percentField, queryString, text, validateAs } from './forms';
import { CsrfGuard, PageRenderer, PageRequest, formProblem } from './page-renderer';
import { csvLine } from '../search/export-writer';
import { boundedInt, capitalise, interventionAreaText, pagination, sectorSelectOptions, withoutRuleCodes } from './presenters';
import {
  TENDER_FIELD_LABELS,
  TenderFormValues,
  applyLotAction,
  emptyTenderValues,
  parseTenderForm,
  splitCodes,
  tenderErrorsOnForm,
  tenderFormValues,
} from './tender-form';

const SOCIAL_CLAUSE_LABELS: Record<string, string> = {
  EXECUTION_CONDITION: 'Condition d’exécution (L2112-2)',
  AWARD_CRITERION: 'Critère d’attribution (R2152-7)',
  INSERTION_OBJECT: 'Insertion comme objet du marché',
};
const CANDIDATES_PER_PAGE = 20;
/** « Réponse dans les N jours » filter of the tender list. */
const DEADLINE_CHOICES = [7, 30, 90];

interface LotEstimateInput {
  estimatedAmountEur?: number;
  cpvCodes?: string[];
  sectors?: string[];
  socialClause?: { type: string; insertionHours?: number; labourShare?: number; insertionRate?: number; hourlyCostEur?: number };
}

@ApiExcludeController()
@Controller('appels-d-offres')
@UseGuards(CsrfGuard)
export class TendersPages {
  constructor(
    private readonly pages: PageRenderer,
    private readonly tenders: TendersService,
    private readonly candidates: CandidatesService,
    private readonly reference: ReferenceService,
    private readonly advice: LotAdviceService,
    private readonly structures: StructuresService,
    private readonly awards: AwardsService,
  ) {}

  @Public()
  @Get()
  async list(@Req() req: PageRequest, @Res() res: Response, @Query() query: FormBody) {
    const page = boundedInt(text(query, 'page'), 1, 1, 10_000);
    const q = text(query, 'q').slice(0, 200);
    // Filters: unknown values are ignored (links people edit), never an error page.
    const department = loadDepartments().some((d) => d.code === text(query, 'departement')) ? text(query, 'departement') : '';
    const sector = this.reference.sector(text(query, 'secteur')) ? text(query, 'secteur') : '';
    const reservation = (RESERVATIONS as readonly string[]).includes(text(query, 'reservation')) ? text(query, 'reservation') : '';
    const deadline = DEADLINE_CHOICES.includes(Number(text(query, 'echeance'))) ? Number(text(query, 'echeance')) : undefined;
    const published = await this.tenders.list(
      { status: 'published', q: q || undefined, department: department || undefined, sector: sector || undefined, reservation: reservation || undefined, deadlineWithinDays: deadline, page, perPage: 20 },
      req.account,
    );
    const mine = req.account && (req.account.role === 'buyer' || req.account.role === 'admin')
      ? await this.tenders.list({ mine: true, page: 1, perPage: 100 }, req.account)
      : undefined;
    const filtered = !!(q || department || sector || reservation || deadline);
    this.pages.render(req, res, 'tenders/list.njk', {
      pageTitle: page > 1 ? `Appels d’offres – page ${page}` : 'Appels d’offres',
      resultsTarget: 'resultats',
      published,
      // Drafts and own tenders once, above; the published list below never repeats them.
      mine: mine?.items.filter((t) => t.status !== 'published' || !published.items.some((p) => p.id === t.id)) ?? [],
      q,
      filters: { department, sector, reservation, deadline: deadline ? String(deadline) : '' },
      filtered,
      departmentOptions: [{ value: '', label: 'Tous les départements' }, ...loadDepartments().map((d) => ({ value: d.code, label: `${d.name} (${d.code})` }))],
      sectorOptions: [{ value: '', label: 'Tous les secteurs' }, ...sectorSelectOptions(this.reference.index)],
      reservationOptions: [{ value: '', label: 'Réservés ou non' }, ...RESERVATIONS.map((r) => ({ value: r, label: r === 'NONE' ? 'Avec un lot non réservé' : `Avec un lot ${reservationLabel(r)}` }))],
      deadlineOptions: [{ value: '', label: 'Toutes les dates' }, ...DEADLINE_CHOICES.map((d) => ({ value: String(d), label: `Réponse dans les ${d} jours` }))],
      pager: pagination(published.total, page, 20),
      linkParams: { q: q || undefined, departement: department || undefined, secteur: sector || undefined, reservation: reservation || undefined, echeance: deadline },
    });
  }

  @Get('nouveau')
  @Roles('buyer')
  createForm(@Req() req: PageRequest, @Res() res: Response) {
    this.renderForm(req, res, 'create', emptyTenderValues(req.account!.displayName), []);
  }

  @Post('nouveau')
  @Roles('buyer')
  async create(@Req() req: PageRequest, @Res() res: Response, @Body() body: FormBody) {
    const parsed = parseTenderForm(body, this.reference.index);
    if (parsed.action === 'add-lot' || parsed.action === 'remove-lot') {
      return this.renderForm(req, res, 'create', applyLotAction(parsed.values, parsed.action, parsed.actionIndex), [], 200, undefined, parsed.body);
    }
    const { value, errors } = await validateAs(CreateTenderDto, parsed.body);
    const all = mergeFieldErrors(parsed.errors, tenderErrorsOnForm(errors));
    if (parsed.action === 'preview' || all.length) return this.renderForm(req, res, 'create', parsed.values, all, all.length ? 400 : 200, undefined, parsed.body);
    try {
      const created = await this.tenders.create(value as unknown as TenderInput, req.account!);
      this.pages.redirect(res, `/appels-d-offres/${created.id}`, { type: 'success', message: 'Le brouillon est enregistré. Vérifiez-le puis publiez-le.' });
    } catch (error) {
      const refused = formProblem(error);
      if (!refused) throw error;
      this.renderForm(req, res, 'create', parsed.values, tenderErrorsOnForm(refused.errors), refused.problem.status, undefined, parsed.body);
    }
  }

  /** The insertion-hours estimate of one lot, as the form is typed (small script); same function as on save. */
  @Public()
  @Get('estimation-heures')
  estimate(@Query() query: FormBody, @Res() res: Response) {
    const type = text(query, 'socialClauseType');
    const lot: LotEstimateInput = compact({
      estimatedAmountEur: numberField(query, 'estimatedAmountEur'),
      cpvCodes: text(query, 'cpvCodes') ? splitCodes(text(query, 'cpvCodes')) : undefined,
      sectors: text(query, 'sector') ? [text(query, 'sector')] : undefined,
      socialClause: type
        ? compact({
            type,
            insertionHours: numberField(query, 'insertionHours'),
            labourShare: percentField(query, 'labourShare'),
            insertionRate: percentField(query, 'insertionRate'),
            hourlyCostEur: numberField(query, 'hourlyCostEur'),
          })
        : undefined,
    });
    res.set('Cache-Control', 'no-store').json(this.estimateLot(lot, splitCodes(text(query, 'tenderCpvCodes'))));
  }

  @Public()
  @Get(':id')
  async show(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    const tender = await this.tenders.get(id, req.account);
    const extras = this.tenderExtras(tender, req);
    const lotAdvice = await lotAdviceViews(this.advice, tender, req, extras.isOwner);
    // Awarded lots lead to their insertion-hours follow-up (the buyer's view of a closed tender).
    const awards = extras.isOwner && tender.status === 'closed' ? Object.fromEntries(await this.awards.awardsOfTender(tender.id)) : {};
    this.pages.render(req, res, 'tenders/show.njk', { pageTitle: tender.title, tender, ...extras, lotAdvice, awards });
  }

  @Get(':id/modifier')
  async editForm(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    const tender = await this.editable(id, req);
    this.renderForm(req, res, 'update', tenderFormValues(tender, this.reference.index), [], 200, tender);
  }

  @Post(':id/modifier')
  async update(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Body() body: FormBody) {
    const tender = await this.editable(id, req);
    const parsed = parseTenderForm(body, this.reference.index);
    if (parsed.action === 'add-lot' || parsed.action === 'remove-lot') {
      return this.renderForm(req, res, 'update', applyLotAction(parsed.values, parsed.action, parsed.actionIndex), [], 200, tender, parsed.body);
    }
    const { value, errors } = await validateAs(UpdateTenderDto, parsed.body);
    const all = mergeFieldErrors(parsed.errors, tenderErrorsOnForm(errors));
    if (parsed.action === 'preview' || all.length) return this.renderForm(req, res, 'update', parsed.values, all, all.length ? 400 : 200, tender, parsed.body);
    try {
      await this.tenders.update(tender.id, value as unknown as TenderPatch, req.account!);
      this.pages.redirect(res, `/appels-d-offres/${tender.id}`, { type: 'success', message: 'Les modifications sont enregistrées.' });
    } catch (error) {
      const refused = formProblem(error);
      if (!refused) throw error;
      this.renderForm(req, res, 'update', parsed.values, tenderErrorsOnForm(refused.errors), refused.problem.status, tender, parsed.body);
    }
  }

  @Post(':id/publier')
  async publish(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Body() body: FormBody) {
    const draft = await this.editable(id, req);
    const question = {
      title: `Publier « ${draft.title} » ?`,
      message: 'Une fois publié, l’appel d’offres est visible de tous, les structures peuvent y répondre et il ne peut plus être modifié.',
      confirmLabel: 'Publier l’appel d’offres',
      cancelHref: `/appels-d-offres/${draft.id}`,
    };
    if (!this.pages.confirmed(req, res, body, question)) return;
    const tender = await this.tenders.publish(id, req.account!);
    this.pages.redirect(res, `/appels-d-offres/${tender.id}`, { type: 'success', message: 'L’appel d’offres est publié : il est visible de tous et les structures peuvent y répondre.' });
  }

  @Public()
  @Get(':id/lots/:number/candidats')
  async lotCandidates(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Param('number') numberParam: string, @Query() query: FormBody) {
    const { tender, lot, includeCompanies, includeDemo, ranked } = await this.rankedCandidates(req, id, numberParam, query);
    const page = boundedInt(text(query, 'page'), 1, 1, 10_000);
    const start = (page - 1) * CANDIDATES_PER_PAGE;
    const base = `/appels-d-offres/${tender.id}/lots/${lot.number}/candidats`;
    this.pages.render(req, res, 'tenders/candidates.njk', {
      pageTitle: `Candidats du lot ${lot.number} – ${tender.title}`,
      resultsTarget: 'resultats',
      tender,
      lot,
      lotSectors: lot.effectiveSectors.map((code) => this.reference.sector(code)?.label ?? code),
      total: ranked.length,
      companyCount: ranked.filter((c) => c.structure.kind === 'COMPANY').length,
      rank0: start,
      candidates: ranked.slice(start, start + CANDIDATES_PER_PAGE).map((c) => ({
        ...c,
        points: criterionPoints(c.scoreBreakdown),
        reasons: c.reasons.map(withoutRuleCodes),
        areaText: this.areaText(c.structure),
      })),
      // Ordinary companies are never eligible to a reserved lot: no choice to offer there.
      companiesPossible: lot.reservation === 'NONE',
      includeCompanies,
      includeDemo,
      exportCsv: `${base}/export${queryString({ includeCompanies: includeCompanies ? 'on' : undefined, includeDemo: includeDemo ? 'on' : undefined })}`,
      pager: pagination(ranked.length, page, CANDIDATES_PER_PAGE),
      linkParams: { includeCompanies: includeCompanies ? 'on' : undefined, includeDemo: includeDemo ? 'on' : undefined },
    });
  }

  /** Every ranked candidate of the lot as CSV for French spreadsheets, with the public contact of each. */
  @Public()
  @Get(':id/lots/:number/candidats/export')
  async lotCandidatesCsv(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Param('number') numberParam: string, @Query() query: FormBody) {
    const { lot, ranked } = await this.rankedCandidates(req, id, numberParam, query);
    const contacts = new Map((await this.structures.findByIds(ranked.map((c) => c.structure.id))).map((s) => [s.id, s.contact ?? {}]));
    const header = ['Rang', 'Nom', 'SIRET', 'Type', 'Score (sur 100)', 'Distance (km)', 'Commune', 'Département', 'Zone d’intervention', 'Ouverte à la co-traitance', 'Éligibilité', 'Pourquoi', 'Site web', 'E-mail', 'Téléphone', 'Fiche'];
    const rows = ranked.map((c, i) => {
      const s = c.structure;
      const contact = contacts.get(s.id) ?? {};
      return csvLine([
        i + 1,
        s.name,
        s.siret,
        capitalise(structureKindLabel(s.kind)),
        c.score,
        c.distanceKm === null ? null : Math.round(c.distanceKm * 10) / 10,
        s.communeCode ? (this.reference.commune(s.communeCode)?.name ?? null) : null,
        s.department ? (this.reference.department(s.department)?.name ?? s.department) : null,
        this.areaText(s),
        s.openToCoContracting ? 'oui' : 'non',
        lot.reservation === 'NONE' ? 'lot non réservé' : c.eligibility.status === 'uncertain' ? 'à vérifier' : c.eligibleForReservation ? 'éligible' : 'non éligible',
        c.reasons.map(withoutRuleCodes).join(' | '),
        contact.website ?? null,
        contact.email ?? null,
        contact.phone ?? null,
        `/structures/${s.id}`,
      ]);
    });
    res
      .status(200)
      .set('Content-Type', 'text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="candidats-lot-${lot.number}.csv"`)
      .set('Cache-Control', 'no-store')
      .send(`\uFEFF${csvLine(header)}${rows.join('')}`);
  }

  private async rankedCandidates(req: PageRequest, id: string, numberParam: string, query: FormBody) {
    const tender = await this.tenders.get(id, req.account);
    const lot = /^\d{1,3}$/.test(numberParam) ? tender.lots.find((l) => l.number === Number(numberParam)) : undefined;
    if (!lot) throw badRequest('Ce lot n’existe pas', [{ field: 'number', message: `lots de cet appel d’offres : ${tender.lots.map((l) => l.number).join(', ')}` }]);
    const includeCompanies = text(query, 'includeCompanies') === 'on';
    const includeDemo = text(query, 'includeDemo') === 'on';
    const ranked = await this.candidates.rankForLot(tender.id, lot.number, { includeCompanies, includeDemo }, req.account);
    return { tender, lot, includeCompanies, includeDemo, ranked };
  }

  private areaText(structure: { interventionArea: Parameters<typeof interventionAreaText>[0]; communeCode: string | null }): string {
    return interventionAreaText(structure.interventionArea, this.reference.index, structure.communeCode ? this.reference.commune(structure.communeCode)?.name : null);
  }

  private async editable(id: string, req: PageRequest): Promise<TenderView> {
    const tender = await this.tenders.get(id, req.account);
    if (req.account!.role !== 'admin' && tender.ownerId !== req.account!.id) {
      throw forbidden('Seul l’acheteur qui a créé cet appel d’offres peut le modifier');
    }
    if (tender.status !== 'draft') throw conflict('Un appel d’offres publié ou clos ne peut plus être modifié');
    return tender;
  }

  private tenderExtras(tender: TenderView, req: PageRequest) {
    const isOwner = !!req.account && (req.account.role === 'admin' || tender.ownerId === req.account.id);
    return {
      isOwner,
      canPublish: isOwner && tender.status === 'draft',
      canClose: isOwner && tender.status === 'published',
      canMatch: !!req.account && tender.status === 'published' && ['company', 'supplier', 'admin'].includes(req.account.role),
      totalAmount: tender.lots.reduce((sum, l) => sum + (l.estimatedAmountEur ?? 0), 0),
      lotDetails: tender.lots.map((lot) => ({
        ...lot,
        sectorLabels: lot.effectiveSectors.map((code) => this.reference.sector(code)?.label ?? code),
        socialClauseLabel: lot.socialClause ? SOCIAL_CLAUSE_LABELS[lot.socialClause.type] ?? lot.socialClause.type : null,
        hoursText: this.hoursText(lot.insertionHoursRequired, lot.estimatedAmountEur, lot.insertionHoursBasis),
      })),
    };
  }

  /** The insertion hours of a lot in words, with the formula's terms when computed (V17). */
  private hoursText(hours: number, amount: number | null, basis: { computed: boolean; labourShare: number; insertionRate: number; hourlyCostEur: number } | null): string {
    if (!basis) return 'Pas de clause sociale : aucune heure d’insertion exigée.';
    if (!basis.computed) return `${formatIntegerFr(hours)} heures d’insertion (fixées par l’acheteur).`;
    return `${formatIntegerFr(hours)} heures d’insertion estimées : ${formatIntegerFr(amount ?? 0)} € × ${formatPercentFr(basis.labourShare)} de main-d’œuvre × ${formatPercentFr(basis.insertionRate)} d’insertion ÷ ${formatIntegerFr(basis.hourlyCostEur)} €/h.`;
  }

  private estimateLot(lot: LotEstimateInput, tenderCpvCodes: string[]): { hours: number | null; text: string } {
    if (!lot.socialClause) return { hours: 0, text: 'Pas de clause sociale : aucune heure d’insertion exigée.' };
    const amount = lot.estimatedAmountEur;
    if (amount === undefined || !Number.isFinite(amount) || amount <= 0) {
      if (lot.socialClause.insertionHours === undefined) return { hours: null, text: 'Saisissez le montant estimé du lot pour calculer les heures d’insertion.' };
    }
    const sectors = effectiveSectors({ sectors: lot.sectors, cpvCodes: lot.cpvCodes?.filter((c) => this.reference.cpv(c)) }, tenderCpvCodes.filter((c) => this.reference.cpv(c)), this.reference.index);
    try {
      const result = lotInsertionHours(
        { socialClause: lot.socialClause, estimatedAmountEur: amount ?? 0 } as unknown as Parameters<typeof lotInsertionHours>[0],
        sectors,
        this.reference.index,
      );
      return { hours: result.hours, text: this.hoursText(result.hours, amount ?? null, result.basis) };
    } catch {
      return { hours: null, text: 'Paramètres de la clause hors limites : vérifiez les pourcentages et le coût horaire.' };
    }
  }

  private renderForm(
    req: PageRequest,
    res: Response,
    mode: 'create' | 'update',
    values: TenderFormValues,
    errors: FieldError[],
    status = 200,
    tender?: TenderView,
    body?: Record<string, unknown>,
  ) {
    // Estimates always come from the server on preview and on every re-display (no JavaScript needed).
    const lotBodies = (body?.lots as LotEstimateInput[] | undefined) ?? [];
    const tenderCpv = (body?.cpvCodes as string[] | undefined) ?? [];
    this.pages.render(
      req,
      res,
      'tenders/form.njk',
      {
        pageTitle: mode === 'create' ? 'Nouvel appel d’offres' : `Modifier ${tender?.title ?? 'l’appel d’offres'}`,
        mode,
        tender,
        values,
        errors,
        fieldLabels: TENDER_FIELD_LABELS,
        estimates: values.lots.map((_, i) => (lotBodies[i] ? this.estimateLot(lotBodies[i], tenderCpv).text : 'Pas de clause sociale : aucune heure d’insertion exigée.')),
        sectorOptions: sectorSelectOptions(this.reference.index),
        prestationOptions: PRESTATION_TYPES.map((p) => ({ value: p, label: capitalise(prestationLabel(p)) })),
        reservationOptions: RESERVATIONS.map((r) => ({ value: r, label: capitalise(reservationLabel(r)) })),
        clauseOptions: [{ value: '', label: 'Pas de clause sociale' }, ...SOCIAL_CLAUSE_TYPES.map((t) => ({ value: t, label: SOCIAL_CLAUSE_LABELS[t] }))],
        buyerKindOptions: [
          { value: 'public', label: 'Acheteur public' },
          { value: 'private', label: 'Acheteur privé' },
        ],
      },
      status,
    );
  }
}

/** Points per criterion with their French labels (never the keys), criteria that gave points only. */
function criterionPoints(breakdown: Record<string, number>): { label: string; points: number }[] {
  return Object.entries(breakdown)
    .filter(([, points]) => points > 0)
    .map(([key, points]) => ({ label: CANDIDATE_CRITERION_LABELS[key as CandidateCriterion] ?? key, points }));
}
