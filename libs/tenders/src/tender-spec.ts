// The domain's view of a tender (what the optimiser and checkGrouping read), from the tenders feature's view.
import type { LotSpec, TenderSpec } from '@app/domain';
import type { LotView, TenderView } from './tender.types';

/** Sectors of a work package; by default the ones it declares. The matcher passes its candidates' derivation. */
export type WorkPackageSectors = (lot: LotView, workPackageCode: string) => string[];

export function tenderSpecOf(view: TenderView, workPackageSectors?: WorkPackageSectors): TenderSpec {
  const place = view.executionPlace;
  return {
    id: view.id,
    executionCommune: {
      code: place.communeCode ?? '',
      department: place.department ?? '',
      region: place.region ?? '',
      location: place.location ?? { lat: 0, lon: 0 },
    },
    mandataireSolidaireRequired: view.mandataireSolidaireRequired,
    multipleBidsForbidden: view.multipleBidsForbidden,
    lots: view.lots.map(
      (lot): LotSpec => ({
        number: lot.number,
        title: lot.title,
        estimatedAmountEur: lot.estimatedAmountEur ?? 0,
        prestationType: lot.prestationType,
        reservation: lot.reservation,
        sectors: lot.effectiveSectors,
        workPackages: lot.workPackages.map((wp) => ({
          code: wp.code,
          title: wp.title,
          share: wp.share,
          sectors: workPackageSectors ? workPackageSectors(lot, wp.code) : (wp.sectors ?? []),
        })),
        insertionHoursRequired: lot.insertionHoursRequired,
      }),
    ),
  };
}
