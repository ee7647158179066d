import type { AccountRole, Capacity, GeoPoint, InterventionArea, PrestationType, StructureKind, StructureSource } from '@app/domain';
import type { StructureFlag } from '@app/persistence';

/** Who asks: the catalogue needs the id (ownership) and the role (admin may do everything). */
export interface Actor {
  id: string;
  role: AccountRole;
}

export interface Offer {
  title: string;
  description?: string;
}

export interface ClientReference {
  name: string;
  year?: number;
}

export interface Contact {
  email?: string;
  phone?: string;
  website?: string;
}

/** A structure as a supplier declares it (contract "Structure body"), already validated for shape. */
export interface StructureFields {
  siret: string;
  name: string;
  brand?: string | null;
  kind: StructureKind;
  naf?: string | null;
  address?: string | null;
  postCode?: string | null;
  communeCode: string;
  /** Optional on creation: defaults to a 50 km radius marked as a default. */
  interventionArea?: InterventionArea;
  sectors: string[];
  prestationTypes: PrestationType[];
  description?: string | null;
  offers?: Offer[];
  clientReferences?: ClientReference[];
  capacity?: Capacity;
  labels?: string[];
  networks?: string[];
  contact?: Contact;
  openToCoContracting?: boolean;
}

/** PATCH: any subset; the SIRET identifies the structure and does not change. */
export type StructurePatch = Partial<Omit<StructureFields, 'siret'>>;

export interface SectorDetail {
  code: string;
  label: string;
  inferred: boolean;
}

/** The public representation (contract "Structures" + our additions). */
export interface StructureView {
  id: string;
  siret: string;
  siren: string;
  name: string;
  brand: string | null;
  kind: StructureKind;
  naf: string | null;
  address: string | null;
  postCode: string | null;
  city: string | null;
  communeCode: string | null;
  communeName: string | null;
  location: GeoPoint | null;
  department: string | null;
  region: string | null;
  interventionArea: InterventionArea;
  interventionAreaIsDefault: boolean;
  sectors: string[];
  sectorDetails: SectorDetail[];
  prestationTypes: PrestationType[];
  description: string | null;
  offers: Offer[];
  clientReferences: ClientReference[];
  capacity: Capacity;
  labels: string[];
  networks: string[];
  contact: Contact;
  openToCoContracting: boolean;
  source: StructureSource;
  /** false for a structure someone declared, until an admin confirms it: its kind does not count for reserved lots meanwhile. */
  verified: boolean;
  verifiedAt: string | null;
  flags: StructureFlag[];
  delistedAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
  /** Only shown to the owner and to admins. */
  ownerId?: string | null;
}

export interface Page<T> {
  total: number;
  page: number;
  perPage: number;
  items: T[];
}
