import {
  DECLARATION_DUE_DAYS,
  declarationProblem,
  executionEnd,
  executionQuarters,
  insertionFollowUp,
  quarterBounds,
  quarterLabel,
  quarterOf,
  quartersToRemind,
  type HoursDeclaration,
} from './insertion-follow-up';

const members = [
  { structureId: 'mandataire', name: 'Paysages SAS' },
  { structureId: 'aci', name: 'Jardins Solidaires' },
];
const at = (day: string) => `${day}T10:00:00.000Z`;

describe('quarters of an execution period', () => {
  it('knows quarter bounds, labels and the quarter of a day', () => {
    expect(quarterBounds('2027-Q1')).toEqual({ start: '2027-01-01', end: '2027-03-31' });
    expect(quarterBounds('2028-Q1').end).toBe('2028-03-31');
    expect(quarterBounds('2027-Q4')).toEqual({ start: '2027-10-01', end: '2027-12-31' });
    expect(quarterOf('2027-05-15')).toBe('2027-Q2');
    expect(quarterLabel('2027-Q1')).toBe('1er trimestre 2027');
    expect(quarterLabel('2027-Q3')).toBe('3e trimestre 2027');
  });

  it('ends the day before the same date, durationMonths later', () => {
    expect(executionEnd('2027-01-01', 12)).toBe('2027-12-31');
    expect(executionEnd('2027-02-15', 3)).toBe('2027-05-14');
  });

  it('spreads the required hours over the quarters in proportion to their days, summing exactly', () => {
    const quarters = executionQuarters('2027-01-01', 12, 1000);
    expect(quarters.map((q) => q.quarter)).toEqual(['2027-Q1', '2027-Q2', '2027-Q3', '2027-Q4']);
    expect(quarters.reduce((s, q) => s + q.requiredHours, 0)).toBe(1000);
    // 90, 91, 92, 92 days of 365
    expect(quarters.map((q) => q.requiredHours)).toEqual([247, 249, 252, 252]);
    expect(quarters[0].dueOn).toBe('2027-04-30');
    expect(DECLARATION_DUE_DAYS).toBe(30);
  });

  it('cuts partial first and last quarters to their execution days', () => {
    const quarters = executionQuarters('2027-02-15', 6, 833);
    expect(quarters.map((q) => [q.quarter, q.from, q.to])).toEqual([
      ['2027-Q1', '2027-02-15', '2027-03-31'],
      ['2027-Q2', '2027-04-01', '2027-06-30'],
      ['2027-Q3', '2027-07-01', '2027-08-14'],
    ]);
    expect(quarters.reduce((s, q) => s + q.requiredHours, 0)).toBe(833);
    expect(quarters[1].requiredHours).toBeGreaterThan(quarters[0].requiredHours);
  });
});

describe('insertionFollowUp: declared against required', () => {
  const base = { requiredHours: 1000, startsOn: '2027-01-01', durationMonths: 12, members };

  it('before any declaration: ended quarters are to declare, then late past the due days; nothing is invented', () => {
    const inMay = insertionFollowUp({ ...base, declarations: [], today: '2027-04-20' });
    expect(inMay.quarters.map((q) => q.status)).toEqual(['to_declare', 'in_progress', 'upcoming', 'upcoming']);
    expect(inMay.expectedToDateHours).toBe(247);
    expect(inMay.lateQuarters).toBe(0);
    const inJune = insertionFollowUp({ ...base, declarations: [], today: '2027-05-01' });
    expect(inJune.quarters[0]).toMatchObject({ status: 'late', statusLabel: 'En retard', declaredHours: null });
    expect(inJune.lateQuarters).toBe(1);
    expect(inJune.balanceHours).toBe(-247);
  });

  it('sums members per quarter, the newest declaration of a member replacing its earlier one', () => {
    const declarations: HoursDeclaration[] = [
      { quarter: '2027-Q1', structureId: 'mandataire', hours: 100, declaredAt: at('2027-04-10') },
      { quarter: '2027-Q1', structureId: 'aci', hours: 120, declaredAt: at('2027-04-10') },
      { quarter: '2027-Q1', structureId: 'aci', hours: 180, declaredAt: at('2027-04-12') },
    ];
    const f = insertionFollowUp({ ...base, declarations, today: '2027-06-01' });
    expect(f.quarters[0]).toMatchObject({ status: 'declared', declaredHours: 280, byMember: { mandataire: 100, aci: 180 } });
    expect(f.declaredHours).toBe(280);
    expect(f.balanceHours).toBe(280 - 247);
    expect(f.members).toEqual([
      { structureId: 'mandataire', name: 'Paysages SAS', declaredHours: 100 },
      { structureId: 'aci', name: 'Jardins Solidaires', declaredHours: 180 },
    ]);
    expect(f.completion).toBeCloseTo(0.28);
  });

  it('flags a declaration made after the due date as late, and a later correction of an on-time one as on time', () => {
    const declarations: HoursDeclaration[] = [
      { quarter: '2027-Q1', structureId: 'aci', hours: 200, declaredAt: at('2027-05-05') },
      { quarter: '2027-Q2', structureId: 'aci', hours: 240, declaredAt: at('2027-07-15') },
      { quarter: '2027-Q2', structureId: 'aci', hours: 250, declaredAt: at('2027-09-01') },
    ];
    const f = insertionFollowUp({ ...base, declarations, today: '2027-09-02' });
    expect(f.quarters.map((q) => q.status)).toEqual(['declared_late', 'declared', 'in_progress', 'upcoming']);
    expect(f.quarters[1].declaredHours).toBe(250);
    expect(f.lateQuarters).toBe(0);
  });

  it('an explicit zero is a declaration (nothing delivered), not a missing one', () => {
    const f = insertionFollowUp({ ...base, declarations: [{ quarter: '2027-Q1', structureId: 'aci', hours: 0, declaredAt: at('2027-04-02') }], today: '2027-06-01' });
    expect(f.quarters[0]).toMatchObject({ status: 'declared', declaredHours: 0 });
  });

  it('refuses quarters that are malformed, outside the execution or not started yet', () => {
    const f = insertionFollowUp({ ...base, declarations: [], today: '2027-04-20' });
    expect(declarationProblem(f, '2027-T1', '2027-04-20')).toMatch(/trimestre invalide/);
    expect(declarationProblem(f, '2026-Q4', '2027-04-20')).toMatch(/hors de la période d’exécution/);
    expect(declarationProblem(f, '2027-Q3', '2027-04-20')).toMatch(/n’a pas commencé/);
    expect(declarationProblem(f, '2027-Q2', '2027-04-20')).toBeNull();
    expect(declarationProblem(f, '2027-Q1', '2027-04-20')).toBeNull();
  });
});

describe('quartersToRemind', () => {
  it('names the ended quarters not declared, still due or late; declared and running ones are left alone', () => {
    const f = insertionFollowUp({
      requiredHours: 1000,
      startsOn: '2027-01-01',
      durationMonths: 12,
      members,
      declarations: [{ quarter: '2027-Q2', structureId: 'aci', hours: 10, declaredAt: at('2027-07-02') }],
      today: '2027-10-15',
    });
    expect(quartersToRemind(f)).toEqual({ toDeclare: ['2027-Q3'], late: ['2027-Q1'] });
  });
});
