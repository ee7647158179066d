// DECP imports on real PostgreSQL: the full 2018–2019 file (9,349 records) as closed historical tenders,
// idempotent re-run, damaged records reported (never dropped), holders linked to structures by SIRET;
// and the 2022 format on hand-made records that follow the official schema (decp v2.0.x).
import { join } from 'node:path';
import { DecpImporter, parseDecp, type DecpImportSummary } from '@app/tenders';
import { createTestApp, TestApp } from '../support/test-app';
import { insertStructure } from '../support/tender-fixtures';

jest.setTimeout(300_000);

const DECP_2019 = join(__dirname, '..', '..', 'data', 'decp', 'decp-2018-2019.ndjson');

/** Two contracts in the 2022 format, as `{ marches: { marche: [...] } }` (schema_decp_v2.0.x). */
function decp2022(holderSiret: string): string {
  const common = {
    nature: 'Marché',
    techniques: { technique: ['Sans objet'] },
    modalitesExecution: { modaliteExecution: ['Bons de commande'] },
    marcheInnovant: false,
    ccag: 'Fournitures courantes et services',
    offresRecues: 3,
    attributionAvance: false,
    procedure: 'Procédure adaptée',
    datePublicationDonnees: '2024-05-02',
    typesPrix: { typePrix: ['Définitif ferme'] },
    formePrix: 'Unitaire',
    sousTraitanceDeclaree: false,
    considerationsEnvironnementales: { considerationEnvironnementale: ['Pas de considération environnementale'] },
  };
  return JSON.stringify({
    marches: {
      marche: [
        {
          ...common,
          id: '2024-EV-001',
          acheteur: { id: '21690123100011' },
          objet: "Entretien des espaces verts du parc de la Tête d'Or",
          codeCPV: '77310000',
          lieuExecution: { code: '69123', typeCode: 'Code commune' },
          dureeMois: 36,
          dateNotification: '2024-04-15',
          montant: 450000,
          typeGroupementOperateurs: 'Solidaire',
          titulaires: [
            { titulaire: { typeIdentifiant: 'SIRET', id: holderSiret } },
            { titulaire: { typeIdentifiant: 'TVA', id: 'FR21483209383' } },
          ],
          considerationsSociales: { considerationSociale: ['Clause sociale', 'Marché réservé'] },
        },
        {
          ...common,
          id: '2024-NET-002',
          acheteur: { id: '21690123100011' },
          objet: 'Nettoyage des vitres des écoles',
          codeCPV: '90911300-9',
          lieuExecution: { code: '69', typeCode: 'Code département' },
          dureeMois: 12,
          dateNotification: '2024-06-01',
          montant: 60000,
          typeGroupementOperateurs: 'Pas de groupement',
          titulaires: [{ titulaire: { typeIdentifiant: 'SIRET', id: '12345678901234' } }],
          considerationsSociales: { considerationSociale: ['Critère social'] },
        },
      ],
    },
  });
}

describe('DECP import (e2e)', () => {
  let t: TestApp;
  let importer: DecpImporter;
  let first: DecpImportSummary;
  let linkedStructure: { id: string; siret: string };

  const tenderByExternalId = async (source: string, externalId: string) => {
    const [row] = await t.dataSource.query(`SELECT *, notified_on::text AS notified_on FROM tenders WHERE source = $1 AND external_id = $2`, [source, externalId]);
    return row as Record<string, unknown> | undefined;
  };

  beforeAll(async () => {
    t = await createTestApp();
    importer = t.app.get(DecpImporter);
    // NORENVERT (green spaces, Lambersart) exists in the catalogue before the import: its holder row is linked.
    linkedStructure = await insertStructure(t.dataSource, { siret: '48242583200011', name: 'NORENVERT', kind: 'EI', communeCode: '59328', sectors: [{ code: 'entretien-espaces-verts', inferred: true }] });
    first = await importer.importFile(DECP_2019);
    console.log(`[decp-import] full 2018-2019 file: ${first.records} records → ${first.contracts} contracts in ${first.ms} ms`);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('imports every record of the 2019 file as closed one-lot tenders (identical repeats counted once)', async () => {
    expect(first.records).toBe(9349);
    expect(first.unreadable).toEqual([]);
    expect(first.identicalRepeats).toBe(200);
    expect(first.keysWithVariants).toBe(48);
    expect(first.contracts).toBe(9149);
    expect(first.contracts + first.identicalRepeats).toBe(first.records);
    expect(first.inserted).toBe(9149);
    expect(first.formats).toEqual({ 'decp-2019': 9149 });
    const [counts] = await t.dataSource.query(
      `SELECT count(*)::int AS tenders, count(*) FILTER (WHERE status = 'closed')::int AS closed,
              (SELECT count(*)::int FROM tender_lots) AS lots, (SELECT count(*)::int FROM contract_holders) AS holders
       FROM tenders WHERE source = 'decp-2019'`,
    );
    expect(counts).toEqual({ tenders: 9149, closed: 9149, lots: 9149, holders: first.holders.total });
    expect(first.holders.total).toBeGreaterThan(10_000);
  });

  it('reports damaged records with their reasons instead of dropping them', async () => {
    // The record with no buyer, object, CPV, place nor holder is imported, flagged.
    const empty = first.flagged.find((f) => f.externalId === 'sans-acheteur/2000006405556201');
    expect(empty?.flags).toEqual(expect.arrayContaining(['BUYER_MISSING', 'TITLE_MISSING', 'CPV_MISSING', 'PLACE_MISSING', 'NO_HOLDERS']));
    expect(empty?.reasons).toEqual(expect.arrayContaining(['acheteur absent', 'code CPV absent', 'aucun titulaire']));
    // Test records with a fake CPV and fake SIRETs.
    const fake = first.flagged.find((f) => f.externalId === '61777424406581/2014025236226704');
    expect(fake?.flags).toEqual(expect.arrayContaining(['CPV_UNKNOWN']));
    expect(fake?.reasons).toContain('code CPV inconnu de la nomenclature');
    expect(first.flagCounts.HOLDER_INVALID_SIRET).toBeGreaterThan(0);
    expect(first.flagCounts.DATE_MISSING).toBeGreaterThan(2000);
    // Every distinct record the consolidation marked as damaged (3,373) is reported, repaired or not.
    console.log(`[decp-import] accents: ${first.flagCounts.ENCODING_REPAIRED} records repaired, ${first.flagCounts.ENCODING_DAMAGED ?? 0} left damaged`);
    expect((first.flagCounts.ENCODING_REPAIRED ?? 0) + (first.flagCounts.ENCODING_DAMAGED ?? 0)).toBe(3373);
    const damaged = first.flagged.find((f) => f.flags.includes('ENCODING_DAMAGED'));
    if (damaged) expect(damaged.reasons.some((r) => r.startsWith('mots non réparés'))).toBe(true);
    expect(first.flagCounts.ENCODING_REPAIRED).toBeGreaterThan(first.flagCounts.ENCODING_DAMAGED ?? 0);
  });

  it('repairs lost accents from the vocabulary of intact records', async () => {
    const [row] = await t.dataSource.query(
      `SELECT t.buyer->>'name' AS buyer, t.title, t.import_flags FROM tenders t WHERE t.source = 'decp-2019' AND t.external_id = '83455372900015/2018COs68fWklM00'`,
    );
    expect(row.buyer).toBe('Société de livraison des ouvrages olympiques (SOLIDEO)');
    expect(row.title).toBe("Prestations juridiques pour la SOLIDEO - droit de l'aménagement");
    expect(row.import_flags).toContain('ENCODING_REPAIRED');
  });

  it('reads places by type, CPV with or without check digit, and dates with offsets', async () => {
    // Code postal 59130 named "Lambersart" → commune 59328.
    const lambersart = await tenderByExternalId('decp-2019', '21590328700013/201820180020100');
    expect(lambersart).toMatchObject({ execution_commune_code: '59328', execution_precision: 'commune', execution_department: '59' });
    expect(lambersart?.cpv_codes).toEqual(['77211500-7']);
    // Code département 75 → Paris, located at the department's chef-lieu.
    const solideo = await tenderByExternalId('decp-2019', '83455372900015/2018COs68fWklM00');
    expect(solideo).toMatchObject({ execution_department: '75', execution_precision: 'department', execution_commune_code: null });
    expect(solideo?.execution_lat).toBeCloseTo(48.86, 1);
    // A CPV that lost its leading zero ("9132100") is repaired and flagged.
    const [fuel] = await t.dataSource.query(`SELECT cpv_codes, import_flags FROM tenders WHERE external_id = '21974004000015/2018_TPLyTsQ2000'`);
    expect(fuel.cpv_codes[0]).toMatch(/^09132100-\d$/);
    expect(fuel.import_flags).toContain('CPV_REPAIRED');
    // "2018-11-26+01:00" → the calendar day as written.
    const [offset] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM tenders WHERE source = 'decp-2019' AND notified_on = '2018-11-26' AND import_details->>'platform' = 'data.gouv.fr_aife'`,
    );
    expect(offset.n).toBeGreaterThan(0);
    const [precisions] = await t.dataSource.query(
      `SELECT count(*) FILTER (WHERE execution_precision = 'commune')::int AS commune, count(*) FILTER (WHERE execution_precision = 'department')::int AS department,
              count(*) FILTER (WHERE execution_lat IS NULL)::int AS unlocated FROM tenders WHERE source = 'decp-2019'`,
    );
    expect(precisions.commune).toBeGreaterThan(4000);
    expect(precisions.department).toBeGreaterThan(4000);
    expect(precisions.unlocated).toBeLessThan(400);
  });

  it('links holders to catalogue structures by SIRET, also for structures added after the import', async () => {
    const [holder] = await t.dataSource.query(`SELECT structure_id FROM contract_holders WHERE siret = '48242583200011'`);
    expect(holder.structure_id).toBe(linkedStructure.id);
    const later = await insertStructure(t.dataSource, { siret: '42399908500057', name: 'OVIVE', kind: 'EI', communeCode: '2A004' });
    expect(await importer.relinkHolders()).toBeGreaterThanOrEqual(1);
    const [linked] = await t.dataSource.query(`SELECT structure_id FROM contract_holders WHERE siret = '42399908500057'`);
    expect(linked.structure_id).toBe(later.id);
    const contracts = await t.http().get(`/api/v1/structures/${linkedStructure.id}/contracts`).expect(200);
    expect(contracts.body.total).toBeGreaterThanOrEqual(1);
    expect(contracts.body.items[0].title).toBe('Entretien des espaces verts et du patrimoine arboré');
  });

  it('is idempotent: a second run over the same file changes nothing', async () => {
    const [before] = await t.dataSource.query(`SELECT max(updated_at) AS at, count(*)::int AS n, (SELECT count(*)::int FROM contract_holders) AS holders FROM tenders`);
    const again = await importer.importFile(DECP_2019);
    expect(again).toMatchObject({ contracts: 9149, inserted: 0, updated: 0, unchanged: 9149 });
    const [after] = await t.dataSource.query(`SELECT max(updated_at) AS at, count(*)::int AS n, (SELECT count(*)::int FROM contract_holders) AS holders FROM tenders`);
    expect(after).toEqual(before);
  });

  it('lists imported contracts only on demand and shows them publicly with their holders', async () => {
    const manual = await t.http().get('/api/v1/tenders').expect(200);
    expect(manual.body.total).toBe(0);
    const imported = await t.http().get('/api/v1/tenders?source=decp-2019&q=lixiviats issus de la décharge de Saint Antoine').expect(200);
    expect(imported.body.total).toBe(1);
    const one = await t.http().get(`/api/v1/tenders/${imported.body.items[0].id}`).expect(200);
    expect(one.body).toMatchObject({ status: 'closed', source: 'decp-2019' });
    expect(one.body.holders[0]).toMatchObject({ siret: '42399908500057', name: 'OVIVE' });
    await t.http().get('/api/v1/tenders?source=boamp').expect(400);
  });

  it('imports the 2022 format: social considerations, grouping type, typed holder identifiers', async () => {
    const holder = await insertStructure(t.dataSource, { name: 'Jardins Solidaires ACI', kind: 'ACI', communeCode: '69123' });
    const summary = await importer.importRecords(parseDecp(decp2022(holder.siret)));
    expect(summary).toMatchObject({ records: 2, contracts: 2, inserted: 2, formats: { 'decp-2022': 2 } });
    const park = await tenderByExternalId('decp-2022', '21690123100011/2024-EV-001');
    expect(park).toMatchObject({ status: 'closed', grouping_type: 'Solidaire', execution_commune_code: '69123', duration_months: 36, notified_on: '2024-04-15' });
    expect((park?.import_details as Record<string, unknown>).considerationsSociales).toEqual(['Clause sociale', 'Marché réservé']);
    expect((park?.import_details as Record<string, unknown>).reserved).toBe(true);
    const [lot] = await t.dataSource.query(`SELECT social_clause, estimated_amount_eur, effective_sectors FROM tender_lots WHERE tender_id = $1`, [park?.id]);
    expect(lot).toMatchObject({ social_clause: { type: 'EXECUTION_CONDITION' }, estimated_amount_eur: 450000 });
    expect(lot.effective_sectors).toContain('entretien-espaces-verts');
    const holders = await t.dataSource.query(`SELECT identifier, identifier_type, siret, structure_id FROM contract_holders WHERE tender_id = $1 ORDER BY position`, [park?.id]);
    expect(holders).toEqual([
      { identifier: holder.siret, identifier_type: 'SIRET', siret: holder.siret, structure_id: holder.id },
      { identifier: 'FR21483209383', identifier_type: 'TVA', siret: null, structure_id: null },
    ]);
    const windows = await tenderByExternalId('decp-2022', '21690123100011/2024-NET-002');
    expect(windows).toMatchObject({ execution_precision: 'department', grouping_type: 'Pas de groupement' });
    const [windowLot] = await t.dataSource.query(`SELECT social_clause FROM tender_lots WHERE tender_id = $1`, [windows?.id]);
    expect(windowLot.social_clause).toEqual({ type: 'AWARD_CRITERION' });
    expect(summary.flagged.find((f) => f.externalId === '21690123100011/2024-NET-002')?.flags).toContain('HOLDER_INVALID_SIRET');
    // Re-importing the same records changes nothing.
    expect(await importer.importRecords(parseDecp(decp2022(holder.siret)))).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    // The holder's page lists the contract; evidence near Lyon counts it.
    const won = await t.http().get(`/api/v1/structures/${holder.id}/contracts?near=69266&cpv=77310000`).expect(200);
    expect(won.body.items).toEqual([expect.objectContaining({ title: "Entretien des espaces verts du parc de la Tête d'Or", groupingType: 'Solidaire', coHolders: [{ name: null, siret: null, identifier: 'FR21483209383' }] })]);
  });
});
