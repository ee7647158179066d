// Matching runs seen from the API: create (persist, then queue), read, list. The work itself runs in
// the worker (./worker), never in the request.
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FieldError, badRequest, conflict, notFound } from '@app/common';
import { type AccountRole, GROUP_FORMS, type GroupForm, reservationEligibility, structureKindLabel } from '@app/domain';
import { DEFAULT_MAX_MEMBERS, DEFAULT_TOP_K } from '@app/domain/optimiser';
import { MatchingRunEntity, MatchingRunParams, ProposalEntity, StructureEntity, TenderEntity } from '@app/persistence';
import { TendersService, canManageTender } from '@app/tenders';
import { MatchingQueueProducer } from './matching-queue.producer';
import { MatchingRunStore } from './matching-run.store';
import { MatchingRunSummary, MatchingRunView, toRunSummary, toRunView } from './matching-run.view';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface MatchingCaller {
  id: string;
  role: AccountRole;
}

export interface CreateMatchingRunInput {
  lots?: number[];
  anchorStructureId?: string;
  maxMembers?: number;
  forms?: GroupForm[];
  topK?: number;
  includeDemo?: boolean;
}

export interface ListMatchingRunsInput {
  mine?: boolean;
  page?: number;
  perPage?: number;
}

export interface MatchingRunPage {
  total: number;
  page: number;
  perPage: number;
  items: MatchingRunSummary[];
}

@Injectable()
export class MatchingRunsService {
  private readonly logger = new Logger('MatchingRuns');

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: MatchingRunStore,
    private readonly producer: MatchingQueueProducer,
    private readonly tenders: TendersService,
  ) {}

  /** Persists the run, then queues it. Answers `queued` even when Redis is down (the sweeper catches up). */
  async create(tenderId: string, caller: MatchingCaller, input: CreateMatchingRunInput): Promise<{ id: string; status: 'queued' }> {
    // Drafts are visible to their buyer (and admins) only: anyone else gets the tenders feature's 404.
    const { tender, lots } = await this.tenders.load(tenderId, caller);
    if (tender.status === 'closed') throw conflict('Ce marché est clos : il n’est plus possible d’y répondre.');

    const errors: FieldError[] = [];
    const known = new Set(lots.map((l) => l.number));
    const unknown = (input.lots ?? []).filter((n) => !known.has(n));
    if (unknown.length) {
      errors.push({ field: 'lots', message: `lot(s) inconnu(s) dans ce marché : ${unknown.join(', ')} (lots existants : ${[...known].join(', ')})` });
    }
    if (input.anchorStructureId !== undefined) {
      const anchor = await this.dataSource.getRepository(StructureEntity).findOne({
        where: { id: input.anchorStructureId },
        select: { id: true, name: true, kind: true, delistedAt: true },
      });
      if (!anchor) errors.push({ field: 'anchorStructureId', message: 'structure inconnue' });
      else if (anchor.delistedAt) errors.push({ field: 'anchorStructureId', message: 'cette structure a été retirée du catalogue' });
      else {
        // V13: a reserved lot is closed to an ineligible anchor even inside a group; asking for it
        // explicitly is a request that can never be satisfied.
        for (const lot of lots.filter((l) => input.lots?.includes(l.number))) {
          const eligibility = reservationEligibility(anchor.kind, lot.reservation);
          if (eligibility.status === 'excluded') {
            errors.push({
              field: 'lots',
              message: `le lot ${lot.number} est réservé ${lot.reservation} : il est fermé à « ${anchor.name} » (${structureKindLabel(anchor.kind)}) même au sein d’un groupement (V13)`,
            });
          }
        }
      }
    }
    if (errors.length) throw badRequest(`${errors.length} champ(s) invalide(s)`, errors);

    const params: MatchingRunParams = {
      ...(input.lots ? { lots: [...input.lots].sort((a, b) => a - b) } : {}),
      ...(input.anchorStructureId ? { anchorStructureId: input.anchorStructureId } : {}),
      maxMembers: input.maxMembers ?? DEFAULT_MAX_MEMBERS,
      forms: input.forms ? GROUP_FORMS.filter((f) => input.forms?.includes(f)) : [...GROUP_FORMS],
      topK: input.topK ?? DEFAULT_TOP_K,
      ...(input.includeDemo ? { includeDemo: true } : {}),
    };
    const run = await this.store.create({ tenderId, requestedBy: caller.id, params });
    const outcome = await this.producer.enqueue(run.id);
    if (outcome !== 'queued') this.logger.warn(`Run ${run.id} persisted but not queued (${outcome}); the worker's sweeper will queue it`);
    return { id: run.id, status: 'queued' };
  }

  /** Readable by the requester, the tender's buyer and admins; 404 for everyone else. */
  async get(runId: string, caller: MatchingCaller): Promise<MatchingRunView> {
    if (!UUID.test(runId)) throw notFound('Calcul introuvable');
    const run = await this.dataSource.getRepository(MatchingRunEntity).findOneBy({ id: runId });
    if (!run || !(await this.canRead(run, caller))) throw notFound('Calcul introuvable');
    const proposals =
      run.status === 'succeeded' ? await this.dataSource.getRepository(ProposalEntity).find({ where: { runId }, order: { rank: 'ASC' } }) : [];
    return toRunView(run, proposals);
  }

  /** The tender's buyer (and admins) see every run of the tender; anyone else only their own. */
  async list(tenderId: string, caller: MatchingCaller, query: ListMatchingRunsInput): Promise<MatchingRunPage> {
    const { tender } = await this.tenders.load(tenderId, caller);
    const page = query.page ?? 1;
    const perPage = query.perPage ?? 20;
    const seesAll = canManageTender(caller, tender);
    const where = query.mine || !seesAll ? { tenderId, requestedBy: caller.id } : { tenderId };
    const [runs, total] = await this.dataSource.getRepository(MatchingRunEntity).findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (page - 1) * perPage,
      take: perPage,
    });
    const counts = new Map<string, number>();
    if (runs.length) {
      const rows: { run_id: string; count: number }[] = await this.dataSource.query(
        `SELECT run_id, count(*)::int AS count FROM proposals WHERE run_id = ANY($1::uuid[]) GROUP BY run_id`,
        [runs.map((r) => r.id)],
      );
      for (const row of rows) counts.set(row.run_id, row.count);
    }
    return { total, page, perPage, items: runs.map((run) => toRunSummary(run, counts.get(run.id) ?? 0, caller.id)) };
  }

  private async canRead(run: MatchingRunEntity, caller: MatchingCaller): Promise<boolean> {
    if (caller.role === 'admin' || run.requestedBy === caller.id) return true;
    const tender = await this.dataSource.getRepository(TenderEntity).findOne({ where: { id: run.tenderId }, select: { id: true, ownerId: true } });
    return !!tender && canManageTender(caller, tender);
  }
}

