import type { StructureEntity } from '@app/persistence';
import type { ReferenceIndex } from '@app/reference';
import type { Actor, StructureView } from './structure.types';

export function canManage(actor: Actor | undefined, structure: Pick<StructureEntity, 'ownerId'>): boolean {
  return !!actor && (actor.role === 'admin' || (structure.ownerId !== null && structure.ownerId === actor.id));
}

/** Entity → API shape. `ownerId` is shown only to the owner and admins. */
export function toStructureView(entity: StructureEntity, reference: ReferenceIndex, actor?: Actor): StructureView {
  const commune = entity.communeCode ? reference.commune(entity.communeCode) : undefined;
  const view: StructureView = {
    id: entity.id,
    siret: entity.siret,
    siren: entity.siren,
    name: entity.name,
    brand: entity.brand,
    kind: entity.kind,
    naf: entity.naf,
    address: entity.address,
    postCode: entity.postCode,
    city: entity.city,
    communeCode: entity.communeCode,
    communeName: commune?.name ?? null,
    location: entity.lat !== null && entity.lon !== null ? { lat: entity.lat, lon: entity.lon } : null,
    department: entity.department,
    region: entity.region,
    interventionArea: entity.interventionArea,
    interventionAreaIsDefault: entity.interventionAreaIsDefault,
    sectors: entity.sectors.map((s) => s.code),
    sectorDetails: entity.sectors.map((s) => ({ code: s.code, label: reference.sector(s.code)?.label ?? s.code, inferred: s.inferred })),
    prestationTypes: entity.prestationTypes,
    description: entity.description,
    offers: entity.offers,
    clientReferences: entity.clientReferences,
    capacity: entity.capacity,
    labels: entity.labels,
    networks: entity.networks,
    contact: entity.contact,
    openToCoContracting: entity.openToCoContracting,
    source: entity.source,
    verified: entity.verified,
    verifiedAt: entity.verifiedAt ? entity.verifiedAt.toISOString() : null,
    flags: entity.flags,
    delistedAt: entity.delistedAt ? entity.delistedAt.toISOString() : null,
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
    version: entity.version,
  };
  if (canManage(actor, entity)) view.ownerId = entity.ownerId;
  return view;
}
