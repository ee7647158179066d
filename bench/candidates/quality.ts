// Candidate quality on real contracts: each contract of decp-inclusive-holders-dev.ndjson (real 2018–2019
// contracts won by structures of the 2020 register) becomes a one-lot tender (its CPV, place, amount,
// duration); recall@K is the share of contracts whose actual holder is among the top K candidates.
// A distance-only ranking of every structure serving the place is the baseline. Shared by the bench CLI and the
// regression test (tests/e2e/candidates-quality.e2e-spec.ts).
import { readFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import {
  type CandidatesService,
  type CandidateTarget,
  DecpMapper,
  type DecpRecord,
  type ReferenceLookup,
  RepairVocabulary,
  parseDecp,
} from '@app/tenders';

export interface RecallResult {
  records: number;
  /** Distinct contracts after removing repeats (same buyer, holders, CPV and place). */
  contracts: number;
  /** Contracts kept: a located place and at least one holder in the catalogue (by SIRET). */
  evaluated: number;
  excluded: { noHolderInCatalogue: number; placeNotLocated: number };
  /** Share of evaluated contracts whose holder serves the place at all (ceiling of any recall). */
  served: number;
  recallAt10: number;
  recallAt20: number;
  baselineRecallAt10: number;
  baselineRecallAt20: number;
  /**
   * With past-contract evidence (DECP 2019 imported), every contract of the same buyer left out of the
   * evidence so that a contract never counts for itself; null when no DECP contract is in the database.
   */
  withEvidence: { recallAt10: number; recallAt20: number } | null;
  /** Per contract: rank of the best holder (1-based) with the score and with the distance-only baseline. */
  details: { title: string; kind: string; rank: number | null; baselineRank: number | null; candidates: number }[];
  medianCandidates: number;
}

/**
 * The same contract repeated across lots or sources: same buyer, same holders, same CPV (8 digits) and
 * same place. Lots of one consultation won by the same holders count once.
 */
function contractKey(record: DecpRecord): string {
  const holders = (record.titulaires ?? [])
    .map((h) => String(('titulaire' in h ? h.titulaire?.id : (h as { id?: unknown }).id) ?? '').replace(/\s/g, ''))
    .sort()
    .join('+');
  const cpv = String(record.codeCPV ?? '').replace(/\D/g, '').slice(0, 8);
  return `${record.acheteur?.id ?? ''}|${holders}|${cpv}|${record.lieuExecution?.code ?? ''}`;
}

export async function evaluateRecall(
  dataSource: DataSource,
  reference: ReferenceLookup,
  candidates: Pick<CandidatesService, 'rank'>,
  file: string,
): Promise<RecallResult> {
  const read = parseDecp(readFileSync(file, 'utf8'));
  const unique = new Map<string, DecpRecord>();
  for (const { record } of read.records) {
    const key = contractKey(record);
    if (!unique.has(key)) unique.set(key, record);
  }
  const mapper = new DecpMapper(reference, new RepairVocabulary());
  const catalogue: { siret: string; id: string; kind: string }[] = await dataSource.query(`SELECT siret, id, kind FROM structures WHERE delisted_at IS NULL`);
  const bySiret = new Map<string, { id: string; kind: string }[]>();
  for (const s of catalogue) bySiret.set(s.siret, [...(bySiret.get(s.siret) ?? []), s]);

  const result: RecallResult = {
    records: read.records.length,
    contracts: unique.size,
    evaluated: 0,
    excluded: { noHolderInCatalogue: 0, placeNotLocated: 0 },
    served: 0,
    recallAt10: 0,
    recallAt20: 0,
    baselineRecallAt10: 0,
    baselineRecallAt20: 0,
    withEvidence: null,
    details: [],
    medianCandidates: 0,
  };
  const counts: number[] = [];
  const [{ decp }] = await dataSource.query(`SELECT count(*)::int AS decp FROM tenders WHERE source <> 'manual'`);
  const evidenceHits = { at10: 0, at20: 0 };
  for (const record of unique.values()) {
    const contract = mapper.map(record, 'quality');
    const holderIds = new Set(contract.holders.flatMap((h) => (h.siret ? (bySiret.get(h.siret) ?? []).map((s) => s.id) : [])));
    if (holderIds.size === 0) {
      result.excluded.noHolderInCatalogue++;
      continue;
    }
    const place = contract.place;
    if (!place.location || !place.department || !place.region) {
      result.excluded.placeNotLocated++;
      continue;
    }
    const target: CandidateTarget = {
      lotNumber: 1,
      sectors: contract.sectors,
      cpvCodes: contract.cpvCodes,
      prestationType: contract.prestationType,
      reservation: 'NONE',
      estimatedAmountEur: contract.amountEur ?? 0,
      durationMonths: contract.durationMonths ?? undefined,
    };
    // Evidence is left out: the DECP file holds these very contracts, counting them would leak the answer.
    const [ranked] = await candidates.rank(
      { communeCode: place.communeCode, location: place.location, department: place.department, region: place.region, scope: place.precision === 'department' ? 'department' : 'commune' },
      [target],
      { evidence: false },
    );
    if (decp > 0) {
      const buyer = contract.buyer.siret ?? (contract.details.buyerId as string | undefined);
      const [withEvidence] = await candidates.rank(
        { communeCode: place.communeCode, location: place.location, department: place.department, region: place.region, scope: place.precision === 'department' ? 'department' : 'commune' },
        [target],
        { evidence: { excludeBuyerSirets: buyer ? [buyer] : [] } },
      );
      const index = withEvidence.findIndex((c) => holderIds.has(c.structure.id));
      if (index >= 0 && index < 10) evidenceHits.at10++;
      if (index >= 0 && index < 20) evidenceHits.at20++;
    }
    // Baseline: every structure serving the place (no sector knowledge at all), nearest first.
    const [everyone] = await candidates.rank(
      { communeCode: place.communeCode, location: place.location, department: place.department, region: place.region, scope: place.precision === 'department' ? 'department' : 'commune' },
      [{ ...target, sectors: [] }],
      { evidence: false },
    );
    const baseline = [...everyone].sort(
      (a, b) => (a.distanceKm ?? Infinity) - (b.distanceKm ?? Infinity) || a.structure.siret.localeCompare(b.structure.siret) || a.structure.kind.localeCompare(b.structure.kind),
    );
    const rankIn = (list: typeof ranked) => {
      const index = list.findIndex((c) => holderIds.has(c.structure.id));
      return index < 0 ? null : index + 1;
    };
    const rank = rankIn(ranked);
    const baselineRank = rankIn(baseline);
    const holder = catalogue.find((s) => holderIds.has(s.id))!;
    result.evaluated++;
    counts.push(ranked.length);
    if (rank !== null) result.served++;
    if (rank !== null && rank <= 10) result.recallAt10++;
    if (rank !== null && rank <= 20) result.recallAt20++;
    if (baselineRank !== null && baselineRank <= 10) result.baselineRecallAt10++;
    if (baselineRank !== null && baselineRank <= 20) result.baselineRecallAt20++;
    result.details.push({ title: contract.title.slice(0, 70), kind: holder.kind, rank, baselineRank, candidates: ranked.length });
  }
  const share = (n: number) => (result.evaluated ? Math.round((1000 * n) / result.evaluated) / 1000 : 0);
  result.served = share(result.served);
  result.recallAt10 = share(result.recallAt10);
  result.recallAt20 = share(result.recallAt20);
  result.baselineRecallAt10 = share(result.baselineRecallAt10);
  result.baselineRecallAt20 = share(result.baselineRecallAt20);
  if (decp > 0) result.withEvidence = { recallAt10: share(evidenceHits.at10), recallAt20: share(evidenceHits.at20) };
  counts.sort((a, b) => a - b);
  result.medianCandidates = counts.length ? counts[Math.floor(counts.length / 2)] : 0;
  return result;
}
