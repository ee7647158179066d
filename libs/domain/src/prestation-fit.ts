// Which structure kinds naturally answer which prestation type (domain rules §5 and V21).
import type { PrestationType, StructureKind } from './vocabulary';

/**
 * V21: kinds to propose as staff providers (DISP) to the titulaire rather than as cotraitants
 * performing a service or supply lot. EATT is a temp-work EA (§5), so it also fits DISP, but V21
 * names only AI, ETTI and GEIQ for the "not a cotraitant" warning.
 */
export const STAFF_PROVIDER_KINDS: readonly StructureKind[] = ['AI', 'ETTI', 'GEIQ'];

/** V21: kinds to propose as cotraitants or subcontractors performing services (PREST) or goods (BUILD). */
export const PERFORMER_KINDS: readonly StructureKind[] = ['EI', 'ACI', 'EA', 'ESAT'];

export type PrestationFit = 'fit' | 'neutral' | 'misfit';

/**
 * V21 fit of a kind for a prestation type. COMPANY is neutral (it can do anything); EITI (self-employed
 * people, experimental) is not covered by V21, so neutral; EATT fits DISP and is neutral otherwise.
 */
export function prestationFit(kind: StructureKind, prestationType: PrestationType): PrestationFit {
  if (kind === 'COMPANY' || kind === 'EITI') return 'neutral';
  if (kind === 'EATT') return prestationType === 'DISP' ? 'fit' : 'neutral';
  const staffProvider = STAFF_PROVIDER_KINDS.includes(kind);
  return staffProvider === (prestationType === 'DISP') ? 'fit' : 'misfit';
}
