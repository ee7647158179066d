// Purchase analyses through HTTP with the real worker (BullMQ on Redis): a CSV or XLSX plan is read line by
// line, bad lines are listed with their reason, good ones advised; results, progress and export; owner only.
import ExcelJS from 'exceljs';
import { createTestApp, signUp, TestApp } from '../support/test-app';
import { insertStructure } from '../support/tender-fixtures';

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
    expect(rows[1]).toContain('Réserver le lot aux SIAE (L2113-13)');
    expect(rows[3]).toContain('montant annuel manquant');
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
