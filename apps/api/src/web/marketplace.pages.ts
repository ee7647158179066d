// The marketplace loop's pages (issue 15): the read-only tender view of alert e-mails (signed link, no
// login), « Répondre à l'acheteur », the buyer's list of answers, the « Bourse à la co-traitance » of a
// tender, alerts and their unsubscribe page, favourite lists. The libs/marketplace services do the work.
import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { FieldError, notFound } from '@app/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ALERT_FREQUENCIES, RESERVATIONS, STRUCTURE_KINDS, reservationLabel, structureKindLabel } from '@app/domain';
import { StructuresService } from '@app/catalogue';
import { AlertsService, FavouriteListsService, InterestsService, PartnerBoardService, verifyLink } from '@app/marketplace';
import { ReferenceService } from '@app/reference';
import { TendersService, type TenderView } from '@app/tenders';
import { Public } from '../auth/auth.guard';
import { FormBody, list, percentField, safeNextPath, text } from './forms';
import { CsrfGuard, PageRenderer, PageRequest, formProblem } from './page-renderer';
import { capitalise, sectorSelectOptions } from './presenters';

const SYSTEM = { id: 'system', role: 'admin' };
const STATUS_OPTIONS = [
  { value: 'interested', label: 'Intéressé : nous envisageons de répondre' },
  { value: 'not_interested', label: 'Pas intéressé' },
];
const FREQUENCY_LABELS: Record<string, string> = { immediate: 'Dès la publication', daily: 'Un récapitulatif par jour' };
const INTEREST_LABELS = { lots: 'Lots', status: 'Votre réponse', reason: 'Raison', structureId: 'Structure' };
const REQUEST_LABELS = { structureId: 'Structure', lots: 'Lots', message: 'Ce que vous cherchez', kinds: 'Types de structures', sector: 'Secteur', share: 'Part du lot' };
/** The service names the API's fields; the form's are flat. */
const requestFieldOnForm = (e: FieldError): FieldError => ({ ...e, field: e.field.startsWith('seeking.sectors') ? 'sector' : e.field.startsWith('seeking.kinds') ? 'kinds' : e.field === 'seeking.share' ? 'share' : e.field });
const ALERT_LABELS = { name: 'Nom de l’alerte', sectors: 'Secteurs', departments: 'Départements', regions: 'Régions', kinds: 'Types de structures', reservations: 'Réservations', frequency: 'Fréquence' };

@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
export class MarketplacePages {
  constructor(
    private readonly pages: PageRenderer,
    private readonly tenders: TendersService,
    private readonly structures: StructuresService,
    private readonly interests: InterestsService,
    private readonly board: PartnerBoardService,
    private readonly alerts: AlertsService,
    private readonly lists: FavouriteListsService,
    private readonly reference: ReferenceService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // ─── Read-only tender link (alert e-mails) ─────────────────────────────────

  /** Works without an account, whatever the tender's later status: the token names the tender. */
  @Public()
  @Get('appels-d-offres/lien/:token')
  async sharedTender(@Req() req: PageRequest, @Res() res: Response, @Param('token') token: string) {
    const tenderId = verifyLink(this.config.jwtSecret, 'tender-view', token);
    if (!tenderId) throw notFound('Ce lien n’est pas valide ou a expiré');
    const tender = await this.tenders.get(tenderId, SYSTEM).catch(() => {
      throw notFound('Cet appel d’offres n’existe plus');
    });
    this.pages.render(req, res, 'marketplace/tender-link.njk', { pageTitle: tender.title, tender, lots: this.lotLines(tender) });
  }

  // ─── « Répondre à l'acheteur » ─────────────────────────────────────────────

  @Get('appels-d-offres/:id/reponse')
  async answerForm(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Query() query: FormBody) {
    const tender = await this.tenders.get(id, req.account);
    const owned = await this.ownedStructures(req);
    const mine = await this.interests.mine(id, req.account!);
    const structureId = text(query, 'structure') || owned[0]?.id || '';
    const current = mine.find((i) => i.structure.id === structureId);
    const values = { structureId, lots: (current?.lots ?? tender.lots.map((l) => l.number)).map(String), status: current?.status ?? '', reason: current?.reason ?? '' };
    this.renderAnswer(req, res, tender, owned, mine, values, []);
  }

  @Post('appels-d-offres/:id/reponse')
  async answer(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Body() body: FormBody) {
    const tender = await this.tenders.get(id, req.account);
    const values = { structureId: text(body, 'structureId'), lots: list(body, 'lots'), status: text(body, 'status'), reason: text(body, 'reason') };
    const errors: FieldError[] = [];
    if (!['interested', 'not_interested'].includes(values.status)) errors.push({ field: 'status', message: 'choisissez « intéressé » ou « pas intéressé »' });
    if (!values.lots.length) errors.push({ field: 'lots', message: 'cochez au moins un lot' });
    if (!errors.length) {
      try {
        await this.interests.answer(id, { structureId: values.structureId, lots: values.lots.map(Number), status: values.status as 'interested', reason: values.reason || undefined }, req.account!);
        const message = values.status === 'interested' ? 'Votre intérêt est transmis à l’acheteur. Vous pouvez changer de réponse jusqu’à la date limite.' : 'Votre réponse est transmise à l’acheteur. Merci d’avoir indiqué pourquoi.';
        return this.pages.redirect(res, `/appels-d-offres/${id}/reponse?structure=${values.structureId}`, { type: 'success', message });
      } catch (error) {
        const refused = formProblem(error);
        if (!refused) throw error;
        errors.push(...refused.errors);
      }
    }
    const owned = await this.ownedStructures(req);
    this.renderAnswer(req, res, tender, owned, await this.interests.mine(id, req.account!), values, errors, 400);
  }

  // ─── The buyer's list of answers ───────────────────────────────────────────

  @Get('appels-d-offres/:id/interets')
  async interestList(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    const tender = await this.tenders.get(id, req.account);
    const result = await this.interests.list(id, req.account!);
    this.pages.render(req, res, 'marketplace/interests.njk', {
      pageTitle: `Réponses des structures – ${tender.title}`,
      tender,
      result,
      interested: result.items.filter((i) => i.status === 'interested'),
      notInterested: result.items.filter((i) => i.status === 'not_interested'),
    });
  }

  // ─── Bourse à la co-traitance ──────────────────────────────────────────────

  @Get('appels-d-offres/:id/partenaires')
  async partnerBoard(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    await this.renderBoard(req, res, id, {});
  }

  @Post('appels-d-offres/:id/partenaires')
  async postRequest(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Body() body: FormBody) {
    const values = {
      structureId: text(body, 'structureId'),
      lots: list(body, 'lots'),
      kinds: list(body, 'kinds'),
      sector: text(body, 'sector'),
      share: text(body, 'share'),
      message: text(body, 'message'),
    };
    const share = percentField(body, 'share');
    const errors: FieldError[] = [];
    if (!values.lots.length) errors.push({ field: 'lots', message: 'cochez au moins un lot' });
    if (values.share && (share === undefined || Number.isNaN(share))) errors.push({ field: 'share', message: 'un pourcentage, par exemple 40' });
    if (!errors.length) {
      try {
        await this.board.create(
          id,
          {
            structureId: values.structureId,
            lots: values.lots.map(Number),
            seeking: { kinds: values.kinds as never, sectors: values.sector ? [values.sector] : undefined, share },
            message: values.message,
          },
          req.account!,
        );
        return this.pages.redirect(res, `/appels-d-offres/${id}/partenaires`, { type: 'success', message: 'Votre demande est publiée sur la bourse. Votre identité reste masquée jusqu’à ce que vous acceptiez un contact.' });
      } catch (error) {
        const refused = formProblem(error);
        if (!refused) throw error;
        errors.push(...refused.errors.map(requestFieldOnForm));
      }
    }
    await this.renderBoard(req, res, id, { values, errors }, 400);
  }

  @Post('appels-d-offres/:id/partenaires/:requestId/contact')
  async askContact(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Param('requestId') requestId: string, @Body() body: FormBody) {
    await this.act(res, `/appels-d-offres/${id}/partenaires`, () => this.board.askContact(requestId, { structureId: text(body, 'structureId'), message: text(body, 'message') || undefined }, req.account!), 'Votre demande de contact est envoyée : l’auteur verra votre structure et vous répondra.');
  }

  @Post('appels-d-offres/:id/partenaires/contacts/:contactId/accepter')
  async acceptContact(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Param('contactId') contactId: string) {
    await this.act(res, `/appels-d-offres/${id}/partenaires`, () => this.board.answerContact(contactId, 'accepted', req.account!), 'Contact accepté : vous voyez désormais chacun la structure de l’autre.');
  }

  @Post('appels-d-offres/:id/partenaires/contacts/:contactId/decliner')
  async declineContact(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Param('contactId') contactId: string) {
    await this.act(res, `/appels-d-offres/${id}/partenaires`, () => this.board.answerContact(contactId, 'declined', req.account!), 'Contact décliné.');
  }

  @Post('appels-d-offres/:id/partenaires/contacts/:contactId/groupement')
  async startBid(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Param('contactId') contactId: string) {
    try {
      const bid = await this.board.startBid(contactId, req.account!);
      this.pages.redirect(res, `/groupements/${bid.id}`, { type: 'success', message: 'Le groupement est ouvert et votre partenaire y est invité : il doit accepter avant le dépôt.' });
    } catch (error) {
      const refused = formProblem(error);
      if (!refused) throw error;
      const bidId = refused.problem.bidId as string | undefined;
      this.pages.redirect(res, bidId ? `/groupements/${bidId}` : `/appels-d-offres/${id}/partenaires`, { type: bidId ? 'info' : 'error', message: refused.problem.detail ?? refused.problem.title });
    }
  }

  // ─── Alerts ────────────────────────────────────────────────────────────────

  @Get('alertes')
  async alertsPage(@Req() req: PageRequest, @Res() res: Response) {
    await this.renderAlerts(req, res, {});
  }

  @Post('alertes')
  async createAlert(@Req() req: PageRequest, @Res() res: Response, @Body() body: FormBody) {
    const values = {
      name: text(body, 'name'),
      sectors: list(body, 'sectors'),
      departments: text(body, 'departments'),
      kinds: list(body, 'kinds'),
      reservations: list(body, 'reservations'),
      frequency: text(body, 'frequency') || 'immediate',
    };
    const departments = values.departments.split(/[\s,;]+/).filter(Boolean).map((d) => this.reference.index.department(d)?.code ?? d);
    try {
      if (!ALERT_FREQUENCIES.includes(values.frequency as never)) throw new Error('frequency');
      await this.alerts.create(req.account!, {
        name: values.name,
        sectors: values.sectors,
        departments,
        kinds: values.kinds.filter((k) => STRUCTURE_KINDS.includes(k as never)) as never,
        reservations: values.reservations.filter((r) => RESERVATIONS.includes(r as never)) as never,
        frequency: values.frequency as 'daily',
      });
      this.pages.redirect(res, '/alertes', { type: 'success', message: `L’alerte « ${values.name.trim()} » est enregistrée.` });
    } catch (error) {
      const refused = formProblem(error);
      if (!refused) throw error;
      await this.renderAlerts(req, res, { values, errors: refused.errors }, 400);
    }
  }

  @Post('alertes/:id/supprimer')
  async deleteAlert(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    await this.alerts.remove(req.account!, id);
    this.pages.redirect(res, '/alertes', { type: 'success', message: 'L’alerte est supprimée.' });
  }

  @Post('alertes/publication')
  async candidateAlerts(@Req() req: PageRequest, @Res() res: Response, @Body() body: FormBody) {
    const enabled = text(body, 'enabled') === 'oui';
    await this.alerts.setCandidateAlerts(req.account!, enabled);
    this.pages.redirect(res, '/alertes', { type: 'success', message: enabled ? 'Vous serez prévenu des appels d’offres pour lesquels vos structures sont bien placées.' : 'Vous ne recevrez plus ces alertes.' });
  }

  /** From the e-mail, without logging in: a confirmation button (a link preview must not unsubscribe). */
  @Public()
  @Get('alertes/desabonnement/:token')
  async unsubscribeForm(@Req() req: PageRequest, @Res() res: Response, @Param('token') token: string) {
    const target = await this.alerts.unsubscribeTarget(token);
    if (!target) throw notFound('Ce lien de désabonnement n’est pas valide ou a expiré');
    this.pages.render(req, res, 'marketplace/unsubscribe.njk', { pageTitle: 'Se désabonner des alertes', token, email: target.email, done: target.unsubscribed });
  }

  @Public()
  @Post('alertes/desabonnement/:token')
  async unsubscribe(@Req() req: PageRequest, @Res() res: Response, @Param('token') token: string) {
    const done = await this.alerts.unsubscribe(token);
    if (!done) throw notFound('Ce lien de désabonnement n’est pas valide ou a expiré');
    this.pages.render(req, res, 'marketplace/unsubscribe.njk', { pageTitle: 'Désabonnement enregistré', token, email: done.email, done: true });
  }

  // ─── Favourite lists ───────────────────────────────────────────────────────

  @Get('listes')
  async listsPage(@Req() req: PageRequest, @Res() res: Response) {
    const result = await this.lists.list(req.account!);
    this.pages.render(req, res, 'marketplace/lists.njk', { pageTitle: 'Mes listes de structures', result, values: { name: '' } });
  }

  @Post('listes')
  async createList(@Req() req: PageRequest, @Res() res: Response, @Body() body: FormBody) {
    try {
      const created = await this.lists.create(req.account!, text(body, 'name'));
      this.pages.redirect(res, `/listes/${created.id}`, { type: 'success', message: `La liste « ${created.name} » est créée.` });
    } catch (error) {
      const refused = formProblem(error);
      if (!refused) throw error;
      const result = await this.lists.list(req.account!);
      this.pages.render(req, res, 'marketplace/lists.njk', { pageTitle: 'Mes listes de structures', result, values: { name: text(body, 'name') }, errors: refused.errors, fieldLabels: { name: 'Nom de la liste' } }, 400);
    }
  }

  /** « Ajouter à une liste », from a candidate or a structure page: choose a list or name a new one. */
  @Get('listes/ajouter')
  async addForm(@Req() req: PageRequest, @Res() res: Response, @Query() query: FormBody) {
    const structure = await this.structures.get(text(query, 'structure'), req.account).catch(() => {
      throw notFound('Structure introuvable');
    });
    const result = await this.lists.list(req.account!);
    const listOptions = [...result.items.map((l) => ({ value: l.id, label: `${l.name} (${l.count})` })), { value: 'nouvelle', label: 'Une nouvelle liste' }];
    this.pages.render(req, res, 'marketplace/add-to-list.njk', { pageTitle: `Ajouter ${structure.name} à une liste`, structure, listOptions, next: safeNextPath(text(query, 'retour'), `/structures/${structure.id}`) });
  }

  @Post('listes/ajouter')
  async add(@Req() req: PageRequest, @Res() res: Response, @Body() body: FormBody) {
    const structureId = text(body, 'structureId');
    const next = safeNextPath(text(body, 'next'), `/structures/${structureId}`);
    try {
      let listId = text(body, 'listId');
      if (!listId || listId === 'nouvelle') listId = (await this.lists.create(req.account!, text(body, 'name'))).id;
      const updated = await this.lists.addItem(req.account!, listId, { structureId, note: text(body, 'note') || undefined });
      this.pages.redirect(res, next, { type: 'success', message: `Structure ajoutée à la liste « ${updated.name} ».` });
    } catch (error) {
      const refused = formProblem(error);
      if (!refused) throw error;
      this.pages.redirect(res, `/listes/ajouter?structure=${encodeURIComponent(structureId)}&retour=${encodeURIComponent(next)}`, { type: 'error', message: refused.errors.map((e) => e.message).join(' ; ') });
    }
  }

  @Get('listes/:id')
  async listPage(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    const detail = await this.lists.get(req.account!, id);
    this.pages.render(req, res, 'marketplace/list.njk', { pageTitle: `Liste « ${detail.name} »`, list: detail, values: { email: '', message: '' } });
  }

  @Post('listes/:id/retirer')
  async removeItem(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Body() body: FormBody) {
    await this.lists.removeItem(req.account!, id, text(body, 'structureId'));
    this.pages.redirect(res, `/listes/${id}`, { type: 'success', message: 'Structure retirée de la liste.' });
  }

  @Post('listes/:id/supprimer')
  async removeList(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    await this.lists.remove(req.account!, id);
    this.pages.redirect(res, '/listes', { type: 'success', message: 'La liste est supprimée.' });
  }

  @Post('listes/:id/partager')
  async share(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Body() body: FormBody) {
    const values = { email: text(body, 'email'), message: text(body, 'message') };
    const errors: FieldError[] = [];
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email)) errors.push({ field: 'email', message: 'une adresse e-mail, par exemple prenom.nom@mairie.fr' });
    if (!errors.length) {
      const { sent } = await this.lists.share(req.account!, id, values, this.config.publicUrl);
      return this.pages.redirect(res, `/listes/${id}`, sent
        ? { type: 'success', message: `La liste est envoyée à ${values.email}.` }
        : { type: 'error', message: 'Aucun service d’envoi d’e-mails n’est configuré : la liste n’a pas pu être envoyée. Exportez-la plutôt en CSV.' });
    }
    const detail = await this.lists.get(req.account!, id);
    this.pages.render(req, res, 'marketplace/list.njk', { pageTitle: `Liste « ${detail.name} »`, list: detail, values, errors, fieldLabels: { email: 'Adresse e-mail' } }, 400);
  }

  // ─── Internals ─────────────────────────────────────────────────────────────

  private async ownedStructures(req: PageRequest) {
    if (!req.account || !['supplier', 'company', 'admin'].includes(req.account.role)) return [];
    return (await this.structures.list({ mine: true, page: 1, perPage: 100 }, req.account)).items.filter((s) => !s.delistedAt);
  }

  private lotLines(tender: TenderView) {
    return tender.lots.map((lot) => ({
      ...lot,
      sectorLabels: lot.effectiveSectors.map((code) => this.reference.sector(code)?.label ?? code),
      reservationText: lot.reservation === 'NONE' ? '' : capitalise(reservationLabel(lot.reservation)),
    }));
  }

  private renderAnswer(req: PageRequest, res: Response, tender: TenderView, owned: { id: string; name: string }[], mine: unknown[], values: Record<string, unknown>, errors: FieldError[], status = 200) {
    this.pages.render(
      req,
      res,
      'marketplace/answer.njk',
      {
        pageTitle: `Répondre à l’acheteur – ${tender.title}`,
        tender,
        owned: owned.map((s) => ({ value: s.id, label: s.name })),
        mine,
        values,
        errors,
        fieldLabels: INTEREST_LABELS,
        lotOptions: tender.lots.map((l) => ({ value: String(l.number), label: `Lot ${l.number} – ${l.title}` })),
        statusOptions: STATUS_OPTIONS,
        open: tender.status === 'published' && (!tender.responseDeadline || Date.parse(tender.responseDeadline) > Date.now()),
      },
      status,
    );
  }

  private async renderBoard(req: PageRequest, res: Response, id: string, form: { values?: Record<string, unknown>; errors?: FieldError[] }, status = 200) {
    const tender = await this.tenders.get(id, req.account);
    const board = await this.board.list(id, req.account!);
    const owned = await this.ownedStructures(req);
    this.pages.render(
      req,
      res,
      'marketplace/board.njk',
      {
        pageTitle: `Bourse à la co-traitance – ${tender.title}`,
        tender,
        board,
        owned: owned.map((s) => ({ value: s.id, label: s.name })),
        values: form.values ?? { structureId: owned[0]?.id ?? '', lots: [], kinds: [], sector: '', share: '', message: '' },
        errors: form.errors ?? [],
        fieldLabels: REQUEST_LABELS,
        lotOptions: tender.lots.map((l) => ({ value: String(l.number), label: `Lot ${l.number} – ${l.title}` })),
        kindOptions: STRUCTURE_KINDS.map((k) => ({ value: k, label: k === 'COMPANY' ? 'Entreprise' : capitalise(structureKindLabel(k)) })),
        sectorOptions: sectorSelectOptions(this.reference.index),
        sectorLabel: (code: string) => this.reference.sector(code)?.label ?? code,
        kindName: (k: string) => (k === 'COMPANY' ? 'Entreprise' : k),
        open: tender.status === 'published' && (!tender.responseDeadline || Date.parse(tender.responseDeadline) > Date.now()),
      },
      status,
    );
  }

  private async renderAlerts(req: PageRequest, res: Response, form: { values?: Record<string, unknown>; errors?: FieldError[] }, status = 200) {
    const current = await this.alerts.list(req.account!);
    this.pages.render(
      req,
      res,
      'marketplace/alerts.njk',
      {
        pageTitle: 'Mes alertes',
        current,
        values: form.values ?? { name: '', sectors: [], departments: '', kinds: [], reservations: [], frequency: 'immediate' },
        errors: form.errors ?? [],
        fieldLabels: ALERT_LABELS,
        sectorOptions: sectorSelectOptions(this.reference.index),
        sectorLabel: (code: string) => this.reference.sector(code)?.label ?? code,
        kindOptions: STRUCTURE_KINDS.filter((k) => k !== 'COMPANY').map((k) => ({ value: k, label: capitalise(structureKindLabel(k)) })),
        reservationOptions: RESERVATIONS.map((r) => ({ value: r, label: capitalise(reservationLabel(r)) })),
        frequencyOptions: ALERT_FREQUENCIES.map((f) => ({ value: f, label: FREQUENCY_LABELS[f] })),
        frequencyLabels: FREQUENCY_LABELS,
      },
      status,
    );
  }

  /** A form post that acts then comes back, with the service's refusal as an error message. */
  private async act(res: Response, back: string, work: () => Promise<unknown>, success: string) {
    try {
      await work();
      this.pages.redirect(res, back, { type: 'success', message: success });
    } catch (error) {
      const refused = formProblem(error);
      if (!refused) throw error;
      this.pages.redirect(res, back, { type: 'error', message: refused.errors.map((e) => e.message).join(' ; ') });
    }
  }
}

