// Award and insertion-hours follow-up pages (issue 16): the buyer closes a tender and awards a lot with insertion
// hours; « Suivi des heures » lists the awards an account follows; an award's page shows declared against required
// per quarter, lets the holder (or mandataire) declare, the buyer name a facilitator, and anyone reading export CSV.
import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AwardsService, type AwardInput, type AwardView } from '@app/bids';
import { FieldError, badRequest, conflict, forbidden } from '@app/common';
import { formatIntegerFr, type QuarterFollowUp } from '@app/domain';
import { TendersService, type TenderView } from '@app/tenders';
import { Roles } from '../auth/auth.guard';
import { awardCsv, awardCsvName } from '../bids/award-export';
import { type FormBody, group, optionalText, parseNumberFr, text } from './forms';
import { CsrfGuard, PageRenderer, type PageRequest, formProblem } from './page-renderer';
import { boundedInt, pagination } from './presenters';

const STATUS_BADGES: Record<QuarterFollowUp['status'], string> = {
  upcoming: '',
  in_progress: 'fr-badge--info',
  to_declare: 'fr-badge--new',
  late: 'fr-badge--error',
  declared: 'fr-badge--success',
  declared_late: 'fr-badge--warning',
};

function lotNumberOf(raw: string): number {
  if (!/^\d{1,3}$/.test(raw)) throw badRequest('Ce lot n’existe pas', [{ field: 'number', message: 'doit être un nombre entier' }]);
  return Number(raw);
}

/** Quarters that may be declared now (started), the most recent first: the usual one is at the top. */
function declarableQuarters(view: AwardView): { value: string; label: string }[] {
  return view.followUp.quarters
    .filter((q) => q.status !== 'upcoming')
    .reverse()
    .map((q) => ({ value: q.quarter, label: `${q.label} (${q.statusLabel.toLowerCase()})` }));
}

@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
export class AwardsPages {
  constructor(
    private readonly pages: PageRenderer,
    private readonly awards: AwardsService,
    private readonly tenders: TendersService,
  ) {}

  @Post('appels-d-offres/:id/clore')
  @Roles('buyer', 'admin')
  async close(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Body() body: FormBody) {
    const tender = await this.tenders.get(id, req.account);
    const question = {
      title: `Clore « ${tender.title} » ?`,
      message: 'Une fois clos, l’appel d’offres ne reçoit plus de réponses. Vous pourrez ensuite attribuer ses lots et suivre les heures d’insertion.',
      confirmLabel: 'Clore l’appel d’offres',
      cancelHref: `/appels-d-offres/${tender.id}`,
    };
    if (!this.pages.confirmed(req, res, body, question)) return;
    await this.tenders.close(id, req.account!);
    this.pages.redirect(res, `/appels-d-offres/${tender.id}`, { type: 'success', message: 'L’appel d’offres est clos : vous pouvez attribuer ses lots.' });
  }

  @Get('appels-d-offres/:id/lots/:number/attribuer')
  @Roles('buyer', 'admin')
  async awardForm(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Param('number') numberParam: string) {
    const tender = await this.tenders.get(id, req.account);
    const lotNumber = lotNumberOf(numberParam);
    // An awarded lot is followed, not awarded again; the form says upfront what the service would refuse.
    const awarded = (await this.awards.awardsOfTender(tender.id)).get(lotNumber);
    if (awarded) return res.redirect(303, `/suivi-heures/${awarded}`);
    if (tender.status !== 'closed') throw conflict('Un lot s’attribue une fois l’appel d’offres clos : utilisez « Clore l’appel d’offres » sur sa page.');
    const values = { holder: '', siret: '', startsOn: tender.startDate ?? '', durationMonths: tender.durationMonths ? String(tender.durationMonths) : '', facilitatorEmail: '' };
    await this.renderAwardForm(req, res, tender, lotNumber, values, [], 200);
  }

  @Post('appels-d-offres/:id/lots/:number/attribuer')
  @Roles('buyer', 'admin')
  async award(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Param('number') numberParam: string, @Body() body: FormBody) {
    const tender = await this.tenders.get(id, req.account);
    const lotNumber = lotNumberOf(numberParam);
    const values = { holder: text(body, 'holder'), siret: text(body, 'siret').replace(/\s/g, ''), startsOn: text(body, 'startsOn'), durationMonths: text(body, 'durationMonths'), facilitatorEmail: text(body, 'facilitatorEmail') };
    const errors: FieldError[] = [];
    const input: AwardInput = { startsOn: values.startsOn || undefined, facilitatorEmail: values.facilitatorEmail || undefined };
    const duration = parseNumberFr(values.durationMonths);
    if (duration !== undefined) input.durationMonths = duration;
    if (values.holder === 'seul') {
      if (!/^\d{14}$/.test(values.siret)) errors.push({ field: 'siret', message: 'SIRET invalide : 14 chiffres attendus' });
      else {
        const structureId = await this.awards.structureIdBySiret(values.siret);
        if (!structureId) errors.push({ field: 'siret', message: 'aucune structure du catalogue n’a ce SIRET' });
        else input.structureId = structureId;
      }
    } else if (values.holder) input.bidId = values.holder;
    else errors.push({ field: 'holder', message: 'choisissez le groupement attributaire ou une structure seule' });
    if (errors.length) return this.renderAwardForm(req, res, tender, lotNumber, values, errors, 400);
    try {
      const award = await this.awards.award(tender.id, lotNumber, input, req.account!);
      this.pages.redirect(res, `/suivi-heures/${award.id}`, { type: 'success', message: `Lot ${lotNumber} attribué. Le titulaire est prévenu : il déclarera les heures d’insertion chaque trimestre.` });
    } catch (error) {
      const refused = formProblem(error);
      if (!refused) throw error;
      const onForm = refused.errors.map((e) => (e.field === 'bidId' || e.field === 'structureId' ? { ...e, field: 'holder' } : e));
      return this.renderAwardForm(req, res, tender, lotNumber, values, onForm, refused.problem.status);
    }
  }

  @Get('suivi-heures')
  async list(@Req() req: PageRequest, @Res() res: Response, @Query('page') pageParam?: string) {
    const perPage = 50;
    const result = await this.awards.list(req.account!, { page: boundedInt(pageParam, 1, 1, 10_000), perPage });
    this.pages.render(req, res, 'awards/list.njk', {
      pageTitle: 'Suivi des heures d’insertion',
      nav: 'awards',
      awards: result.items,
      total: result.total,
      pager: pagination(result.total, result.page, perPage),
      linkParams: {},
      base: '/suivi-heures',
    });
  }

  @Get('suivi-heures/:id')
  async show(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    const view = await this.awards.get(id, req.account!);
    this.renderAward(req, res, view, {}, [], 200);
  }

  @Get('suivi-heures/:id/export.csv')
  async csv(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    const view = await this.awards.get(id, req.account!);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${awardCsvName(view)}"`);
    res.send(awardCsv(view));
  }

  @Post('suivi-heures/:id/declarer')
  async declare(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Body() body: FormBody) {
    const view = await this.awards.get(id, req.account!);
    if (!view.viewer.canDeclare) throw forbidden('Seul le titulaire ou le mandataire déclare les heures d’insertion');
    const hours = group(body, 'hours');
    const values: Record<string, string> = { quarter: text(body, 'quarter'), comment: text(body, 'comment') };
    const errors: FieldError[] = [];
    const entries: { structureId: string; hours: number }[] = [];
    view.members.forEach((m) => {
      const raw = text(hours, m.structureId);
      values[`hours.${m.structureId}`] = raw;
      if (!raw) return; // left empty: this member's hours are not declared now
      const parsed = parseNumberFr(raw);
      if (parsed === undefined || !Number.isInteger(parsed) || parsed < 0) errors.push({ field: `hours.${m.structureId}`, message: 'nombre entier d’heures attendu (0 si aucune)' });
      else entries.push({ structureId: m.structureId, hours: parsed });
    });
    if (!errors.length && !entries.length) errors.push({ field: `hours.${view.members[0].structureId}`, message: 'indiquez les heures d’au moins un membre (0 si aucune)' });
    if (errors.length) return this.renderAward(req, res, view, values, errors, 400);
    try {
      await this.awards.declare(id, { quarter: values.quarter, entries, comment: optionalText(body, 'comment') }, req.account!);
    } catch (error) {
      const refused = formProblem(error);
      if (!refused) throw error;
      const byMember = new Map(entries.map((e, i) => [`entries[${i}]`, e.structureId]));
      const onForm = refused.errors.map((e) => {
        const member = byMember.get(e.field.split('.')[0]);
        return member ? { ...e, field: `hours.${member}` } : e;
      });
      return this.renderAward(req, res, view, values, onForm, refused.problem.status);
    }
    const total = entries.reduce((sum, e) => sum + e.hours, 0);
    this.pages.redirect(res, `/suivi-heures/${id}`, { type: 'success', message: `${formatIntegerFr(total)} heures déclarées. L’acheteur et le facilitateur sont prévenus.` });
  }

  @Post('suivi-heures/:id/facilitateur')
  async facilitator(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Body() body: FormBody) {
    const view = await this.awards.get(id, req.account!);
    const email = text(body, 'facilitatorEmail');
    try {
      const updated = await this.awards.setFacilitator(id, email || null, req.account!);
      const message = updated.facilitator ? `${updated.facilitator.displayName} suit désormais ce marché.` : 'Plus aucun facilitateur ne suit ce marché.';
      this.pages.redirect(res, `/suivi-heures/${id}`, { type: 'success', message });
    } catch (error) {
      const refused = formProblem(error);
      if (!refused) throw error;
      return this.renderAward(req, res, view, { facilitatorEmail: email }, refused.errors, refused.problem.status);
    }
  }

  private async renderAwardForm(req: PageRequest, res: Response, tender: TenderView, lotNumber: number, values: Record<string, string>, errors: FieldError[], status: number) {
    const lot = tender.lots.find((l) => l.number === lotNumber);
    if (!lot) throw badRequest('Ce lot n’existe pas', [{ field: 'number', message: `pas de lot ${lotNumber}` }]);
    const bids = await this.awards.awardableBids(tender.id, lotNumber);
    const holders = [...bids.map((b) => ({ value: b.id, label: b.label })), { value: 'seul', label: 'Une structure seule (titulaire sans groupement)' }];
    this.pages.render(
      req,
      res,
      'awards/form.njk',
      {
        pageTitle: `Attribuer le lot ${lotNumber}`,
        nav: 'tenders',
        tender,
        lot,
        holders,
        values,
        errors,
        fieldLabels: { holder: 'Attributaire', siret: 'SIRET du titulaire', startsOn: 'Début d’exécution', durationMonths: 'Durée', facilitatorEmail: 'Facilitateur', body: 'Attribution' },
      },
      status,
    );
  }

  private renderAward(req: PageRequest, res: Response, view: AwardView, values: Record<string, string>, errors: FieldError[], status: number) {
    const quarters = view.followUp.quarters.map((q) => ({ ...q, badge: STATUS_BADGES[q.status], gap: q.declaredHours === null ? null : q.declaredHours - q.requiredHours }));
    const declarable = declarableQuarters(view);
    // The form opens on the oldest quarter still owed (late or to declare), else on the latest started one.
    const owed = view.followUp.quarters.find((q) => q.status === 'late' || q.status === 'to_declare');
    this.pages.render(
      req,
      res,
      'awards/show.njk',
      {
        pageTitle: `Heures d’insertion – lot ${view.lotNumber}`,
        nav: 'awards',
        award: view,
        quarters,
        declarable,
        values: { quarter: owed?.quarter ?? declarable[0]?.value ?? '', ...values },
        errors,
        fieldLabels: { quarter: 'Trimestre', comment: 'Commentaire', facilitatorEmail: 'Facilitateur', body: 'Déclaration', ...Object.fromEntries(view.members.map((m) => [`hours.${m.structureId}`, `Heures de ${m.name}`])) },
      },
      status,
    );
  }
}
