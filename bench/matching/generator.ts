// Deterministic generator of matching-run inputs for the benchmark: tenders of 1, 5 or 10 lots and
// catalogues of candidates placed on real French commune centres (data/reference/communes.csv).
import { readFileSync } from 'node:fs';
import { distanceKm } from '../../libs/domain/src/geo';
import type { LotSpec, TenderSpec, WorkPackageSpec } from '../../libs/domain/src/grouping';
import type { OptimiserCandidate, OptimiserInput } from '../../libs/domain/src/optimiser';
import type { GeoPoint, StructureKind } from '../../libs/domain/src/vocabulary';

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Commune {
  code: string;
  department: string;
  region: string;
  population: number;
  location: GeoPoint;
}

/** Communes with a centre, and a population-weighted sampler over them. */
export class CommuneSampler {
  private readonly communes: Commune[];
  private readonly cumulative: number[];

  constructor(csvPath: string) {
    const lines = readFileSync(csvPath, 'utf8').trim().split('\n').slice(1);
    this.communes = lines
      .map((line) => line.split(','))
      .filter((f) => f[2] === 'commune-actuelle' && f[7] !== '' && f[8] !== '')
      .map((f) => ({ code: f[0], department: f[3], region: f[4], population: Number(f[6]) || 0, location: { lon: Number(f[7]), lat: Number(f[8]) } }));
    let total = 0;
    this.cumulative = this.communes.map((c) => (total += Math.max(1, c.population)));
  }

  /** A commune drawn in proportion to its population (structures sit where people live). */
  pick(random: () => number, minPopulation = 0): Commune {
    for (;;) {
      const target = random() * this.cumulative[this.cumulative.length - 1];
      let low = 0;
      let high = this.cumulative.length - 1;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (this.cumulative[mid] < target) low = mid + 1;
        else high = mid;
      }
      if (this.communes[low].population >= minPopulation) return this.communes[low];
    }
  }
}

const SECTORS = [
  'nettoyage', 'espaces-verts', 'btp-gros-oeuvre', 'btp-second-oeuvre', 'restauration', 'blanchisserie',
  'logistique', 'recyclage', 'informatique', 'textile', 'transport', 'accueil',
];

/** Rough make-up of a catalogue answering a tender (ordinary companies included). */
const KIND_WEIGHTS: Array<[StructureKind, number]> = [
  ['COMPANY', 30], ['EI', 16], ['ACI', 16], ['AI', 9], ['ETTI', 7], ['EA', 8], ['ESAT', 6], ['GEIQ', 4], ['EITI', 2], ['EATT', 2],
];

const REVENUE_RANGE: Partial<Record<StructureKind, [number, number]>> = {
  COMPANY: [300_000, 50_000_000], EI: [200_000, 5_000_000], ACI: [100_000, 2_000_000], AI: [200_000, 4_000_000],
  ETTI: [300_000, 6_000_000], EA: [500_000, 10_000_000], ESAT: [500_000, 8_000_000],
};

const pickOne = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const logUniform = (random: () => number, min: number, max: number): number => Math.exp(Math.log(min) + random() * (Math.log(max) - Math.log(min)));

function pickWeighted<T>(random: () => number, weighted: Array<[T, number]>): T {
  const total = weighted.reduce((sum, [, w]) => sum + w, 0);
  let target = random() * total;
  for (const [item, weight] of weighted) {
    target -= weight;
    if (target <= 0) return item;
  }
  return weighted[weighted.length - 1][0];
}

function sample<T>(random: () => number, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const chosen: T[] = [];
  while (chosen.length < count && pool.length > 0) chosen.push(pool.splice(Math.floor(random() * pool.length), 1)[0]);
  return chosen;
}

export function generateTender(random: () => number, communes: CommuneSampler, lotCount: number): TenderSpec {
  const place = communes.pick(random, 20_000);
  const theme = sample(random, SECTORS, 4); // a tender buys related trades (e.g. building upkeep)
  const lots: LotSpec[] = Array.from({ length: lotCount }, (_, i) => {
    const sector = pickOne(random, theme);
    const amount = Math.round(logUniform(random, 50_000, 2_000_000));
    const packageCount = random() < 0.5 ? 0 : 2 + Math.floor(random() * 2);
    const weights = Array.from({ length: packageCount }, () => 1 + random() * 3);
    const totalWeight = weights.reduce((a, b) => a + b, 0);
    const workPackages: WorkPackageSpec[] = weights.map((w, k) => ({
      code: `P${k + 1}`,
      title: `Prestation ${k + 1}`,
      share: w / totalWeight,
      sectors: [k === 0 ? sector : pickOne(random, theme)],
    }));
    const withClause = random() < 0.5;
    return {
      number: i + 1,
      title: `Lot ${i + 1}`,
      estimatedAmountEur: amount,
      prestationType: random() < 0.85 ? 'PREST' : 'BUILD',
      // One lot in five reserved to SIAE (L2113-13): all members must then be SIAE (V13).
      reservation: i % 5 === 1 ? 'L2113-13' : 'NONE',
      sectors: [sector],
      workPackages,
      // V17 default formula: H = A × r_MO × t / c with r_MO 0.5, t 5 %, c 30 €/h.
      insertionHoursRequired: withClause ? Math.round((amount * 0.5 * 0.05) / 30) : 0,
    };
  });
  return {
    id: `bench-${lotCount}`,
    executionCommune: { code: place.code, department: place.department, region: place.region, location: place.location },
    mandataireSolidaireRequired: random() < 0.5,
    multipleBidsForbidden: random() < 0.3,
    lots,
  };
}

export function generateCandidates(random: () => number, communes: CommuneSampler, tender: TenderSpec, count: number): OptimiserCandidate[] {
  return Array.from({ length: count }, (_, i) => {
    const kind = pickWeighted(random, KIND_WEIGHTS);
    const commune = communes.pick(random);
    const radius = random() < 0.1 ? Number.POSITIVE_INFINITY : pickOne(random, [30, 50, 100, 200]);
    const distance = distanceKm(commune.location, tender.executionCommune.location);
    const sectors = sample(random, SECTORS, 1 + Math.floor(random() * 3));
    const lotScores: Record<number, number> = {};
    const workPackageScores: Record<string, number> = {};
    for (const lot of tender.lots) {
      const inTrade = sectors.includes(lot.sectors[0]);
      if (!inTrade && random() > 0.05) continue; // a few generalists score weakly outside their trade
      const base = inTrade ? 50 + 50 * random() : 10 + 30 * random();
      lotScores[lot.number] = Math.round(base);
      for (const wp of lot.workPackages) {
        if (sectors.includes(wp.sectors[0])) workPackageScores[`${lot.number}:${wp.code}`] = Math.round(Math.min(100, base + 20 * (random() - 0.3)));
      }
    }
    const range = REVENUE_RANGE[kind] ?? [100_000, 1_000_000];
    return {
      structureId: `c${i}`,
      siret: String(10_000_000_000_000 + i),
      name: `Structure ${i}`,
      kind,
      location: commune.location,
      servesExecutionPlace: distance <= radius,
      annualRevenueEur: random() < 0.25 ? undefined : Math.round(logUniform(random, range[0], range[1])),
      sectors,
      lotScores,
      workPackageScores,
      openToCoContracting: random() < 0.85,
      commercialReceiptsShare: kind === 'ACI' ? 0.1 + 0.35 * random() : undefined,
    };
  });
}

export function generateInput(seed: number, communes: CommuneSampler, lotCount: number, candidateCount: number): OptimiserInput {
  const random = seededRandom(seed);
  const tender = generateTender(random, communes, lotCount);
  return { tender, candidates: generateCandidates(random, communes, tender, candidateCount), topK: 5 };
}
