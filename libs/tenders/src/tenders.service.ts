import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { badRequest, conflict, forbidden, notFound } from '@app/common';
import { TENDER_STATUSES, type TenderStatus } from '@app/domain';
import { ContractHolderEntity, TenderEntity, TenderLotEntity, TENDER_SOURCES, type TenderSource } from '@app/persistence';
import { ReferenceService } from '@app/reference';
import type { ReferenceLookup } from './reference-lookup';
import { tenderProblems } from './tender-rules';
import { canManageTender, canSeeTender, effectiveSectors, toTenderView } from './tender-view';
import type { LotInput, Page, TenderActor, TenderInput, TenderPatch, TenderView } from './tender.types';

export interface TenderListQuery {
  status?: TenderStatus;
  /** Comma list of sources; default "manual" (imported DECP contracts are history, listed on demand). */
  source?: string;
  q?: string;
  mine?: boolean;
  /** Execution department code (« 69 »). */
  department?: string;
  /** A sector code: at least one lot in it. */
  sector?: string;
  /** A reservation: at least one lot with it (NONE: at least one open lot). */
  reservation?: string;
  /** Only tenders whose response deadline is still ahead and within this many days. */
  deadlineWithinDays?: number;
  page: number;
  perPage: number;
}

/** A stored tender with its lots, as services of other features (candidates, matching, bids) read it. */
export interface LoadedTender {
  tender: TenderEntity;
  lots: TenderLotEntity[];
}

/** pg_trgm word similarity above which a typed word matches a word of a tender (« netoyage » → « nettoyage »). */
const TYPO_SIMILARITY = 0.5;

const STOP_WORDS = new Set(['des', 'les', 'aux', 'pour', 'par', 'une', 'sur', 'avec', 'dans']);

/** The words of a tender search, folded (lower case, no accents), short words and duplicates dropped. */
export function tenderSearchWords(q: string | undefined): string[] {
  const folded = (q ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  return [...new Set(folded.split(/[^a-z0-9]+/).filter((w) => w.length >= 3 && !STOP_WORDS.has(w)))].slice(0, 8);
}

const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

@Injectable()
export class TendersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly referenceService: ReferenceService,
  ) {}

  get reference(): ReferenceLookup {
    return this.referenceService.index as unknown as ReferenceLookup;
  }

  async create(input: TenderInput, actor: TenderActor): Promise<TenderView> {
    this.assertValid(input);
    const id = await this.dataSource.transaction(async (manager) => {
      const commune = this.reference.commune(input.executionCommuneCode)!;
      const tender = manager.create(TenderEntity, {
        ownerId: actor.id,
        status: 'draft',
        source: 'manual',
        externalId: null,
        ...this.tenderColumns(input),
        executionCommuneCode: commune.code,
        executionDepartment: commune.department,
        executionRegion: commune.region,
        executionLat: commune.location.lat,
        executionLon: commune.location.lon,
        executionPrecision: 'commune',
      });
      const saved = await manager.save(tender);
      await this.insertLots(manager, saved.id, input.lots, input.cpvCodes);
      return saved.id;
    });
    return this.get(id, actor);
  }

  async get(id: string, actor?: TenderActor): Promise<TenderView> {
    const { tender, lots } = await this.load(id, actor);
    const holders = tender.source === 'manual' ? [] : await this.dataSource.getRepository(ContractHolderEntity).find({ where: { tenderId: id }, order: { lotNumber: 'ASC', position: 'ASC' } });
    return toTenderView(tender, lots, this.reference, actor, holders);
  }

  /** The tender and its lots when the actor may see it; 404 otherwise (drafts are invisible to others). */
  async load(id: string, actor?: TenderActor): Promise<LoadedTender> {
    if (!isUuid(id)) throw notFound('Appel d’offres introuvable');
    const tender = await this.dataSource.getRepository(TenderEntity).findOneBy({ id });
    if (!tender || !canSeeTender(actor, tender)) throw notFound('Appel d’offres introuvable');
    const lots = await this.dataSource.getRepository(TenderLotEntity).find({ where: { tenderId: id }, order: { number: 'ASC' } });
    return { tender, lots };
  }

  async list(query: TenderListQuery, actor?: TenderActor): Promise<Page<TenderView>> {
    const sources = (query.source ?? 'manual').split(',').map((s) => s.trim()).filter(Boolean);
    const unknownSource = sources.find((s) => !TENDER_SOURCES.includes(s as TenderSource));
    if (unknownSource) throw badRequest('Paramètre invalide', [{ field: 'source', message: `source inconnue : ${unknownSource} (${TENDER_SOURCES.join(', ')})` }]);
    if (query.status && !TENDER_STATUSES.includes(query.status)) {
      throw badRequest('Paramètre invalide', [{ field: 'status', message: `statut inconnu : ${TENDER_STATUSES.join(', ')} attendus` }]);
    }
    if (query.mine && !actor) throw badRequest('Paramètre invalide', [{ field: 'mine', message: 'mine=true demande d’être connecté' }]);

    const qb = this.dataSource.getRepository(TenderEntity).createQueryBuilder('t').where('t.source IN (:...sources)', { sources });
    // Visibility: drafts only for their owner (admins see every draft).
    if (!actor) qb.andWhere(`t.status <> 'draft'`);
    else if (actor.role !== 'admin') qb.andWhere(`(t.status <> 'draft' OR t.owner_id = :actorId)`, { actorId: actor.id });
    if (query.mine && actor) qb.andWhere('t.owner_id = :mineId', { mineId: actor.id });
    if (query.status) qb.andWhere('t.status = :status', { status: query.status });
    // Tolerant text search, as for structures: every word, in any order, accents folded, typos forgiven
    // (a word found as such, or close enough to a word of the title or description by trigrams).
    tenderSearchWords(query.q).forEach((word, i) => {
      const haystack = `lower(immutable_unaccent(t.title || ' ' || coalesce(t.description, '')))`;
      const pattern = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere(`(${haystack} LIKE :pattern${i} OR word_similarity(:word${i}, ${haystack}) >= :similarity)`, { [`pattern${i}`]: pattern, [`word${i}`]: word, similarity: TYPO_SIMILARITY });
    });
    if (query.department) qb.andWhere('t.execution_department = :department', { department: query.department });
    if (query.sector) qb.andWhere(`EXISTS (SELECT 1 FROM tender_lots l WHERE l.tender_id = t.id AND :sector = ANY(l.effective_sectors))`, { sector: query.sector });
    if (query.reservation) qb.andWhere(`EXISTS (SELECT 1 FROM tender_lots l WHERE l.tender_id = t.id AND l.reservation = :reservation)`, { reservation: query.reservation });
    if (query.deadlineWithinDays !== undefined) {
      qb.andWhere(`t.response_deadline >= now() AND t.response_deadline <= now() + make_interval(days => :days)`, { days: query.deadlineWithinDays });
    }
    qb.orderBy('t.created_at', 'DESC').addOrderBy('t.id', 'ASC').skip((query.page - 1) * query.perPage).take(query.perPage);
    const [tenders, total] = await qb.getManyAndCount();
    const lots = tenders.length ? await this.dataSource.getRepository(TenderLotEntity).find({ where: { tenderId: In(tenders.map((t) => t.id)) } }) : [];
    const items = tenders.map((t) => toTenderView(t, lots.filter((l) => l.tenderId === t.id), this.reference, actor));
    return { total, page: query.page, perPage: query.perPage, items };
  }

  /** Owner or admin, while draft; the merged body is validated as a whole; `lots` replaces every lot. */
  async update(id: string, patch: TenderPatch, actor: TenderActor): Promise<TenderView> {
    const { tender, lots } = await this.load(id, actor);
    if (!canManageTender(actor, tender)) throw forbidden('Seul l’acheteur qui a créé cet appel d’offres peut le modifier');
    if (tender.status !== 'draft') throw conflict(`Appel d’offres ${tender.status === 'published' ? 'publié' : 'clos'} : il ne peut plus être modifié`);
    const merged: TenderInput = { ...this.toInput(tender, lots), ...stripUndefined(patch) };
    this.assertValid(merged);
    await this.dataSource.transaction(async (manager) => {
      // Checked again under the row lock: a publication committed since the read above wins (409), and a
      // publication arriving now waits for this edit to commit.
      const [locked] = await manager.query(`SELECT status FROM tenders WHERE id = $1 FOR UPDATE`, [id]);
      if (locked?.status !== 'draft') throw conflict(NOT_A_DRAFT_ANYMORE);
      const commune = this.reference.commune(merged.executionCommuneCode)!;
      await manager.update(TenderEntity, { id }, {
        ...this.tenderColumns(merged),
        executionCommuneCode: commune.code,
        executionDepartment: commune.department,
        executionRegion: commune.region,
        executionLat: commune.location.lat,
        executionLon: commune.location.lon,
        version: () => 'version + 1',
      });
      await manager.delete(TenderLotEntity, { tenderId: id });
      await this.insertLots(manager, id, merged.lots, merged.cpvCodes);
    });
    return this.get(id, actor);
  }

  async publish(id: string, actor: TenderActor): Promise<TenderView> {
    const { tender } = await this.load(id, actor);
    if (!canManageTender(actor, tender)) throw forbidden('Seul l’acheteur qui a créé cet appel d’offres peut le publier');
    if (tender.status !== 'draft') throw conflict('Seul un brouillon peut être publié');
    if (tender.responseDeadline && tender.responseDeadline.getTime() <= Date.now()) {
      throw badRequest('La date limite de réponse est passée : modifiez-la avant de publier', [{ field: 'responseDeadline', message: 'la date limite de réponse est déjà passée' }]);
    }
    // alerts_status 'pending' is the outbox of the publication alerts the worker sends (libs/marketplace).
    await this.transition(id, 'draft', { status: 'published', publishedAt: new Date(), alertsStatus: 'pending' });
    return this.get(id, actor);
  }

  async close(id: string, actor: TenderActor): Promise<TenderView> {
    const { tender } = await this.load(id, actor);
    if (!canManageTender(actor, tender)) throw forbidden('Seul l’acheteur qui a créé cet appel d’offres peut le clore');
    if (tender.status !== 'published') throw conflict(tender.status === 'draft' ? 'Un brouillon doit être publié avant d’être clos' : 'Appel d’offres déjà clos');
    await this.transition(id, 'published', { status: 'closed', closedAt: new Date() });
    return this.get(id, actor);
  }

  /** Status changes are conditional updates, so two concurrent requests cannot both succeed. */
  private async transition(id: string, from: TenderStatus, changes: { status: TenderStatus; publishedAt?: Date; closedAt?: Date; alertsStatus?: 'pending' }): Promise<void> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(TenderEntity)
      .set({ ...changes, version: () => 'version + 1' })
      .where('id = :id AND status = :from', { id, from })
      .execute();
    if (!result.affected) throw conflict('L’appel d’offres a changé entre-temps : rechargez-le');
  }

  private assertValid(input: TenderInput): void {
    const problems = tenderProblems(input, this.reference);
    if (problems.length) throw badRequest(`${problems.length} champ(s) invalide(s)`, problems);
  }

  private tenderColumns(input: TenderInput) {
    return {
      title: input.title,
      description: input.description ?? null,
      buyer: input.buyer,
      cpvCodes: input.cpvCodes.map((c) => this.reference.cpv(c)?.code ?? c),
      responseDeadline: new Date(input.responseDeadline),
      startDate: input.startDate ?? null,
      durationMonths: input.durationMonths,
      multipleBidsForbidden: input.multipleBidsForbidden ?? false,
      mandataireSolidaireRequired: input.mandataireSolidaireRequired ?? false,
    };
  }

  private async insertLots(manager: EntityManager, tenderId: string, lots: readonly LotInput[], tenderCpv: readonly string[]): Promise<void> {
    const rows = lots.map((lot) => {
      const cpvCodes = (lot.cpvCodes ?? []).map((c) => this.reference.cpv(c)?.code ?? c);
      return manager.create(TenderLotEntity, {
        tenderId,
        number: lot.number,
        title: lot.title,
        description: lot.description ?? null,
        cpvCodes,
        sectors: lot.sectors ?? [],
        effectiveSectors: effectiveSectors({ sectors: lot.sectors, cpvCodes }, tenderCpv, this.reference),
        estimatedAmountEur: lot.estimatedAmountEur,
        prestationType: lot.prestationType,
        reservation: lot.reservation,
        socialClause: lot.socialClause ?? null,
        workPackages: (lot.workPackages ?? []).map((wp) => ({
          code: wp.code,
          title: wp.title,
          sectors: wp.sectors ?? [],
          cpvCodes: (wp.cpvCodes ?? []).map((c) => this.reference.cpv(c)?.code ?? c),
          share: wp.share,
        })),
      });
    });
    await manager.save(TenderLotEntity, rows);
  }

  /** A stored draft back to a body, for PATCH merging. */
  toInput(tender: TenderEntity, lots: readonly TenderLotEntity[]): TenderInput {
    return {
      title: tender.title,
      description: tender.description ?? undefined,
      buyer: tender.buyer,
      cpvCodes: tender.cpvCodes,
      executionCommuneCode: tender.executionCommuneCode ?? '',
      responseDeadline: tender.responseDeadline?.toISOString() ?? '',
      startDate: tender.startDate ?? undefined,
      durationMonths: tender.durationMonths ?? 0,
      multipleBidsForbidden: tender.multipleBidsForbidden,
      mandataireSolidaireRequired: tender.mandataireSolidaireRequired,
      lots: lots.map((lot) => ({
        number: lot.number,
        title: lot.title,
        description: lot.description ?? undefined,
        cpvCodes: lot.cpvCodes,
        sectors: lot.sectors,
        estimatedAmountEur: lot.estimatedAmountEur ?? 0,
        prestationType: lot.prestationType,
        reservation: lot.reservation,
        socialClause: lot.socialClause ?? undefined,
        workPackages: lot.workPackages,
      })),
    };
  }
}

const NOT_A_DRAFT_ANYMORE = 'L’appel d’offres vient d’être publié ou clos : il ne peut plus être modifié';

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
