// Insertion hours followed up after award (issue 16): the holder — or the mandataire of a groupement —
// declares, quarter by quarter and member by member, the hours delivered; the buyer and the facilitator
// compare them with what the clause requires (V17), spread over the execution period.
// Calendar days are 'YYYY-MM-DD' strings and quarters 'YYYY-Qn': no time zone can shift a due date.

/**
 * Days after a quarter's end by which its hours are due. PRACTICE (facilitators of the clause collect the
 * holder's statements quarterly and ask for them within the following month); a product choice, not a legal
 * deadline: the contract's CCAP may say otherwise.
 */
export const DECLARATION_DUE_DAYS = 30;

/** Most hours one member may declare for one quarter: 13 weeks of 35 h for 100 people; beyond, a typing error. */
export const MAX_DECLARED_HOURS = 13 * 35 * 100;

export type Quarter = `${number}-Q${1 | 2 | 3 | 4}`;

/**
 * Where a quarter stands. `upcoming`: not started; `in_progress`: running; `to_declare`: ended, still within
 * the due days; `late`: past due, nothing declared; `declared` / `declared_late`: declared on time or after.
 */
export const QUARTER_STATUSES = ['upcoming', 'in_progress', 'to_declare', 'late', 'declared', 'declared_late'] as const;
export type QuarterStatus = (typeof QUARTER_STATUSES)[number];

export const QUARTER_STATUS_LABELS: Record<QuarterStatus, string> = {
  upcoming: 'À venir',
  in_progress: 'En cours',
  to_declare: 'À déclarer',
  late: 'En retard',
  declared: 'Déclaré',
  declared_late: 'Déclaré en retard',
};

const QUARTER_PATTERN = /^(\d{4})-Q([1-4])$/;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 24 * 3600 * 1000;

function dayNumber(day: string): number {
  const match = DAY_PATTERN.exec(day);
  if (!match) throw new RangeError(`not a calendar day: ${day}`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS;
}

function dayString(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** A real calendar day written 'YYYY-MM-DD' (2027-02-30 is not). */
export function isCalendarDay(value: string): boolean {
  return DAY_PATTERN.test(value) && dayString(dayNumber(value)) === value;
}

export function isQuarter(value: unknown): value is Quarter {
  return typeof value === 'string' && QUARTER_PATTERN.test(value);
}

export function quarterOf(day: string): Quarter {
  const n = dayNumber(day);
  const date = new Date(n * DAY_MS);
  return `${date.getUTCFullYear()}-Q${(Math.floor(date.getUTCMonth() / 3) + 1) as 1 | 2 | 3 | 4}`;
}

/** First and last calendar day of a quarter. */
export function quarterBounds(quarter: Quarter): { start: string; end: string } {
  const match = QUARTER_PATTERN.exec(quarter);
  if (!match) throw new RangeError(`not a quarter: ${quarter}`);
  const year = Number(match[1]);
  const firstMonth = (Number(match[2]) - 1) * 3;
  const start = Date.UTC(year, firstMonth, 1) / DAY_MS;
  const next = Date.UTC(year, firstMonth + 3, 1) / DAY_MS;
  return { start: dayString(start), end: dayString(next - 1) };
}

/** « 1er trimestre 2027 ». */
export function quarterLabel(quarter: Quarter): string {
  const match = QUARTER_PATTERN.exec(quarter);
  if (!match) return quarter;
  const n = Number(match[2]);
  return `${n === 1 ? '1er' : `${n}e`} trimestre ${match[1]}`;
}

/** The last day of execution: `durationMonths` after the start, the day before the same date. */
export function executionEnd(startsOn: string, durationMonths: number): string {
  const match = DAY_PATTERN.exec(startsOn);
  if (!match) throw new RangeError(`not a calendar day: ${startsOn}`);
  if (!Number.isInteger(durationMonths) || durationMonths < 1) throw new RangeError(`durationMonths must be a positive integer, got ${durationMonths}`);
  const end = Date.UTC(Number(match[1]), Number(match[2]) - 1 + durationMonths, Number(match[3])) / DAY_MS;
  return dayString(end - 1);
}

export interface ExecutionQuarter {
  quarter: Quarter;
  /** Execution days of the quarter (a partial first or last quarter counts its own days only). */
  from: string;
  to: string;
  dueOn: string;
  requiredHours: number;
}

/**
 * The quarters of the execution period, each with its share of the required hours in proportion to its
 * execution days; whole hours whose sum is exactly the requirement (largest remainders get the extra hour).
 */
export function executionQuarters(startsOn: string, durationMonths: number, requiredHours: number): ExecutionQuarter[] {
  const first = dayNumber(startsOn);
  const last = dayNumber(executionEnd(startsOn, durationMonths));
  const quarters: Array<Omit<ExecutionQuarter, 'requiredHours'> & { days: number }> = [];
  let cursor = first;
  while (cursor <= last) {
    const quarter = quarterOf(dayString(cursor));
    const bounds = quarterBounds(quarter);
    const to = Math.min(dayNumber(bounds.end), last);
    quarters.push({ quarter, from: dayString(cursor), to: dayString(to), dueOn: dayString(dayNumber(bounds.end) + DECLARATION_DUE_DAYS), days: to - cursor + 1 });
    cursor = to + 1;
  }
  const totalDays = last - first + 1;
  const exact = quarters.map((q) => (requiredHours * q.days) / totalDays);
  const hours = exact.map(Math.floor);
  let missing = requiredHours - hours.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((value, i) => ({ i, remainder: value - Math.floor(value) })).sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of byRemainder) {
    if (missing <= 0) break;
    hours[i] += 1;
    missing -= 1;
  }
  return quarters.map(({ days: _days, ...q }, i) => ({ ...q, requiredHours: hours[i] }));
}

export interface HoursDeclaration {
  quarter: Quarter;
  structureId: string;
  hours: number;
  /** When it was recorded (ISO instant); the newest declaration of a member for a quarter replaces the others. */
  declaredAt: string;
}

export interface FollowUpMember {
  structureId: string;
  name: string;
}

export interface FollowUpInput {
  requiredHours: number;
  startsOn: string;
  durationMonths: number;
  members: FollowUpMember[];
  declarations: HoursDeclaration[];
  /** Today, 'YYYY-MM-DD'. */
  today: string;
}

export interface QuarterFollowUp extends ExecutionQuarter {
  label: string;
  status: QuarterStatus;
  statusLabel: string;
  /** null until someone declared for the quarter. */
  declaredHours: number | null;
  /** Hours per member (only members declared for). */
  byMember: Record<string, number>;
  declaredAt: string | null;
  cumulativeRequired: number;
  cumulativeDeclared: number;
}

export interface FollowUp {
  requiredHours: number;
  declaredHours: number;
  /** Required hours of the quarters already ended: what should have been delivered by now. */
  expectedToDateHours: number;
  /** Declared minus expected to date (negative: behind). */
  balanceHours: number;
  /** Declared ÷ required, 0–∞ (1 = the clause is met). */
  completion: number;
  lateQuarters: number;
  quarters: QuarterFollowUp[];
  members: Array<FollowUpMember & { declaredHours: number }>;
  startsOn: string;
  endsOn: string;
}

/** The latest declaration of each member for each quarter (a correction replaces, the history stays stored). */
export function currentDeclarations(declarations: readonly HoursDeclaration[]): HoursDeclaration[] {
  const latest = new Map<string, HoursDeclaration>();
  for (const d of declarations) {
    const key = `${d.quarter}|${d.structureId}`;
    const seen = latest.get(key);
    if (!seen || seen.declaredAt <= d.declaredAt) latest.set(key, d);
  }
  return [...latest.values()];
}

function quarterStatus(q: ExecutionQuarter, today: number, firstDeclaredOn: string | null): QuarterStatus {
  if (firstDeclaredOn !== null) return dayNumber(firstDeclaredOn) > dayNumber(q.dueOn) ? 'declared_late' : 'declared';
  if (today < dayNumber(q.from)) return 'upcoming';
  if (today <= dayNumber(quarterBounds(q.quarter).end)) return 'in_progress';
  return today <= dayNumber(q.dueOn) ? 'to_declare' : 'late';
}

/** Declared against required, quarter by quarter and member by member. */
export function insertionFollowUp(input: FollowUpInput): FollowUp {
  const today = dayNumber(input.today);
  const current = currentDeclarations(input.declarations);
  // Lateness is judged on the first declaration for the quarter: a later correction is not a late declaration.
  const firstDeclaredOn = new Map<string, string>();
  for (const d of input.declarations) {
    const day = d.declaredAt.slice(0, 10);
    const seen = firstDeclaredOn.get(d.quarter);
    if (!seen || day < seen) firstDeclaredOn.set(d.quarter, day);
  }
  let cumulativeRequired = 0;
  let cumulativeDeclared = 0;
  let expectedToDateHours = 0;
  const quarters = executionQuarters(input.startsOn, input.durationMonths, input.requiredHours).map((q): QuarterFollowUp => {
    const mine = current.filter((d) => d.quarter === q.quarter);
    const declaredHours = mine.length ? mine.reduce((sum, d) => sum + d.hours, 0) : null;
    const status = quarterStatus(q, today, firstDeclaredOn.get(q.quarter) ?? null);
    cumulativeRequired += q.requiredHours;
    cumulativeDeclared += declaredHours ?? 0;
    if (today > dayNumber(quarterBounds(q.quarter).end)) expectedToDateHours += q.requiredHours;
    return {
      ...q,
      label: quarterLabel(q.quarter),
      status,
      statusLabel: QUARTER_STATUS_LABELS[status],
      declaredHours,
      byMember: Object.fromEntries(mine.map((d) => [d.structureId, d.hours])),
      declaredAt: mine.length ? mine.map((d) => d.declaredAt).sort().at(-1)! : null,
      cumulativeRequired,
      cumulativeDeclared,
    };
  });
  const declaredHours = cumulativeDeclared;
  return {
    requiredHours: input.requiredHours,
    declaredHours,
    expectedToDateHours,
    balanceHours: declaredHours - expectedToDateHours,
    completion: input.requiredHours > 0 ? declaredHours / input.requiredHours : 0,
    lateQuarters: quarters.filter((q) => q.status === 'late').length,
    quarters,
    members: input.members.map((m) => ({ ...m, declaredHours: current.filter((d) => d.structureId === m.structureId).reduce((sum, d) => sum + d.hours, 0) })),
    startsOn: input.startsOn,
    endsOn: executionEnd(input.startsOn, input.durationMonths),
  };
}

/**
 * Why a declaration cannot be recorded (French, for the person typing it), or null. A quarter is declared
 * once it has started (hours of a running quarter may be declared and corrected later), never before.
 */
export function declarationProblem(followUp: Pick<FollowUp, 'quarters'>, quarter: string, today: string): string | null {
  if (!isQuarter(quarter)) return 'trimestre invalide : AAAA-Qn attendu, par exemple 2027-Q1';
  const q = followUp.quarters.find((x) => x.quarter === quarter);
  if (!q) return `le ${quarterLabel(quarter)} est hors de la période d’exécution`;
  if (dayNumber(today) < dayNumber(q.from)) return `le ${quarterLabel(quarter)} n’a pas commencé : ses heures ne peuvent pas encore être déclarées`;
  return null;
}

/**
 * Quarters to remind the holder of: ended and not declared, either still within the due days (`toDeclare`) or past
 * them (`late`). The caller keeps a ledger so that each quarter is announced once in each state.
 */
export function quartersToRemind(followUp: Pick<FollowUp, 'quarters'>): { toDeclare: Quarter[]; late: Quarter[] } {
  return {
    toDeclare: followUp.quarters.filter((q) => q.status === 'to_declare').map((q) => q.quarter),
    late: followUp.quarters.filter((q) => q.status === 'late').map((q) => q.quarter),
  };
}

const DAY_LABEL = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** « 30 avril 2027 » for a calendar day. */
export function dayLabel(day: string): string {
  return DAY_LABEL.format(new Date(dayNumber(day) * DAY_MS));
}
