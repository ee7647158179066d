// Matching runs through the real API, the real BullMQ queue and the real worker (in-process): lawful
// proposals, validation and visibility, idempotent writes, queue outages, bounded retries, the sweeper and
// a worker that dies mid-run. The queue contract: the whole suite runs on both backends, Redis and
// PostgreSQL (BullMQ's PostgreSQL backend, used when REDIS_URL is unset).
import { getQueueToken } from '@nestjs/bullmq';
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Queue } from 'bullmq';
import request from 'supertest';
import { MatchingJob, QUEUES } from '@app/config';
import { checkGrouping, isValidSiret, type LotSpec, type StructureKind, type TenderSpec } from '@app/domain';
import { MatchingPipeline, MatchingQueueProducer, MatchingRunStore, MatchingWorker, type MatchingRunView, type ProposalView } from '@app/matching';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureApp } from '../../apps/api/src/http/configure-app';
import { createWorkerContext } from '../../apps/worker/src/worker.bootstrap';
import { villeurbanneTender } from '../support/bid-fixtures';
import { TestApp, createTestApp, signUp } from '../support/test-app';
import { queueBackends, testRedisUrl } from '../support/test-env';

// Runs go through a real queue and solver: allow them time (the project's testTimeout does not reach hooks).
jest.setTimeout(120_000);

type Auth = { Authorization: string };

/** 14 digits with a valid Luhn key, unique per call. */
let siretCounter = 0;
function nextSiret(): string {
  const base = `8${String(Date.now() % 1e6).padStart(6, '0')}${String(++siretCounter).padStart(6, '0')}`;
  for (let d = 0; d <= 9; d++) if (isValidSiret(base + d)) return base + d;
  throw new Error('no Luhn key');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(queueBackends())('matching runs on the %s queue (API → BullMQ → worker → proposals)', (backend) => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let workerClosed = false;
  let buyer: { id: string; auth: Auth };
  let company: { id: string; auth: Auth };
  let supplier: { id: string; auth: Auth };
  let outsider: { id: string; auth: Auth };
  let tenderId: string;
  let tenderSpec: TenderSpec;
  const structures: Record<string, { id: string; kind: StructureKind }> = {};

  async function createStructure(owner: { auth: Auth }, key: string, body: Record<string, unknown>) {
    const res = await t
      .http()
      .post('/api/v1/structures')
      .set(owner.auth)
      .send({
        siret: nextSiret(),
        prestationTypes: ['PREST'],
        interventionArea: { type: 'radius', radiusKm: 60 },
        openToCoContracting: true,
        ...body,
      });
    expect(res.status).toBe(201);
    structures[key] = { id: res.body.id, kind: res.body.kind };
    return res.body.id as string;
  }

  async function createTender(owner: { auth: Auth }, publish: boolean, title = 'Entretien des espaces verts et nettoyage des équipements') {
    const res = await t
      .http()
      .post('/api/v1/tenders')
      .set(owner.auth)
      .send(villeurbanneTender({ title }));
    expect(res.status).toBe(201);
    if (publish) await t.http().post(`/api/v1/tenders/${res.body.id}/publish`).set(owner.auth).expect((r) => expect(r.status).toBeLessThan(300));
    return res.body;
  }

  /** The domain's TenderSpec from the tender as the API shows it, to re-check proposals with checkGrouping. */
  function toSpec(view: any): TenderSpec {
    return {
      id: view.id,
      executionCommune: {
        code: view.executionPlace.communeCode,
        department: view.executionPlace.department,
        region: view.executionPlace.region,
        location: view.executionPlace.location,
      },
      mandataireSolidaireRequired: view.mandataireSolidaireRequired,
      multipleBidsForbidden: view.multipleBidsForbidden,
      lots: view.lots.map(
        (lot: any): LotSpec => ({
          number: lot.number,
          title: lot.title,
          estimatedAmountEur: lot.estimatedAmountEur,
          prestationType: lot.prestationType,
          reservation: lot.reservation,
          sectors: lot.effectiveSectors,
          workPackages: lot.workPackages.map((wp: any) => ({ code: wp.code, title: wp.title, share: wp.share, sectors: wp.sectors })),
          insertionHoursRequired: lot.insertionHoursRequired,
        }),
      ),
    };
  }

  async function launch(auth: Auth, body: Record<string, unknown> = {}, tender = tenderId) {
    const res = await t.http().post(`/api/v1/tenders/${tender}/matching-runs`).set(auth).send(body);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String), status: 'queued' });
    return res.body.id as string;
  }

  async function waitForRun(auth: Auth, runId: string, until: string[] = ['succeeded', 'failed'], timeoutMs = 60_000): Promise<MatchingRunView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await t.http().get(`/api/v1/matching-runs/${runId}`).set(auth).expect(200);
      if (until.includes(res.body.status)) return res.body;
      if (Date.now() > deadline) throw new Error(`run ${runId} still ${res.body.status} (${JSON.stringify(res.body.error ?? '')})`);
      await sleep(150);
    }
  }

  /** Waits for a job to end and returns what the worker returned. */
  async function jobOutcome(queue: Queue, jobId: string, timeoutMs = 20_000): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await queue.getJobState(jobId);
      if (state === 'completed') return (await queue.getJob(jobId))?.returnvalue;
      if (state === 'failed') throw new Error(`job ${jobId} failed`);
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${state}`);
      await sleep(100);
    }
  }

  async function proposalCount(runId: string): Promise<number> {
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM proposals WHERE run_id = $1`, [runId]);
    return count;
  }

  /** Every property the contract promises of a proposal list (V1, V2, V5, V7, V13, anchor, distinct, sorted). */
  function expectLawful(proposals: ProposalView[], anchorId?: string) {
    const keys = new Set<string>();
    proposals.forEach((p, i) => {
      expect(p.rank).toBe(i + 1);
      if (i > 0) expect(proposals[i - 1].score).toBeGreaterThanOrEqual(p.score);
      expect(['CONJOINT', 'SOLIDAIRE']).toContain(p.form); // V1
      expect(p.members.filter((m) => m.role === 'MANDATAIRE')).toHaveLength(1); // V2
      if (tenderSpec.mandataireSolidaireRequired) expect(p.mandataireSolidaire).toBe(true); // V5
      const ids = p.members.map((m) => m.structureId);
      expect(new Set(ids).size).toBe(ids.length); // no member twice
      if (anchorId) expect(ids).toContain(anchorId);
      for (const lot of p.lots) {
        // V7: the shares of each lot (over its work packages) add up to 1.
        const spec = tenderSpec.lots.find((l) => l.number === lot)!;
        const shares = p.members.flatMap((m) => m.assignments.filter((a) => a.lot === lot));
        if (spec.workPackages.length) {
          for (const wp of spec.workPackages) {
            expect(shares.filter((a) => a.workPackage === wp.code).reduce((s, a) => s + a.share, 0)).toBeCloseTo(1, 3);
          }
        } else {
          expect(shares.reduce((s, a) => s + a.share, 0)).toBeCloseTo(1, 3);
        }
        // V13: a proposal with a reserved lot has only eligible members (no COMPANY, no GEIQ on L2113-13).
        if (spec.reservation === 'L2113-13') for (const m of p.members) expect(['EI', 'ACI', 'AI', 'ETTI', 'EITI']).toContain(m.kind);
      }
      for (const m of p.members) {
        expect(m.siret).toMatch(/^\d{14}$/);
        expect(m.name).toBeTruthy();
      }
      // The shared rule checks (the same the bid workspace runs) find nothing to reject.
      const grouping = {
        lots: p.lots,
        form: p.form,
        mandataireSolidaire: p.mandataireSolidaire,
        members: p.members.map((m) => ({ structureId: m.structureId, kind: m.kind, role: m.role, assignments: m.assignments })),
      };
      expect(checkGrouping(grouping, tenderSpec).violations).toEqual([]);
      const key = `${p.form}|${[...ids].sort().join(',')}|${p.lots.join(',')}`;
      expect(keys.has(key)).toBe(false); // distinct
      keys.add(key);
    });
  }

  beforeAll(async () => {
    t = await createTestApp({
      admin: { email: 'admin-matching@example.org', password: 'mot de passe administrateur' },
      redisUrl: backend === 'redis' ? testRedisUrl() : undefined,
      matching: {
        concurrency: 1,
        attempts: 3,
        backoffMs: 100,
        lockDurationMs: 3000,
        stalledIntervalMs: 1000,
        maxStalledCount: 2,
        enqueueTimeoutMs: 1000,
        sweepIntervalMs: 300,
        sweepAfterMs: 1500,
      },
    });
    worker = await createWorkerContext(t.config, { logger: ['error', 'warn'] });
    buyer = await signUp(t, 'buyer');
    company = await signUp(t, 'company');
    supplier = await signUp(t, 'supplier');
    outsider = await signUp(t, 'company');

    const revenue = (annualRevenueEur: number) => ({ capacity: { annualRevenueEur, employees: 20 } });
    await createStructure(company, 'anchor', { name: 'Paysages du Rhône SAS', kind: 'COMPANY', communeCode: '69123', sectors: ['entretien-espaces-verts', 'elagage-abattage'], ...revenue(2_000_000) });
    await createStructure(company, 'otherCompany', { name: 'Nettoyage Pro SARL', kind: 'COMPANY', communeCode: '69266', sectors: ['nettoyage-locaux'], ...revenue(3_000_000) });
    await createStructure(supplier, 'aciGreen', { name: 'Jardins de Vénissieux', kind: 'ACI', communeCode: '69259', sectors: ['entretien-espaces-verts'], ...revenue(400_000) });
    await createStructure(supplier, 'eiPruning', { name: 'Élagage Solidaire', kind: 'EI', communeCode: '69266', sectors: ['elagage-abattage'], ...revenue(350_000) });
    await createStructure(supplier, 'eaGreen', { name: 'Atelier Vert Adapté', kind: 'EA', communeCode: '69290', sectors: ['entretien-espaces-verts'], ...revenue(600_000) });
    await createStructure(supplier, 'eiCleaning', { name: 'Net’Insertion Lyon', kind: 'EI', communeCode: '69123', sectors: ['nettoyage-locaux'], ...revenue(500_000) });
    await createStructure(supplier, 'aciCleaning', { name: 'Régie Propreté Villeurbanne', kind: 'ACI', communeCode: '69266', sectors: ['nettoyage-locaux'], ...revenue(250_000) });
    await createStructure(supplier, 'geiq', { name: 'GEIQ Propreté Rhône', kind: 'GEIQ', communeCode: '69123', sectors: ['nettoyage-locaux'], prestationTypes: ['DISP'], ...revenue(800_000) });
    await createStructure(supplier, 'etti', { name: 'Intérim Solidaire Rhône', kind: 'ETTI', communeCode: '69123', sectors: ['interim-insertion'], prestationTypes: ['DISP'], ...revenue(900_000) });

    // Declared structures count for the reserved lot once an admin verified them (issue 13, item 8).
    const adminLogin = await t.http().post('/api/v1/auth/login').send({ email: 'admin-matching@example.org', password: 'mot de passe administrateur' }).expect(200);
    for (const { id } of Object.values(structures)) {
      await t.http().post(`/api/v1/structures/${id}/verify`).set({ Authorization: `Bearer ${adminLogin.body.accessToken}` }).expect(200);
    }

    const tender = await createTender(buyer, true);
    tenderId = tender.id;
    tenderSpec = toSpec((await t.http().get(`/api/v1/tenders/${tenderId}`).set(buyer.auth).expect(200)).body);
  });

  afterAll(async () => {
    if (!workerClosed) await worker?.close();
    await t?.close();
  });

  describe('a published tender with a reserved lot, a lot with insertion hours, and an anchor company', () => {
    let anchoredRun: MatchingRunView;

    beforeAll(async () => {
      const runId = await launch(company.auth, { anchorStructureId: structures.anchor.id });
      anchoredRun = await waitForRun(company.auth, runId);
    });

    it(`went through the ${backend} queue (/health names it)`, async () => {
      const health = await t.http().get('/health').expect(200);
      expect(health.body.backends.queue).toBe(backend);
      expect(health.body.checks.queue).toBe('up');
    });

    it('succeeds with lawful proposals that all contain the anchor', () => {
      expect(anchoredRun).toMatchObject({ status: 'succeeded', progress: 1, tenderId });
      expect(anchoredRun.error).toBeUndefined();
      expect(anchoredRun.proposals.length).toBeGreaterThanOrEqual(2);
      expectLawful(anchoredRun.proposals, structures.anchor.id);
    });

    it('leaves the reserved lot out and says why: it is closed to an ordinary company even inside a group (V13)', () => {
      for (const p of anchoredRun.proposals) expect(p.lots).toEqual([1]);
      const why = anchoredRun.explanations.find((e) => e.includes('Lot 2'));
      expect(why).toBeDefined();
      expect(why).toContain('L2113-13');
      expect(why).toMatch(/V13/);
    });

    it('covers the insertion hours of the social clause and gives members, roles, amounts and explanations', () => {
      const best = anchoredRun.proposals[0];
      expect(best.insertion.requiredHours).toBeGreaterThan(0);
      expect(best.insertion.coveredHours).toBeGreaterThan(0);
      expect(best.members.length).toBeGreaterThanOrEqual(2);
      const total = best.members.reduce((s, m) => s + m.estimatedAmountEur, 0);
      expect(Math.abs(total - 300_000)).toBeLessThan(300); // V7: members' amounts add up to the lot amount
      for (const m of best.members) expect(m.distanceKm === null || m.distanceKm < 60).toBe(true);
      expect(best.explanations.some((e) => /mandataire/i.test(e))).toBe(true);
      expect(Object.keys(best.scoreBreakdown).length).toBeGreaterThan(0);
      expect(anchoredRun.proposals.map((p) => p.form)).toEqual(expect.arrayContaining(['CONJOINT', 'SOLIDAIRE']));
    });

    it('without an anchor, proposals for the reserved lot have only eligible members', async () => {
      const runId = await launch(supplier.auth, { topK: 4 });
      const run = await waitForRun(supplier.auth, runId);
      expect(run.status).toBe('succeeded');
      const withReserved = run.proposals.filter((p) => p.lots.includes(2));
      expect(withReserved.length).toBeGreaterThan(0);
      expectLawful(run.proposals);
      const excluded = new Set([structures.otherCompany.id, structures.geiq.id, structures.anchor.id, structures.eaGreen.id]);
      for (const p of withReserved) for (const m of p.members) expect(excluded.has(m.structureId)).toBe(false);
    });

    it('openness: an imported row nobody updated is proposed with a warning; once its owner says no, it is left out', async () => {
      const aci = structures.aciCleaning.id;
      const hasAci = (p: MatchingRunView['proposals'][number]) => p.members.some((m) => m.structureId === aci);
      // As the register import leaves it: "not open" is the import's default, not the structure's answer.
      await t.dataSource.query(`UPDATE structures SET source = 'register', edited_at = NULL, open_to_co_contracting = false WHERE id = $1`, [aci]);
      const undeclared = await waitForRun(supplier.auth, await launch(supplier.auth, { lots: [2], topK: 5 }));
      expect(undeclared.proposals.filter(hasAci).length).toBeGreaterThan(0);
      for (const p of undeclared.proposals.filter(hasAci)) {
        expect(p.warnings.some((w) => w.includes('Régie Propreté Villeurbanne') && w.includes('pas encore déclaré son ouverture à la cotraitance'))).toBe(true);
      }
      // Its owner answers "no" (the value does not change, the answer does).
      await t.http().patch(`/api/v1/structures/${aci}`).set(supplier.auth).send({ openToCoContracting: false }).expect(200);
      const declined = await waitForRun(supplier.auth, await launch(supplier.auth, { lots: [2], topK: 5 }));
      expect(declined.status).toBe('succeeded');
      expect(declined.proposals.filter(hasAci)).toEqual([]);
      await t.http().patch(`/api/v1/structures/${aci}`).set(supplier.auth).send({ openToCoContracting: true }).expect(200);
    });

    it('is readable by the requester, the tender’s buyer and admins only; lists are scoped', async () => {
      await t.http().get(`/api/v1/matching-runs/${anchoredRun.id}`).set(buyer.auth).expect(200);
      await t.http().get(`/api/v1/matching-runs/${anchoredRun.id}`).set(outsider.auth).expect(404);
      await t.http().get(`/api/v1/matching-runs/${anchoredRun.id}`).expect(401);
      const mine = await t.http().get(`/api/v1/tenders/${tenderId}/matching-runs?mine=true`).set(company.auth).expect(200);
      expect(mine.body.items.map((r: { id: string }) => r.id)).toContain(anchoredRun.id);
      expect(mine.body.items.every((r: { requestedByMe: boolean }) => r.requestedByMe)).toBe(true);
      const theirs = await t.http().get(`/api/v1/tenders/${tenderId}/matching-runs`).set(outsider.auth).expect(200);
      expect(theirs.body).toMatchObject({ total: 0, items: [] });
      const all = await t.http().get(`/api/v1/tenders/${tenderId}/matching-runs`).set(buyer.auth).expect(200);
      expect(all.body.total).toBeGreaterThanOrEqual(2);
      expect(all.body.items.find((r: { id: string }) => r.id === anchoredRun.id)).toMatchObject({ status: 'succeeded', proposalCount: anchoredRun.proposals.length });
    });

    it('never duplicates proposals: duplicate jobs, a replayed job and two concurrent final writes', async () => {
      const runId = anchoredRun.id;
      const count = anchoredRun.proposals.length;
      const ids = anchoredRun.proposals.map((p) => p.id);
      const queue = worker.get<Queue<MatchingJob>>(getQueueToken(QUEUES.matching));

      // The same job again (same jobId), and a copy under another id: the finished run is left alone.
      await queue.add('match', { runId }, { jobId: runId });
      await queue.add('match', { runId }, { jobId: `${runId}-copy` });
      expect(await jobOutcome(queue, `${runId}-copy`)).toEqual({ skipped: 'finished' });
      expect(await proposalCount(runId)).toBe(count);
      const after = await waitForRun(company.auth, runId);
      expect(after.proposals.map((p) => p.id)).toEqual(ids);

      // A worker that died after storing proposals but before ending the run: the replay replaces them.
      await t.dataSource.query(`UPDATE matching_runs SET status = 'running' WHERE id = $1`, [runId]);
      await queue.add('match', { runId }, { jobId: `${runId}-replay` });
      const replayed = await waitForRun(company.auth, runId, ['succeeded']);
      expect(await proposalCount(runId)).toBe(count);
      expect(replayed.proposals.map((p) => p.rank)).toEqual(ids.map((_, i) => i + 1));

      // Two copies finishing at the same time: the run row lock serialises them; one writes, one skips.
      const store = worker.get(MatchingRunStore);
      await t.dataSource.query(`UPDATE matching_runs SET status = 'running' WHERE id = $1`, [runId]);
      const outcome = {
        proposals: replayed.proposals.map(({ id: _id, ...p }) => p),
        explanations: replayed.explanations,
        stats: {},
      };
      const writes = await Promise.all([store.succeed(runId, outcome), store.succeed(runId, outcome)]);
      expect(writes.sort()).toEqual([false, true]);
      expect(await proposalCount(runId)).toBe(count);
      const [{ ranks }] = await t.dataSource.query(`SELECT array_agg(rank ORDER BY rank) AS ranks FROM proposals WHERE run_id = $1`, [runId]);
      expect(ranks).toEqual(ids.map((_, i) => i + 1));
    });
  });

  describe('requests that are refused', () => {
    it('400 naming every faulty field, nothing stored', async () => {
      const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM matching_runs`);
      const res = await t
        .http()
        .post(`/api/v1/tenders/${tenderId}/matching-runs`)
        .set(company.auth)
        .send({ lots: [], anchorStructureId: 'nope', maxMembers: 11, forms: ['GROUPE'], topK: 0, extra: true })
        .expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const fields = res.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['lots', 'anchorStructureId', 'maxMembers', 'forms', 'topK', 'extra']));

      const unknownLot = await t.http().post(`/api/v1/tenders/${tenderId}/matching-runs`).set(company.auth).send({ lots: [1, 7] }).expect(400);
      expect(unknownLot.body.errors).toEqual([expect.objectContaining({ field: 'lots', message: expect.stringContaining('7') })]);

      const unknownAnchor = await t
        .http()
        .post(`/api/v1/tenders/${tenderId}/matching-runs`)
        .set(company.auth)
        .send({ anchorStructureId: '00000000-0000-4000-8000-000000000000' })
        .expect(400);
      expect(unknownAnchor.body.errors[0].field).toBe('anchorStructureId');

      // V13: asking explicitly for the reserved lot with a company anchor can never succeed.
      const closed = await t.http().post(`/api/v1/tenders/${tenderId}/matching-runs`).set(company.auth).send({ lots: [1, 2], anchorStructureId: structures.anchor.id }).expect(400);
      expect(closed.body.errors).toEqual([expect.objectContaining({ field: 'lots', message: expect.stringMatching(/lot 2 .*L2113-13.*V13/) })]);

      const after = await t.dataSource.query(`SELECT count(*)::int AS n FROM matching_runs`);
      expect(after[0].n).toBe(before[0].n);
    });

    it('refuses a delisted anchor', async () => {
      const id = await createStructure(supplier, 'delisted', { name: 'Ancienne Régie', kind: 'EI', communeCode: '69123', sectors: ['nettoyage-locaux'] });
      await t.http().delete(`/api/v1/structures/${id}`).set(supplier.auth).expect((r) => expect(r.status).toBeLessThan(300));
      const res = await t.http().post(`/api/v1/tenders/${tenderId}/matching-runs`).set(supplier.auth).send({ anchorStructureId: id }).expect(400);
      expect(res.body.errors[0]).toMatchObject({ field: 'anchorStructureId', message: expect.stringContaining('retirée') });
    });

    it('404 for an unknown tender or run, 404 for another buyer’s draft, 401 without a token', async () => {
      await t.http().post(`/api/v1/tenders/00000000-0000-4000-8000-000000000000/matching-runs`).set(company.auth).send({}).expect(404);
      await t.http().post(`/api/v1/tenders/not-a-uuid/matching-runs`).set(company.auth).send({}).expect(404);
      await t.http().get(`/api/v1/matching-runs/00000000-0000-4000-8000-000000000000`).set(company.auth).expect(404);
      await t.http().get(`/api/v1/matching-runs/not-a-uuid`).set(company.auth).expect(404);

      const otherBuyer = await signUp(t, 'buyer');
      const draft = await createTender(otherBuyer, false, 'Brouillon confidentiel');
      await t.http().post(`/api/v1/tenders/${draft.id}/matching-runs`).set(company.auth).send({}).expect(404);
      await t.http().get(`/api/v1/tenders/${draft.id}/matching-runs`).set(company.auth).expect(404);
      // Its own buyer may try the matcher on the draft.
      await launch(otherBuyer.auth, {}, draft.id);

      const unauthenticated = await t.http().post(`/api/v1/tenders/${tenderId}/matching-runs`).send({}).expect(401);
      expect(unauthenticated.headers['content-type']).toContain('application/problem+json');
    });
  });

  describe('failures of the machinery', () => {
    it('when queueing times out the request still answers 202 queued, and the sweeper queues the run', async () => {
      const producerQueue = (t.app.get(MatchingQueueProducer) as unknown as { queue: Queue }).queue;
      const hang = jest.spyOn(producerQueue, 'add').mockImplementation(() => new Promise(() => undefined));
      try {
        const started = Date.now();
        const runId = await launch(company.auth, { anchorStructureId: structures.anchor.id, topK: 2 });
        expect(Date.now() - started).toBeLessThan(3000);
        expect(hang).toHaveBeenCalled();
        const queued = await t.http().get(`/api/v1/matching-runs/${runId}`).set(company.auth).expect(200);
        expect(queued.body.status).toBe('queued');
        const run = await waitForRun(company.auth, runId, ['succeeded', 'failed'], 30_000);
        expect(run.status).toBe('succeeded');
        expect(run.proposals.length).toBeGreaterThan(0);
      } finally {
        hang.mockRestore();
      }
    });

    // On PostgreSQL the queue is the database itself: no separate outage (the timeout case above covers it).
    (backend === 'redis' ? it : it.skip)('with Redis unreachable from the API, runs are accepted and computed once the worker can queue them', async () => {
      // A second API on the same database whose Redis is a closed port.
      const moduleRef = await Test.createTestingModule({ imports: [ApiModule.forRoot({ ...t.config, redisUrl: 'redis://127.0.0.1:6390' })] }).compile();
      const downApp: INestApplication = moduleRef.createNestApplication({ logger: false });
      configureApp(downApp);
      await downApp.init();
      try {
        const started = Date.now();
        const res = await request(downApp.getHttpServer())
          .post(`/api/v1/tenders/${tenderId}/matching-runs`)
          .set(company.auth)
          .send({ anchorStructureId: structures.anchor.id, topK: 2 })
          .expect(202);
        expect(Date.now() - started).toBeLessThan(3000);
        expect(res.body.status).toBe('queued');
        const run = await waitForRun(company.auth, res.body.id, ['succeeded', 'failed'], 30_000);
        expect(run.status).toBe('succeeded');
      } finally {
        await downApp.close();
      }
    });

    it('a run that throws on every attempt fails after the bounded attempts, with a readable French error', async () => {
      const pipeline = worker.get(MatchingPipeline);
      const boom = jest.spyOn(pipeline, 'run').mockRejectedValue(new Error('solveur indisponible'));
      try {
        const runId = await launch(company.auth, { anchorStructureId: structures.anchor.id });
        const run = await waitForRun(company.auth, runId, ['failed'], 30_000);
        expect(boom).toHaveBeenCalledTimes(3);
        expect(run).toMatchObject({ status: 'failed', attempts: 3, proposals: [] });
        expect(run.error).toContain('après 3 tentatives');
        expect(run.error).toContain('solveur indisponible');
      } finally {
        boom.mockRestore();
      }
    });

    it('a worker that dies mid-run leaves a stalled job that another worker re-runs to completion', async () => {
      // Only the doomed worker may take the job: stop the shared one first.
      await worker.close();
      workerClosed = true;
      // A worker process that takes the job and then "dies": it stops renewing the job's lock and never finishes.
      const doomed = await createWorkerContext(t.config, { logger: ['error'] });
      let taken!: () => void;
      const tookIt = new Promise<void>((resolve) => (taken = resolve));
      jest.spyOn(doomed.get(MatchingPipeline), 'run').mockImplementation(() => {
        taken();
        return new Promise(() => undefined);
      });
      const runId = await launch(company.auth, { anchorStructureId: structures.anchor.id, topK: 2 });
      await tookIt;
      const running = await t.http().get(`/api/v1/matching-runs/${runId}`).set(company.auth).expect(200);
      expect(running.body.status).toBe('running');
      await doomed.get(MatchingWorker).bullWorker!.close(true); // force: the job stays active until its lock expires

      // A fresh worker: BullMQ's stalled-job check finds the orphaned job and runs it again.
      const survivor = await createWorkerContext(t.config, { logger: ['error'] });
      try {
        const run = await waitForRun(company.auth, runId, ['succeeded', 'failed'], 30_000);
        expect(run.status).toBe('succeeded');
        expect(run.attempts).toBe(2);
        expect(await proposalCount(runId)).toBe(run.proposals.length);
      } finally {
        await survivor.close();
        await doomed.close().catch(() => undefined);
      }
    });
  });
});
