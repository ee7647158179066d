import { compositionErrorsOnForm, compositionValues, eventText, parseComposition, splitUnits, withTypedCells } from './bid-form';

const lots = [
  { number: 1, title: 'Espaces verts', workPackages: [{ code: 'TONTE', title: 'Tonte', share: 0.6 }, { code: 'TAILLE', title: null, share: 0.4 }] },
  { number: 2, title: 'Nettoyage', workPackages: [] },
  { number: 3, title: 'Hors groupement', workPackages: [] },
];

describe('bid composition form', () => {
  const units = splitUnits([2, 1], lots);
  const bid = {
    form: 'CONJOINT',
    mandataireSolidaire: false,
    mandataireStructureId: 'a',
    members: [
      { structureId: 'a', name: 'A', status: 'accepted', assignments: [{ lot: 1, workPackage: 'TONTE', share: 1 }, { lot: 2, share: 0.3333 }] },
      { structureId: 'gone', name: 'Gone', status: 'declined', assignments: [] },
      { structureId: 'b', name: 'B', status: 'invited', assignments: [{ lot: 1, workPackage: 'TAILLE', share: 1 }] },
    ],
  };

  it('has one column per work package, or per lot without work packages, for the bid’s lots only', () => {
    expect(units.map((u) => u.label)).toEqual(['Lot 1 – Tonte', 'Lot 1 – TAILLE', 'Lot 2 – Nettoyage']);
    expect(units.map((u) => u.weight)).toEqual([0.6, 0.4, 1]);
  });

  it('fills the grid with active members’ shares in per cent, French decimals', () => {
    const values = compositionValues(bid, units);
    expect(values.rows.map((r) => r.name)).toEqual(['A', 'B']);
    expect(values.rows[0].cells.map((c) => c.share)).toEqual(['100', '', '33,33']);
    expect(values.rows[1].cells.map((c) => c.index)).toEqual([3, 4, 5]);
  });

  it('turns the posted cells into assignments, skipping empty and zero cells, and flags unreadable ones', () => {
    const parsed = parseComposition({
      form: 'SOLIDAIRE',
      mandataireStructureId: 'b',
      mandataireSolidaire: 'on',
      cells: [
        { structureId: 'a', lot: '1', workPackage: 'TONTE', share: '60' },
        { structureId: 'a', lot: '2', workPackage: '', share: '' },
        { structureId: 'b', lot: '1', workPackage: 'TONTE', share: '0' },
        { structureId: 'b', lot: '2', workPackage: '', share: '33,5' },
        { structureId: 'b', lot: '1', workPackage: 'TAILLE', share: 'cent' },
        { structureId: 'b', lot: '1', workPackage: 'TAILLE', share: '120' },
      ],
    });
    expect(parsed.body).toEqual({
      form: 'SOLIDAIRE',
      mandataireSolidaire: true,
      mandataireStructureId: 'b',
      assignments: [
        { structureId: 'a', lot: 1, workPackage: 'TONTE', share: 0.6 },
        { structureId: 'b', lot: 2, share: 0.335 },
      ],
    });
    expect(parsed.cellOfAssignment).toEqual([0, 3]);
    expect(parsed.errors.map((e) => e.field)).toEqual(['cells[4].share', 'cells[5].share']);
  });

  it('puts the API’s assignment errors on the cell they came from', () => {
    const errors = compositionErrorsOnForm(
      [
        { field: 'assignments[1].share', message: 'x' },
        { field: 'assignments[1].workPackage', message: 'y' },
        { field: 'assignments', message: 'z' },
        { field: 'assignments[9].lot', message: 'w' },
        { field: 'mandataireStructureId', message: 'v' },
      ],
      [0, 3],
    );
    expect(errors.map((e) => e.field)).toEqual(['cells[3].share', 'cells[3].share', 'assignments', 'assignments', 'mandataireStructureId']);
  });

  it('shows the grid again as typed after a refusal', () => {
    const parsed = parseComposition({ form: 'CONJOINT', cells: [{ structureId: 'b', lot: '2', workPackage: '', share: 'abc' }] });
    const values = withTypedCells(compositionValues(bid, units), parsed);
    expect(values.rows[1].cells[2].share).toBe('abc');
    expect(values.rows[0].cells[0].share).toBe('100');
    expect(values.mandataireSolidaire).toBe(false);
  });

  it('tells the history in words', () => {
    expect(eventText({ type: 'INVITED', structure: { name: 'B' }, details: {} })).toBe('a invité « B »');
    expect(eventText({ type: 'UPDATED', structure: null, details: { changes: { form: {}, assignments: {} } } })).toBe('a modifié la forme du groupement, la répartition des prestations');
    expect(eventText({ type: 'SUBMITTED', structure: null, details: {} })).toBe('a déposé le groupement');
  });
});
