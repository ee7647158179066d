// Default lots of a matching run (api-contract "Matching runs"): every lot, or with an anchor every
// lot the anchor may lawfully answer — a reserved lot is closed to an ineligible anchor even inside
// a group (V13, DAJ fiche 23/09/2011).
import { reservationEligibility } from '../eligibility';
import type { TenderSpec } from '../grouping';
import type { StructureKind } from '../vocabulary';
import { structureLabel } from './french';

export interface DefaultLots {
  lots: number[];
  /** Why a lot was left out, in French. */
  explanations: string[];
}

export interface AnchorIdentity {
  kind: StructureKind;
  name: string;
}

export function defaultLots(tender: TenderSpec, anchor?: AnchorIdentity): DefaultLots {
  const lots: number[] = [];
  const explanations: string[] = [];
  for (const lot of tender.lots) {
    const closedReason = anchor ? reservedLotClosedTo(anchor, lot.reservation) : null;
    if (closedReason === null) lots.push(lot.number);
    else explanations.push(`Lot ${lot.number} écarté : ${closedReason}`);
  }
  return { lots: lots.sort((a, b) => a - b), explanations };
}

/** Null when the anchor may bid on the lot; otherwise the French reason it may not. */
export function reservedLotClosedTo(anchor: AnchorIdentity, reservation: TenderSpec['lots'][number]['reservation']): string | null {
  if (reservation === 'NONE') return null;
  const eligibility = reservationEligibility(anchor.kind, reservation);
  if (eligibility.status !== 'excluded') return null;
  return (
    `réservé ${reservation}, il est fermé à ${structureLabel(anchor.kind, anchor.name)} même au sein d’un ` +
    `groupement, car tous les membres doivent être éligibles (V13). ${eligibility.reason}`
  );
}
