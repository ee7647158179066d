import type { AccountRole, AlertFrequency, Reservation, StructureKind } from '@app/domain';

/** Who calls a marketplace service (the authenticated account). */
export interface MarketCaller {
  id: string;
  role: AccountRole;
}

export interface AlertProfileInput {
  name: string;
  sectors?: string[];
  departments?: string[];
  regions?: string[];
  kinds?: StructureKind[];
  reservations?: Reservation[];
  frequency: AlertFrequency;
}

export interface AlertProfileView {
  id: string;
  name: string;
  sectors: string[];
  departments: string[];
  regions: string[];
  kinds: StructureKind[];
  reservations: Reservation[];
  frequency: AlertFrequency;
  lastDigestAt: string | null;
  createdAt: string;
}

export type InterestStatus = 'interested' | 'not_interested';

export interface InterestInput {
  structureId: string;
  lots: number[];
  status: InterestStatus;
  reason?: string;
}

export interface InterestView {
  tenderId: string;
  structure: { id: string; siret: string; name: string; kind: string; department: string | null; contactEmail: string | null };
  lots: number[];
  status: InterestStatus;
  reason: string | null;
  answeredAt: string;
  updatedAt: string;
}

export interface InterestList {
  tenderId: string;
  counts: { interested: number; notInterested: number; total: number };
  items: InterestView[];
}

export interface PartnerSeeking {
  kinds?: StructureKind[];
  sectors?: string[];
  /** Share of the work offered to partners, 0–1. */
  share?: number;
}

export interface PartnerRequestInput {
  structureId: string;
  lots: number[];
  seeking: PartnerSeeking;
  message: string;
}

export type ContactStatus = 'pending' | 'accepted' | 'declined';

export interface StructureSummary {
  id: string;
  siret: string;
  name: string;
  kind: string;
  department: string | null;
}

export interface PartnerContactView {
  id: string;
  requestId: string;
  /** The structure asking for contact (always visible to the request's author). */
  structure: StructureSummary;
  message: string | null;
  status: ContactStatus;
  bidId: string | null;
  createdAt: string;
  answeredAt: string | null;
}

export interface PartnerRequestView {
  id: string;
  tenderId: string;
  lots: number[];
  seeking: PartnerSeeking;
  message: string;
  status: 'open' | 'closed';
  createdAt: string;
  /** The author's structure: null until the author accepts a contact of the caller (or the caller is the author). */
  author: StructureSummary | null;
  /** The caller wrote this request. */
  mine: boolean;
  /** The caller's own contact requests on it (one per structure of theirs). */
  myContacts: PartnerContactView[];
  /** Every contact request, for the author only. */
  contacts?: PartnerContactView[];
}

export interface FavouriteListView {
  id: string;
  name: string;
  count: number;
  createdAt: string;
  updatedAt: string;
}

export interface FavouriteItemView {
  structure: StructureSummary & { communeCode: string | null; sectors: string[]; contactEmail: string | null; delisted: boolean };
  note: string | null;
  addedAt: string;
}

export interface FavouriteListDetail extends FavouriteListView {
  items: FavouriteItemView[];
}
