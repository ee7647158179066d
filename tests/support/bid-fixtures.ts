// Accounts, owned structures and published tenders for the bid workspace's e2e tests, all through the
// real API (ownership matters here: only owners act for their structures).
import { fixtureSiret } from './tender-fixtures';
import { type TestApp, signUp } from './test-app';

export type Auth = { Authorization: string };
export interface Person {
  id: string;
  email: string;
  auth: Auth;
}

export const inDays = (days: number) => new Date(Date.now() + days * 24 * 3600 * 1000).toISOString();

/** A structure owned by `owner`, around Lyon, open to co-contracting. */
export async function createOwnedStructure(t: TestApp, owner: Person, body: { name: string; kind: string; communeCode?: string; sectors: string[]; annualRevenueEur?: number }) {
  const { annualRevenueEur, ...rest } = body;
  const res = await t
    .http()
    .post('/api/v1/structures')
    .set(owner.auth)
    .send({
      siret: fixtureSiret(),
      communeCode: '69266',
      prestationTypes: ['PREST'],
      interventionArea: { type: 'radius', radiusKm: 60 },
      openToCoContracting: true,
      capacity: { annualRevenueEur: annualRevenueEur ?? 500_000, employees: 12 },
      ...rest,
    });
  if (res.status !== 201) throw new Error(`structure not created: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, siret: res.body.siret as string, name: res.body.name as string, kind: res.body.kind as string };
}

export interface TenderOptions {
  publish?: boolean;
  multipleBidsForbidden?: boolean;
  mandataireSolidaireRequired?: boolean;
  lots?: Record<string, unknown>[];
  title?: string;
}

/**
 * The tender most journeys answer, in Villeurbanne: lot 1 green spaces with two work packages and a social
 * clause; lot 2 cleaning reserved L2113-13.
 */
export function villeurbanneTender(options: Omit<TenderOptions, 'publish'> = {}) {
  return {
    title: options.title ?? 'Entretien des espaces verts et nettoyage des équipements',
    buyer: { name: 'Ville de Villeurbanne', kind: 'public' },
    cpvCodes: ['77310000-6'],
    executionCommuneCode: '69266',
    responseDeadline: inDays(30),
    durationMonths: 12,
    multipleBidsForbidden: options.multipleBidsForbidden ?? false,
    mandataireSolidaireRequired: options.mandataireSolidaireRequired ?? false,
    lots: options.lots ?? [
      {
        number: 1,
        title: 'Entretien des espaces verts',
        cpvCodes: ['77310000-6'],
        sectors: ['entretien-espaces-verts'],
        estimatedAmountEur: 300_000,
        prestationType: 'PREST',
        reservation: 'NONE',
        socialClause: { type: 'EXECUTION_CONDITION' },
        workPackages: [
          { code: 'TONTE', title: 'Tonte et débroussaillage', sectors: ['entretien-espaces-verts'], share: 0.6 },
          { code: 'TAILLE', title: 'Taille des haies et élagage', sectors: ['elagage-abattage'], share: 0.4 },
        ],
      },
      { number: 2, title: 'Nettoyage des locaux', cpvCodes: ['90919200-4'], sectors: ['nettoyage-locaux'], estimatedAmountEur: 120_000, prestationType: 'PREST', reservation: 'L2113-13' },
    ],
  };
}

/** `villeurbanneTender`, created by the buyer and published unless told otherwise. */
export async function createBidTender(t: TestApp, buyer: Person, options: TenderOptions = {}) {
  const res = await t.http().post('/api/v1/tenders').set(buyer.auth).send(villeurbanneTender(options));
  if (res.status !== 201) throw new Error(`tender not created: ${res.status} ${JSON.stringify(res.body)}`);
  if (options.publish ?? true) await t.http().post(`/api/v1/tenders/${res.body.id}/publish`).set(buyer.auth).expect(200);
  return res.body as { id: string; title: string };
}

export async function person(t: TestApp, role: 'buyer' | 'supplier' | 'company' | 'facilitator'): Promise<Person> {
  const account = await signUp(t, role);
  return { id: account.id, email: account.email, auth: account.auth };
}

/** Creates a bid from scratch and returns its body (expects 201). */
export async function createBid(t: TestApp, lead: Person, body: { tenderId: string; lots: number[]; leadStructureId: string; fromProposalId?: string }) {
  const res = await t.http().post('/api/v1/bids').set(lead.auth).send(body);
  if (res.status !== 201) throw new Error(`bid not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
