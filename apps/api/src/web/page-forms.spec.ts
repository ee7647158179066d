// The three big forms of the pages: search (GET), structure offer, tender with lots.
import { ReferenceIndex } from '@app/reference';
import { parseMatchingForm } from './matching-form';
import { parseSearchForm } from './search-form';
import { emptyStructureValues, parseStructureForm, structureErrorsOnForm, structureFormValues } from './structure-form';
import { applyLotAction, isoToParisLocal, parisLocalToIso, parseTenderForm, tenderErrorsOnForm, tenderFormValues } from './tender-form';

let reference: ReferenceIndex;
beforeAll(async () => {
  reference = await ReferenceIndex.load();
});

describe('search form → SearchQuery', () => {
  it('builds the query the search service expects, with a place covered by intervention areas', () => {
    const form = parseSearchForm({ q: ' nettoyage ', kinds: ['EI', 'ACI'], sectors: 'nettoyage-locaux', commune: 'Lyon (69123)', openToCoContracting: 'on', page: '2' }, reference);
    expect(form.errors).toEqual([]);
    expect(form.query).toMatchObject({
      q: 'nettoyage',
      kinds: ['EI', 'ACI'],
      sectors: ['nettoyage-locaux'],
      servesCommune: { code: '69123', name: 'Lyon' },
      openToCoContracting: true,
      inclusiveOnly: true,
      page: 2,
      perPage: 20,
      sort: 'relevance',
    });
    expect(form.query?.near).toBeUndefined();
    expect(form.apiParams).toMatchObject({ servesCommune: '69123', openToCoContracting: 'true', kinds: ['EI', 'ACI'] });
  });

  it('with a radius, asks where structures are (near + radiusKm) and exports the same', () => {
    const form = parseSearchForm({ commune: '69003', radiusKm: '20', sort: 'distance' }, reference);
    expect(form.query).toMatchObject({ near: { code: '69123' }, radiusKm: 20, sort: 'distance' });
    expect(form.apiParams).toMatchObject({ near: '69123', radiusKm: '20', sort: 'distance' });
  });

  it('includes companies when asked, or when the COMPANY kind is ticked', () => {
    expect(parseSearchForm({ includeCompanies: 'on' }, reference).query?.inclusiveOnly).toBe(false);
    expect(parseSearchForm({ kinds: 'COMPANY' }, reference).query?.inclusiveOnly).toBe(false);
  });

  it('names every faulty filter and searches nothing', () => {
    const form = parseSearchForm({ kinds: 'XYZ', sectors: 'inconnu', commune: 'Atlantide', sort: 'distance', radiusKm: '5000', q: 'x'.repeat(300) }, reference);
    expect(form.query).toBeUndefined();
    expect(form.errors.map((e) => e.field).sort()).toEqual(['commune', 'kinds', 'q', 'radiusKm', 'sectors']);
    expect(parseSearchForm({ sort: 'distance' }, reference).errors[0]).toEqual({ field: 'sort', message: 'Le tri par distance nécessite une commune' });
  });
});

describe('structure form ↔ contract body', () => {
  const input = {
    siret: '807 469 317 00018',
    name: 'Atelier Vert',
    brand: '',
    kind: 'ACI',
    commune: '69100',
    interventionArea: { type: 'departments', radiusKm: '50', departments: '69, 1 ; 38', regions: ['84'] },
    sectors: ['entretien-espaces-verts', 'elagage-abattage'],
    prestationTypes: 'PREST',
    offers: [{ title: 'Tonte', description: '' }, { title: '', description: '' }],
    clientReferences: [{ name: 'Ville de Lyon', year: '2023' }, { name: '', year: '' }],
    capacity: { annualRevenueEur: '1 200 000', employees: '25', insertionEmployees: '', annualInsertionHours: '' },
    labels: 'Qualiopi, ISO 14001',
    networks: '',
    contact: { email: 'contact@atelier.example', phone: '', website: '' },
    openToCoContracting: 'on',
  };

  it('creates the body of POST /api/v1/structures: blanks left out, numbers read the French way, blank rows ignored', () => {
    const { body, errors } = parseStructureForm(input, 'create', reference);
    expect(errors).toEqual([]);
    expect(body).toEqual({
      siret: '807 469 317 00018',
      name: 'Atelier Vert',
      kind: 'ACI',
      communeCode: '69266',
      interventionArea: { type: 'departments', codes: ['69', '1', '38'] },
      sectors: ['entretien-espaces-verts', 'elagage-abattage'],
      prestationTypes: ['PREST'],
      offers: [{ title: 'Tonte' }],
      clientReferences: [{ name: 'Ville de Lyon', year: 2023 }],
      capacity: { annualRevenueEur: 1_200_000, employees: 25 },
      labels: ['Qualiopi', 'ISO 14001'],
      networks: [],
      contact: { email: 'contact@atelier.example' },
      openToCoContracting: true,
    });
  });

  it('on update clears optional texts with null (PATCH) and never sends the SIRET', () => {
    const { body } = parseStructureForm({ ...input, brand: '', naf: '' }, 'update', reference);
    expect(body.siret).toBeUndefined();
    expect(body.brand).toBeNull();
    expect(body.naf).toBeNull();
    expect(body.description).toBeNull();
  });

  it('keeps unreadable numbers as NaN for the DTO to name, and a place it cannot find as a page error', () => {
    const { body, errors, values } = parseStructureForm({ ...input, commune: 'Atlantide', capacity: { employees: 'trente' } }, 'create', reference);
    expect((body.capacity as { employees: number }).employees).toBeNaN();
    expect(errors[0].field).toBe('commune');
    expect(values.capacity.employees).toBe('trente'); // what was typed is shown again
  });

  it('reads the other area types', () => {
    expect(parseStructureForm({ ...input, interventionArea: { type: 'radius', radiusKm: '30' } }, 'create', reference).body.interventionArea).toEqual({ type: 'radius', radiusKm: 30 });
    expect(parseStructureForm({ ...input, interventionArea: { type: 'regions', regions: ['84', '11'] } }, 'create', reference).body.interventionArea).toEqual({ type: 'regions', codes: ['84', '11'] });
    expect(parseStructureForm({ ...input, interventionArea: { type: 'national' } }, 'create', reference).body.interventionArea).toEqual({ type: 'national' });
  });

  it('puts API error paths on the form inputs', () => {
    const errors = structureErrorsOnForm(
      [
        { field: 'communeCode', message: 'inconnue' },
        { field: 'interventionArea.codes', message: 'code inconnu' },
      ],
      'regions',
    );
    expect(errors.map((e) => e.field)).toEqual(['commune', 'interventionArea.regions']);
  });

  it('fills the edit form from a structure, with empty rows to add offers and references', () => {
    const values = structureFormValues(
      {
        siret: '80746931700018',
        name: 'Atelier Vert',
        brand: null,
        kind: 'ACI',
        naf: null,
        address: null,
        postCode: null,
        communeCode: '69266',
        interventionArea: { type: 'radius', radiusKm: 30 },
        sectors: ['entretien-espaces-verts'],
        prestationTypes: ['PREST'],
        description: null,
        offers: [{ title: 'Tonte' }],
        clientReferences: [],
        capacity: { employees: 25 },
        labels: ['Qualiopi'],
        networks: [],
        contact: {},
        openToCoContracting: true,
      },
      reference,
    );
    expect(values).toMatchObject({ commune: 'Villeurbanne (69266)', areaType: 'radius', radiusKm: '30', labels: 'Qualiopi', capacity: { employees: '25', annualRevenueEur: '' } });
    expect(values.offers).toHaveLength(3);
    expect(emptyStructureValues().offers).toHaveLength(2);
  });
});

describe('tender form ↔ contract body', () => {
  const input = {
    action: 'save',
    title: 'Nettoyage',
    buyer: { name: 'Ville de Lyon', kind: 'public', siret: '' },
    cpvCodes: '90910000, 90911200-8',
    executionCommune: 'Lyon',
    responseDeadline: '2027-01-15T12:00',
    durationMonths: '12',
    mandataireSolidaireRequired: 'on',
    lots: [
      {
        number: '1',
        title: 'Bureaux',
        sector: 'nettoyage-locaux',
        estimatedAmountEur: '1 000 000',
        prestationType: 'PREST',
        reservation: 'NONE',
        socialClause: { type: 'EXECUTION_CONDITION', insertionHours: '', labourShare: '', insertionRate: '7,5', hourlyCostEur: '' },
        workPackages: [
          { code: 'BUR', title: 'Bureaux', share: '70' },
          { code: 'VIT', title: 'Vitres', share: '30' },
          { code: '', title: '', share: '' },
        ],
      },
      { number: '2', title: 'Espaces verts', sector: '', estimatedAmountEur: '120000', prestationType: 'PREST', reservation: 'L2113-12', socialClause: { type: '' } },
    ],
  };

  it('builds the body of POST /api/v1/tenders: Paris deadline as an instant, percentages as fractions', () => {
    const { body, errors, action } = parseTenderForm(input, reference);
    expect(action).toBe('save');
    expect(errors).toEqual([]);
    expect(body).toMatchObject({
      title: 'Nettoyage',
      buyer: { name: 'Ville de Lyon', kind: 'public' },
      cpvCodes: ['90910000', '90911200-8'],
      executionCommuneCode: '69123',
      responseDeadline: '2027-01-15T11:00:00.000Z',
      durationMonths: 12,
      mandataireSolidaireRequired: true,
      multipleBidsForbidden: false,
    });
    const [lot1, lot2] = body.lots as Record<string, unknown>[];
    expect(lot1).toEqual({
      number: 1,
      title: 'Bureaux',
      sectors: ['nettoyage-locaux'],
      estimatedAmountEur: 1_000_000,
      prestationType: 'PREST',
      reservation: 'NONE',
      socialClause: { type: 'EXECUTION_CONDITION', insertionRate: 0.075 },
      workPackages: [
        { code: 'BUR', title: 'Bureaux', share: 0.7 },
        { code: 'VIT', title: 'Vitres', share: 0.3 },
      ],
    });
    expect(lot2).toEqual({ number: 2, title: 'Espaces verts', estimatedAmountEur: 120_000, prestationType: 'PREST', reservation: 'L2113-12' });
  });

  it('reads the activity of a lot typed in words or as codes, and names the lot whose words match no CPV entry', () => {
    const words = { ...input, lots: [{ ...input.lots[0], cpvCodes: 'nettoyage de vitres ; 90910000' }, { ...input.lots[1], cpvCodes: 'zzqx introuvable' }] };
    const { body, errors } = parseTenderForm(words, reference);
    const [lot1] = body.lots as Record<string, unknown>[];
    expect(lot1.cpvCodes).toEqual(expect.arrayContaining(['90910000']));
    expect((lot1.cpvCodes as string[]).length).toBe(2);
    expect(errors).toEqual([{ field: 'lots[1].cpvCodes', message: expect.stringContaining('« zzqx introuvable »') }]);
  });

  it('converts Paris local time in summer and winter', () => {
    expect(parisLocalToIso('2027-07-01T09:30')).toBe('2027-07-01T07:30:00.000Z');
    expect(parisLocalToIso('2027-01-01')).toBe('2027-01-01T11:00:00.000Z');
    expect(parisLocalToIso('demain')).toBeUndefined();
    expect(isoToParisLocal('2027-07-01T07:30:00.000Z')).toBe('2027-07-01T09:30');
  });

  it('adds and removes lots without validating or saving anything', () => {
    const parsed = parseTenderForm({ ...input, action: 'add-lot' }, reference);
    const added = applyLotAction(parsed.values, parsed.action);
    expect(added.lots.map((l) => l.number)).toEqual(['1', '2', '3']);
    expect(added.lots[0].title).toBe('Bureaux');
    const removal = parseTenderForm({ ...input, action: 'remove-lot:0' }, reference);
    expect(removal.actionIndex).toBe(0);
    expect(applyLotAction(removal.values, removal.action, removal.actionIndex).lots.map((l) => l.title)).toEqual(['Espaces verts']);
  });

  it('asks for the place and the deadline, and puts API errors on the inputs', () => {
    const { errors } = parseTenderForm({ ...input, executionCommune: '', responseDeadline: '' }, reference);
    expect(errors.map((e) => e.field)).toEqual(['executionCommune', 'responseDeadline']);
    expect(
      tenderErrorsOnForm([
        { field: 'executionCommuneCode', message: 'x' },
        { field: 'cpvCodes[1]', message: 'x' },
        { field: 'lots[0].sectors[0]', message: 'x' },
        { field: 'lots[1].cpvCodes[0]', message: 'x' },
      ]).map((e) => e.field),
    ).toEqual(['executionCommune', 'cpvCodes', 'lots[0].sector', 'lots[1].cpvCodes']);
  });

  it('fills the edit form back from a tender', () => {
    const values = tenderFormValues(
      {
        title: 'T',
        description: null,
        buyer: { name: 'B', kind: 'public' },
        cpvCodes: ['90910000-9'],
        executionCommuneCode: '69123',
        responseDeadline: '2027-01-15T11:00:00.000Z',
        startDate: null,
        durationMonths: 12,
        multipleBidsForbidden: false,
        mandataireSolidaireRequired: false,
        lots: [
          {
            number: 1,
            title: 'L',
            description: null,
            cpvCodes: [],
            sectors: ['nettoyage-locaux'],
            estimatedAmountEur: 1000,
            prestationType: 'PREST',
            reservation: 'NONE',
            socialClause: { type: 'EXECUTION_CONDITION', insertionRate: 0.075 },
            workPackages: [{ code: 'A', title: 'A', share: 0.7 }],
          },
        ],
      },
      reference,
    );
    expect(values).toMatchObject({ executionCommune: 'Lyon (69123)', responseDeadline: '2027-01-15T12:00', cpvCodes: '90910000-9' });
    expect(values.lots[0]).toMatchObject({ sector: 'nettoyage-locaux', insertionRate: '7.5', socialClauseType: 'EXECUTION_CONDITION' });
    expect(values.lots[0].workPackages.map((w) => w.share)).toEqual(['70', '', '']);
  });
});

describe('matching form', () => {
  it('sends every lot when none is ticked, and numbers as numbers', () => {
    expect(parseMatchingForm({ maxMembers: '4', topK: '5', forms: ['CONJOINT', 'SOLIDAIRE'] }).body).toEqual({ maxMembers: 4, topK: 5, forms: ['CONJOINT', 'SOLIDAIRE'] });
    expect(parseMatchingForm({ lots: ['1', '3'], anchorStructureId: 'abc', maxMembers: 'x' }).body).toMatchObject({ lots: [1, 3], anchorStructureId: 'abc', maxMembers: Number.NaN });
  });
});
