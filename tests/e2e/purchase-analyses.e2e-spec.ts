// Purchase analyses through HTTP with the real worker (BullMQ on Redis): a CSV or XLSX plan is read line by
// line, bad lines are listed with their reason, good ones advised; results, progress and export (CSV, XLSX);
// owner only; an analysis the queue lost or a dead worker left is swept back onto the queue and completes.
import { unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { MAX_ANALYSIS_REQUEUES, PurchaseAnalysesService, PurchaseAnalysisSweeper, REQUEUES_EXHAUSTED_MESSAGE } from '@app/tenders';
import { createTestApp, signUp, TestApp } from '../support/test-app';
import { insertStructure } from '../support/tender-fixtures';
import { queueBackends, testRedisUrl } from '../support/test-env';

jest.setTimeout(120_000);

type Auth = { Authorization: string };
const cleaning = [{ code: 'nettoyage-locaux', inferred: false }];

const CSV = [
  'Libellé;CPV ou mots;Montant annuel;Lieu',
  'Nettoyage des écoles;90911200;120 000;69123',
  'Entretien des bureaux;nettoyage de locaux;80000;Lyon',
  'Sans montant;90911200;;69123',
  'Lieu inconnu;90911200;5000;Atlantide',
  'CPV faux;99999999;5000;69123',
  'Saisie;saisie de données;30 000,50;69001',
  ';90911200;1000;69123',
].join('\n');

describe('Purchase analyses (e2e)', () => {
  let t: TestApp;
  let buyer: { auth: Auth };
  let otherBuyer: { auth: Auth };
  let supplier: { auth: Auth };

  beforeAll(async () => {
    t = await createTestApp();
    await t.startWorker();
    [buyer, otherBuyer, supplier] = [await signUp(t, 'buyer'), await signUp(t, 'buyer'), await signUp(t, 'supplier')];
    await insertStructure(t.dataSource, { name: 'EI 1', kind: 'EI', communeCode: '69123', sectors: cleaning, annualRevenueEur: 1_000_000 });
    await insertStructure(t.dataSource, { name: 'EI 2', kind: 'EI', communeCode: '69266', sectors: cleaning, annualRevenueEur: 500_000 });
    await insertStructure(t.dataSource, { name: 'ACI 3', kind: 'ACI', communeCode: '69123', sectors: cleaning });
  });

  afterAll(async () => {
    await t?.close();
  });

  const upload = (auth: Auth, content: string | Buffer, name: string) => t.http().post('/api/v1/purchase-analyses').set(auth).attach('file', Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), name);
  const waitDone = async (id: string) => {
    for (let i = 0; i < 200; i++) {
      const res = await t.http().get(`/api/v1/purchase-analyses/${id}`).set(buyer.auth).expect(200);
      if (res.body.status === 'succeeded' || res.body.status === 'failed') return res.body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('analysis did not finish');
  };

  it('reads a CSV, lists the bad lines with their reason and advises the rest', async () => {
    const created = await upload(buyer.auth, CSV, 'achats.csv').expect(202);
    expect(created.body).toMatchObject({ fileName: 'achats.csv', totalLines: 7, badLines: 4 });
    const done = await waitDone(created.body.id);
    expect(done).toMatchObject({ status: 'succeeded', processed: 3, progress: 1 });
    expect(done.recommendations).toEqual({ reserve_siae: 2, award_criterion: 1 });

    const lines = (await t.http().get(`/api/v1/purchase-analyses/${created.body.id}/lines?perPage=100`).set(buyer.auth).expect(200)).body;
    expect(lines.total).toBe(7);
    const byLine = Object.fromEntries(lines.items.map((l: { lineNumber: number }) => [l.lineNumber, l]));
    expect(byLine[2].advice.recommendation).toBe('reserve_siae');
    expect(byLine[2].advice.evidence.eligibleServing.siae).toBe(3);
    expect(byLine[3].sectors).toContain('nettoyage-locaux'); // words → sectors; "Lyon" → 69123
    expect(byLine[3].communeCode).toBe('69123');
    expect(byLine[4].problem).toBe('montant annuel manquant');
    expect(byLine[5].problem).toContain('lieu inconnu : « Atlantide »');
    expect(byLine[6].problem).toContain('code CPV inconnu');
    expect(byLine[7].amountEur).toBe(30000.5);
    expect(byLine[8].problem).toBe('libellé manquant');

    const problems = (await t.http().get(`/api/v1/purchase-analyses/${created.body.id}/lines?problems=true`).set(buyer.auth).expect(200)).body;
    expect(problems.items.map((l: { lineNumber: number }) => l.lineNumber)).toEqual([4, 5, 6, 8]);

    const csv = await t.http().get(`/api/v1/purchase-analyses/${created.body.id}/export`).set(buyer.auth).expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = csv.text.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(rows).toHaveLength(8);
    // `;`-separated for French spreadsheets: the reasons' commas stay inside their column.
    const header = rows[0].split(';');
    expect(header).toHaveLength(13);
    expect(rows[1].split(';')[header.indexOf('Conseil')]).toBe('Réserver le lot aux SIAE (L2113-13)');
    expect(rows[3]).toContain('montant annuel manquant');
    expect(rows[6].split(';')[header.indexOf('Montant annuel (€ HT)')]).toBe('30000,5');
  });

  it('exports the results as an XLSX workbook in French', async () => {
    const created = await upload(buyer.auth, CSV, 'achats.csv').expect(202);
    await waitDone(created.body.id);
    const res = await t
      .http()
      .get(`/api/v1/purchase-analyses/${created.body.id}/export?format=xlsx`)
      .set(buyer.auth)
      .buffer(true)
      .parse((response, callback) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => callback(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toMatch(/filename="analyse-achats-[0-9a-f]{8}\.xlsx"/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as Parameters<typeof workbook.xlsx.load>[0]);
    const sheet = workbook.getWorksheet('Analyse des achats')!;
    expect(sheet.rowCount).toBe(8);
    const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
    expect(values(1)).toEqual(['Ligne', 'Libellé', 'CPV ou mots', 'Montant annuel (€ HT)', 'Lieu', 'Code commune', 'Conseil', 'Articles', 'Raisons', 'SIAE éligibles', 'EA/ESAT éligibles', 'Heures d’insertion par an', 'Problème']);
    const first = values(2);
    expect(first.slice(0, 4)).toEqual([2, 'Nettoyage des écoles', '90911200', 120000]); // numbers stay numbers
    expect(first[6]).toBe('Réserver le lot aux SIAE (L2113-13)');
    expect(first[7]).toMatch(/^L2113-13\b/);
    expect(first[8]).toMatch(/SIAE/);
    expect(first[9]).toBe(3);
    expect(values(4)[12]).toBe('montant annuel manquant');
    expect(values(4)[6]).toBeUndefined();
    await t.http().get(`/api/v1/purchase-analyses/${created.body.id}/export?format=pdf`).set(buyer.auth).expect(400);
    await t.http().get(`/api/v1/purchase-analyses/${created.body.id}/export?format=xlsx`).set(otherBuyer.auth).expect(404);
  });

  it('reads an XLSX file the same way', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Achats');
    sheet.addRow(['Libellé', 'Code CPV', 'Montant annuel HT', 'Code postal']);
    sheet.addRow(['Nettoyage des gymnases', '90911200', 150000, '69001']);
    sheet.addRow(['Montant négatif', '90911200', -10, '69001']);
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    const created = await upload(buyer.auth, buffer, 'plan.xlsx').expect(202);
    expect(created.body).toMatchObject({ totalLines: 2, badLines: 1 });
    const done = await waitDone(created.body.id);
    expect(done.recommendations).toEqual({ reserve_siae: 1 });
  });

  it('refuses unreadable files with problem+json and stores nothing', async () => {
    const [{ before }] = await t.dataSource.query(`SELECT count(*)::int AS before FROM purchase_analyses`);
    const header = await upload(buyer.auth, 'Nom;Prix\nA;1', 'achats.csv').expect(400);
    expect(header.headers['content-type']).toContain('application/problem+json');
    expect(header.body.errors[0].message).toContain('colonnes manquantes : libellé, code CPV ou mots, montant annuel, lieu');
    await upload(buyer.auth, 'Libellé;CPV;Montant annuel;Lieu\n', 'vide.csv').expect(400);
    await upload(buyer.auth, 'x', 'achats.pdf').expect(400);
    await t.http().post('/api/v1/purchase-analyses').set(buyer.auth).expect(400);
    const [{ after }] = await t.dataSource.query(`SELECT count(*)::int AS after FROM purchase_analyses`);
    expect(after).toBe(before);
  });

  it('belongs to its buyer only', async () => {
    const created = await upload(buyer.auth, CSV, 'achats.csv').expect(202);
    await upload(supplier.auth, CSV, 'achats.csv').expect(403);
    await t.http().post('/api/v1/purchase-analyses').attach('file', Buffer.from(CSV), 'achats.csv').expect(401);
    await t.http().get(`/api/v1/purchase-analyses/${created.body.id}`).set(otherBuyer.auth).expect(404);
    await t.http().get(`/api/v1/purchase-analyses/${created.body.id}/lines`).set(otherBuyer.auth).expect(404);
    await t.http().get(`/api/v1/purchase-analyses/${created.body.id}/export`).set(otherBuyer.auth).expect(404);
    const mine = (await t.http().get('/api/v1/purchase-analyses').set(otherBuyer.auth).expect(200)).body;
    expect(mine.items).toEqual([]);
  });
});

describe.each(queueBackends())('no lost purchase analysis on the %s queue: the sweeper', (backend) => {
  let s: TestApp;
  let worker: INestApplicationContext;
  let buyer: { auth: Auth; id: string };
  const service = () => s.app.get(PurchaseAnalysesService);
  const sweeper = () => worker.get(PurchaseAnalysisSweeper);
  const noProgress = async (_progress: number) => undefined;

  beforeAll(async () => {
    // The sweeper runs when the worker starts, then only when a test asks (no timer racing the assertions).
    s = await createTestApp({ redisUrl: backend === 'redis' ? testRedisUrl() : undefined, purchaseAnalysis: { sweepIntervalMs: 3_600_000, staleAfterMs: 60_000 } });
    worker = await s.startWorker();
    buyer = await signUp(s, 'buyer');
    await insertStructure(s.dataSource, { name: 'EI 1', kind: 'EI', communeCode: '69123', sectors: cleaning, annualRevenueEur: 1_000_000 });
    await insertStructure(s.dataSource, { name: 'EI 2', kind: 'EI', communeCode: '69266', sectors: cleaning, annualRevenueEur: 500_000 });
    await insertStructure(s.dataSource, { name: 'ACI 3', kind: 'ACI', communeCode: '69123', sectors: cleaning });
  });

  afterAll(async () => {
    await s?.close();
  });

  const waitDone = async (id: string) => {
    for (let i = 0; i < 300; i++) {
      const res = await s.http().get(`/api/v1/purchase-analyses/${id}`).set(buyer.auth).expect(200);
      if (res.body.status === 'succeeded' || res.body.status === 'failed') return res.body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('analysis did not finish');
  };

  /** An analysis stored as the API stores it, without its job: the queue was down, or lost it. */
  async function storedNotQueued(): Promise<string> {
    const file = join(tmpdir(), `plan-${process.pid}-${Date.now()}.csv`);
    writeFileSync(file, CSV);
    const created = await service().create({ id: buyer.id, role: 'buyer' }, 'perdu.csv', file);
    unlinkSync(file);
    return created.id;
  }
  const stall = (id: string, minutes = 10) => s.dataSource.query(`UPDATE purchase_analyses SET progressed_at = now() - make_interval(mins => $2) WHERE id = $1`, [id, minutes]);

  it('enqueues an analysis that never reached the queue, once it has not moved for the threshold, and again after its job completed', async () => {
    const id = await storedNotQueued();
    expect((await sweeper().sweep()).enqueued).not.toContain(id); // fresh: its job may still be on its way
    await stall(id);
    const report = await sweeper().sweep();
    expect(report).toMatchObject({ queueUp: true, failed: [] });
    expect(report.enqueued).toContain(id);
    const done = await waitDone(id);
    expect(done).toMatchObject({ status: 'succeeded', processed: 3, progress: 1, recommendations: { reserve_siae: 2, award_criterion: 1 } });
    expect((await sweeper().sweep()).enqueued).not.toContain(id); // finished: left alone

    // Its row lost the results while BullMQ still keeps the completed job: the requeue must not be swallowed.
    await s.dataSource.query(`UPDATE purchase_analysis_lines SET advice = NULL, recommendation = NULL WHERE analysis_id = $1`, [id]);
    await s.dataSource.query(`UPDATE purchase_analyses SET status = 'running', processed = 0, finished_at = NULL WHERE id = $1`, [id]);
    await stall(id);
    expect((await sweeper().sweep()).enqueued).toContain(id);
    expect(await waitDone(id)).toMatchObject({ status: 'succeeded', processed: 3 });
  });

  it('sweeps as soon as a worker starts (the one that replaces a dead worker)', async () => {
    const id = await storedNotQueued();
    await stall(id);
    await s.startWorker(); // its sweeper's first pass runs at bootstrap, before any interval
    expect(await waitDone(id)).toMatchObject({ status: 'succeeded', processed: 3 });
    const [{ requeues }] = await s.dataSource.query(`SELECT requeues FROM purchase_analyses WHERE id = $1`, [id]);
    expect(requeues).toBe(1);
  });

  it('resumes an analysis whose worker died mid-file without advising a line twice', async () => {
    const id = await storedNotQueued();
    // The dead worker had advised line 2 (a marker the new run must not overwrite) and stopped.
    const marker = { recommendation: 'social_clause', reasons: ['écrit avant l’arrêt'], articles: [], evidence: { eligibleServing: { siae: 0, disability: 0, geiq: 0 } }, insertionHours: { hours: 0, yearlyHours: 0 } };
    await s.dataSource.query(`UPDATE purchase_analysis_lines SET advice = $2::jsonb, recommendation = 'social_clause' WHERE analysis_id = $1 AND line_number = 2`, [id, JSON.stringify(marker)]);
    await s.dataSource.query(`UPDATE purchase_analyses SET status = 'running', processed = 1 WHERE id = $1`, [id]);
    await stall(id);
    expect((await sweeper().sweep()).enqueued).toContain(id);
    const done = await waitDone(id);
    expect(done).toMatchObject({ status: 'succeeded', processed: 3, recommendations: { social_clause: 1, reserve_siae: 1, award_criterion: 1 } });
    const [{ lines, advised }] = await s.dataSource.query(`SELECT count(*)::int AS lines, count(advice)::int AS advised FROM purchase_analysis_lines WHERE analysis_id = $1`, [id]);
    expect({ lines, advised }).toEqual({ lines: 7, advised: 3 });
    const [line2] = await s.dataSource.query(`SELECT advice FROM purchase_analysis_lines WHERE analysis_id = $1 AND line_number = 2`, [id]);
    expect(line2.advice.reasons).toEqual(['écrit avant l’arrêt']);
  });

  it('counts each line once when several jobs of the same analysis run at once', async () => {
    const id = await storedNotQueued();
    await Promise.all([service().process(id, noProgress), service().process(id, noProgress), service().process(id, noProgress)]);
    const [row] = await s.dataSource.query(`SELECT status, processed FROM purchase_analyses WHERE id = $1`, [id]);
    expect(row).toEqual({ status: 'succeeded', processed: 3 });
    const [{ advised }] = await s.dataSource.query(`SELECT count(advice)::int AS advised FROM purchase_analysis_lines WHERE analysis_id = $1`, [id]);
    expect(advised).toBe(3);
  });

  it(`ends in failure with a French message after ${MAX_ANALYSIS_REQUEUES} requeues without progress`, async () => {
    const id = await storedNotQueued();
    await s.dataSource.query(`UPDATE purchase_analyses SET status = 'running', requeues = $2 WHERE id = $1`, [id, MAX_ANALYSIS_REQUEUES]);
    await stall(id);
    const report = await sweeper().sweep();
    expect(report.failed).toContain(id);
    expect(report.enqueued).not.toContain(id);
    const res = await s.http().get(`/api/v1/purchase-analyses/${id}`).set(buyer.auth).expect(200);
    expect(res.body).toMatchObject({ status: 'failed', error: REQUEUES_EXHAUSTED_MESSAGE });
  });
});
