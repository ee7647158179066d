import { Injectable, Optional } from '@nestjs/common';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { DEFAULT_RADIUS_KM, InterventionArea, isValidSiret, normaliseSiret, sirenOf } from '@app/domain';
import { FieldError, ProblemException, badRequest, forbidden, notFound } from '@app/common';
import { StructureEntity, StructureFlag, enqueueStructureIndexing } from '@app/persistence';
import { ReferenceService } from '@app/reference';
import { SearchSync } from '@app/search';
import { structureFieldProblems } from './structure-rules';
import { canManage, toStructureView } from './structure-view';
import type { Actor, Page, StructureFields, StructurePatch, StructureView } from './structure.types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Flags about the place that stop being true once an owner names the commune. */
const PLACE_FLAGS: StructureFlag[] = ['MISSING_LOCATION', 'UNKNOWN_COMMUNE'];

export interface ListQuery {
  siret?: string;
  mine?: boolean;
  page: number;
  perPage: number;
}

/** Create, read, update and delist structures; every write enqueues indexing in its own transaction. */
@Injectable()
export class StructuresService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reference: ReferenceService,
    /** Absent in contexts without search (CLI imports): the indexing sweep then picks the outbox rows up. */
    @Optional() private readonly searchSync?: SearchSync,
  ) {}

  async create(actor: Actor, fields: StructureFields): Promise<StructureView> {
    const siret = normaliseSiret(fields.siret);
    this.assertValid({ ...fields, siret });
    const entity = await this.dataSource.transaction(async (manager) => {
      // Serialise creations of one SIRET: the unique index is on (siret, kind), the 409 rule is on siret alone.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`structure-siret:${siret}`]);
      const existing = await manager.find(StructureEntity, { where: { siret }, select: { id: true } });
      if (existing.length) {
        throw new ProblemException(
          409,
          'Une structure est déjà inscrite avec ce SIRET : demandez à la revendiquer plutôt que de la recréer',
          [{ field: 'siret', message: 'SIRET déjà inscrit' }],
          { existingStructureIds: existing.map((s) => s.id) },
        );
      }
      const structure = manager.create(StructureEntity, {
        siret,
        siren: sirenOf(siret),
        source: 'self',
        ownerId: actor.id,
        // Anyone can type a checksum-valid SIRET and a kind: « non vérifiée » until an admin confirms it (issue 13).
        verified: actor.role === 'admin',
        verifiedAt: actor.role === 'admin' ? new Date() : null,
        verifiedBy: actor.role === 'admin' ? actor.id : null,
        flags: [],
        interventionArea: { type: 'radius', radiusKm: DEFAULT_RADIUS_KM },
        interventionAreaIsDefault: true,
        openToCoContracting: false,
      });
      this.apply(structure, fields);
      const saved = await manager.save(structure);
      await enqueueStructureIndexing(manager, saved.id);
      return saved;
    });
    this.searchSync?.nudge(); // searchable now rather than at the next sweep
    return this.view(entity, actor);
  }

  async get(id: string, actor?: Actor): Promise<StructureView> {
    return this.view(await this.find(this.dataSource.manager, id), actor);
  }

  /** `?siret=` finds every structure of that SIRET (the register has a few SIRETs under two kinds). */
  async list(query: ListQuery, actor?: Actor): Promise<Page<StructureView>> {
    const where: Record<string, unknown> = {};
    if (query.siret !== undefined) where.siret = normaliseSiret(query.siret);
    if (query.mine) where.ownerId = actor!.id;
    if (query.siret === undefined && !query.mine) where.delistedAt = IsNull();
    const [items, total] = await this.dataSource.manager.findAndCount(StructureEntity, {
      where,
      order: { name: 'ASC', id: 'ASC' },
      skip: (query.page - 1) * query.perPage,
      take: query.perPage,
    });
    return { total, page: query.page, perPage: query.perPage, items: items.map((s) => this.view(s, actor)) };
  }

  async update(actor: Actor, id: string, patch: StructurePatch): Promise<StructureView> {
    this.assertValid(patch);
    const entity = await this.dataSource.transaction(async (manager) => {
      const structure = await this.find(manager, id, true);
      this.assertCanManage(actor, structure);
      const before = JSON.stringify(structure);
      this.apply(structure, patch);
      // Saying "not open to co-contracting" on an imported row is an answer even if the value stays the same.
      const declaresOpenness = patch.openToCoContracting !== undefined && structure.editedAt === null;
      if (JSON.stringify(structure) === before && !declaresOpenness) return structure;
      const saved = await manager.save(structure);
      // An owner's (or admin's) edit is never overwritten by a register re-import.
      await manager.query(`UPDATE structures SET edited_at = now() WHERE id = $1`, [saved.id]);
      await enqueueStructureIndexing(manager, saved.id);
      return saved;
    });
    this.searchSync?.nudge(); // searchable now rather than at the next sweep
    return this.view(entity, actor);
  }

  /** An admin confirms a declared structure (SIRET, kind, who runs it): its kind then counts for reserved lots. */
  async verify(actor: Actor, id: string): Promise<StructureView> {
    if (actor.role !== 'admin') throw forbidden('Seul un administrateur peut vérifier une structure');
    const entity = await this.dataSource.transaction(async (manager) => {
      const structure = await this.find(manager, id, true);
      if (structure.verified) return structure;
      Object.assign(structure, { verified: true, verifiedAt: new Date(), verifiedBy: actor.id });
      return manager.save(structure);
    });
    return this.view(entity, actor);
  }

  /** Declared structures waiting for an admin, oldest first (the admins' review page). */
  async unverified(actor: Actor, limit = 200): Promise<StructureView[]> {
    if (actor.role !== 'admin') throw forbidden('Réservé aux administrateurs');
    const rows = await this.dataSource.manager.find(StructureEntity, { where: { verified: false, delistedAt: IsNull() }, order: { createdAt: 'ASC' }, take: limit });
    return rows.map((s) => this.view(s, actor));
  }

  /** Delisting keeps the row (history, bids) but takes it out of search and matching. */
  async delist(actor: Actor, id: string): Promise<StructureView> {
    const entity = await this.dataSource.transaction(async (manager) => {
      const structure = await this.find(manager, id, true);
      this.assertCanManage(actor, structure);
      if (structure.delistedAt) return structure;
      structure.delistedAt = new Date();
      const saved = await manager.save(structure);
      await enqueueStructureIndexing(manager, saved.id);
      return saved;
    });
    this.searchSync?.nudge(); // searchable now rather than at the next sweep
    return this.view(entity, actor);
  }

  /** Structures by id, for other features (search hits, candidates, bids). Unknown ids are left out. */
  async findByIds(ids: string[]): Promise<StructureEntity[]> {
    const valid = ids.filter((id) => UUID.test(id));
    return valid.length ? this.dataSource.manager.findBy(StructureEntity, { id: In(valid) }) : [];
  }

  view(entity: StructureEntity, actor?: Actor): StructureView {
    return toStructureView(entity, this.reference.index, actor);
  }

  private async find(manager: EntityManager, id: string, forUpdate = false): Promise<StructureEntity> {
    if (!UUID.test(id)) throw notFound('Structure introuvable');
    const structure = await manager.findOne(StructureEntity, {
      where: { id },
      ...(forUpdate ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!structure) throw notFound('Structure introuvable');
    return structure;
  }

  private assertCanManage(actor: Actor, structure: StructureEntity): void {
    if (!canManage(actor, structure)) throw forbidden('Seul le propriétaire de la structure ou un administrateur peut la modifier');
  }

  /** Same rules as the HTTP DTOs, for callers that do not go through them (pages, scripts). */
  private assertValid(fields: StructurePatch & { siret?: string }): void {
    const problems: FieldError[] = structureFieldProblems(fields, this.reference.index);
    if (fields.siret !== undefined && !isValidSiret(fields.siret)) {
      problems.unshift({ field: 'siret', message: 'SIRET invalide : 14 chiffres avec une clé de contrôle valide' });
    }
    if (problems.length) throw badRequest(`${problems.length} champ(s) invalide(s)`, problems);
  }

  /** Copies the given fields onto the entity; absent fields stay, null clears optional text. */
  private apply(structure: StructureEntity, fields: StructurePatch): void {
    if (fields.name !== undefined) structure.name = fields.name.trim();
    if (fields.brand !== undefined) structure.brand = blankToNull(fields.brand);
    if (fields.kind !== undefined) structure.kind = fields.kind;
    if (fields.naf !== undefined) structure.naf = blankToNull(fields.naf)?.toUpperCase() ?? null;
    if (fields.address !== undefined) structure.address = blankToNull(fields.address);
    if (fields.postCode !== undefined) structure.postCode = blankToNull(fields.postCode);
    if (fields.description !== undefined) structure.description = blankToNull(fields.description);
    if (fields.communeCode !== undefined && fields.communeCode !== structure.communeCode) {
      const commune = this.reference.commune(fields.communeCode)!;
      structure.communeCode = commune.code;
      structure.city = commune.name;
      structure.department = commune.department;
      structure.region = commune.region;
      // Self-declared structures are placed at their commune's centre (no address geocoding).
      structure.lat = commune.location.lat;
      structure.lon = commune.location.lon;
      structure.flags = (structure.flags ?? []).filter((flag) => !PLACE_FLAGS.includes(flag));
    }
    if (fields.interventionArea !== undefined) {
      structure.interventionArea = this.canonicalArea(fields.interventionArea);
      structure.interventionAreaIsDefault = false;
    }
    // Declared sectors replace inferred ones (the owner knows better than NAF and name).
    if (fields.sectors !== undefined) structure.sectors = unique(fields.sectors).map((code) => ({ code, inferred: false }));
    if (fields.prestationTypes !== undefined) structure.prestationTypes = unique(fields.prestationTypes);
    if (fields.offers !== undefined) structure.offers = fields.offers.map((o) => dropUndefined({ title: o.title.trim(), description: o.description?.trim() }));
    if (fields.clientReferences !== undefined) structure.clientReferences = fields.clientReferences.map((r) => dropUndefined({ name: r.name.trim(), year: r.year }));
    if (fields.capacity !== undefined) structure.capacity = dropUndefined({ ...fields.capacity });
    if (fields.labels !== undefined) structure.labels = unique(fields.labels.map((l) => l.trim()));
    if (fields.networks !== undefined) structure.networks = unique(fields.networks.map((n) => n.trim()));
    if (fields.contact !== undefined) structure.contact = dropUndefined({ ...fields.contact });
    if (fields.openToCoContracting !== undefined) structure.openToCoContracting = fields.openToCoContracting;
  }

  /** Only the members of the area's type are kept; codes take their reference spelling ("1" → "01", "2a" → "2A"). */
  private canonicalArea(area: InterventionArea): InterventionArea {
    switch (area.type) {
      case 'radius':
        return { type: 'radius', radiusKm: area.radiusKm };
      case 'departments':
        return { type: 'departments', codes: unique(area.codes.map((c) => this.reference.department(c)?.code ?? c)) };
      case 'regions':
        return { type: 'regions', codes: unique(area.codes.map((c) => this.reference.region(c)?.code ?? c)) };
      case 'national':
        return { type: 'national' };
    }
  }
}

function blankToNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}
