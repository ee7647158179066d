// The grouping MIP for one form, solved with HiGHS, and its top-K enumeration by no-good cuts on
// the member set (one persistent model re-solved after each cut).
//
//   max  Σ_{s,p} v_sp x_sp + Σ_s m_s y_s + Σ_l ρ_l c_l − π Σ u
//   s.t. Σ_s x_sp = 1                      every package of every asked lot        (V7)
//        x_sp ≤ y_s                        work only for members
//        2 ≤ Σ_s y_s ≤ maxMembers          a GME, bounded size
//        y_anchor = 1
//        CONJOINT: x_sp ∈ {0,1}; Σ_p x_sp ≥ y_s for non staff providers       (R2142-20, V7)
//        SOLIDAIRE: x_sp ∈ [0,1] (shares may be pooled); Σ_p x_anchor,p ≥ w·y_anchor (no work-free requester)
//        c_l ≤ Σ_{s,p∈l} h_sp x_sp + H_l Σ_{staff s} y_s, 0 ≤ c_l ≤ H_l       insertion hours (V18)
//        SOLIDAIRE: Σ_s R_s y_s + u ≥ f·A;  CONJOINT: f Σ_p A_p x_sp − u_s ≤ R_s     capacity (V8, soft)
// (the insertion and capacity rows are written in fractions of H_l and f·A, for numerical scaling).
// Ineligible, non-serving and excluded kinds never become columns (V13), see ./instance.
import type { Highs, Model, ModelData } from 'highs';
import type { GroupForm } from '../vocabulary';
import { type Instance, memberValue, minimumWork, shareValue } from './instance';
import type { ShareOfPackage, Solution } from './objective';

/** Shares below this are solver noise, not work. */
const SHARE_EPSILON = 1e-7;
/** A CONJOINT share within this of 0 or 1 is integral (HiGHS' default mip_feasibility_tolerance). */
const INTEGRALITY_TOLERANCE = 1e-6;

interface ColumnLayout {
  memberColumn: (s: number) => number;
  shareColumns: Array<Array<{ member: number; column: number }>>; // per package
  coveredHoursColumn: Map<number, number>; // lot index → column
  numCols: number;
}

interface RowSet {
  lower: number[];
  upper: number[];
  starts: number[];
  indices: number[];
  values: number[];
}

export interface SolvedGrouping {
  solution: Solution;
  /** Model objective at the solver's raw (uncleaned) column values. */
  solverObjective: number;
  provenOptimal: boolean;
}

/**
 * Yields the best groupings of one form in decreasing objective order, each with a member set
 * different from all previous ones. Owns a HiGHS model: call `dispose()`.
 *
 * CONJOINT shares are binary, but they start continuous: once members are chosen, assigning packages
 * is a transportation problem (totally unimodular) that only the insertion and capacity rows can make
 * fractional. So each solve runs with continuous x; the packages whose x came out fractional are made
 * integer and the solve is repeated until x is integral. The last solution is optimal for a relaxation
 * and feasible for the binary model, hence optimal for it. On the 10-lot benchmark instances this
 * costs about 40 % less CPU than declaring every x binary up front, for the same optima.
 */
export class GroupingSearch {
  private readonly model: Model;
  private readonly layout: ColumnLayout;
  private readonly colCost: ArrayLike<number>;
  private exhausted = false;
  solveMs = 0;
  solves = 0;

  constructor(
    private readonly highs: Highs,
    private readonly instance: Instance,
    readonly form: GroupForm,
  ) {
    const { data, layout } = buildModel(highs, instance, form);
    this.layout = layout;
    this.colCost = data.colCost;
    this.model = highs.createModel(data);
    this.model.options.set({
      output_flag: false,
      mip_rel_gap: instance.assumptions.mipRelGap,
      mip_abs_gap: 1e-9, // with mipRelGap: the first proposal is the optimum to ±1e-6 (see the brute-force test)
      random_seed: 0,
      // Measured on the benchmark (bench/matching): these models are easy to make feasible and are
      // mostly closed at the root, where sub-MIP heuristics and restarts cost more than they save
      // in this single-threaded Wasm build (≈ 2–3× less CPU with all four off, same optima).
      mip_heuristic_run_feasibility_jump: false,
      mip_heuristic_run_rins: false,
      mip_heuristic_run_rens: false,
      mip_heuristic_run_root_reduced_cost: false,
      mip_allow_restart: false,
    });
  }

  /** The next best grouping, or null when none is left (or the time limit left no solution). */
  next(timeLimitSeconds = this.instance.assumptions.timeLimitSeconds): SolvedGrouping | null {
    if (this.exhausted) return null;
    // HiGHS' time_limit is cumulative over a persistent model's runs: give each call its own.
    this.model.zeroAllClocks();
    this.model.options.set('time_limit', Math.max(0.01, timeLimitSeconds));
    let status = this.run();
    let colValue = this.model.getSolution().colValue;
    // CONJOINT: integrality of x is imposed lazily (see the class comment), package by package.
    for (let fractional = this.fractionalPackages(colValue); status !== null && fractional.length > 0; fractional = this.fractionalPackages(colValue)) {
      this.makeIntegral(fractional);
      status = this.run();
      colValue = this.model.getSolution().colValue;
    }
    if (status === null) {
      this.exhausted = true;
      return null;
    }
    const solution = this.readSolution(colValue);
    this.excludeMemberSet(solution.members);
    // c·x from the raw column values: HiGHS reports 0 when presolve empties the model.
    const solverObjective = Array.from(colValue).reduce((sum, value, j) => sum + value * this.colCost[j], 0);
    return { solution, solverObjective, provenOptimal: status === 'optimal' };
  }

  /** One HiGHS run; null when there is no (further) feasible grouping. */
  private run(): 'optimal' | 'timeLimit' | null {
    const started = performance.now();
    this.model.run();
    this.solveMs += performance.now() - started;
    this.solves += 1;
    const status = this.model.getModelStatus();
    const { optimal, timeLimit } = this.highs.constants.modelStatus;
    if (status === optimal) return 'optimal';
    if (status === timeLimit && this.hasPrimalSolution()) return 'timeLimit';
    return null;
  }

  private fractionalPackages(colValue: Float64Array): number[] {
    if (this.form !== 'CONJOINT') return [];
    return this.layout.shareColumns.flatMap((columns, packageIndex) =>
      columns.some(({ column }) => colValue[column] > INTEGRALITY_TOLERANCE && colValue[column] < 1 - INTEGRALITY_TOLERANCE) ? [packageIndex] : [],
    );
  }

  private makeIntegral(packageIndexes: number[]): void {
    const columns = packageIndexes.flatMap((p) => this.layout.shareColumns[p].map((c) => c.column)).sort((a, b) => a - b);
    this.model.changeColsIntegrality({ kind: 'set', indices: columns }, columns.map(() => this.highs.constants.variableType.integer));
  }

  dispose(): void {
    this.model.dispose();
  }

  private hasPrimalSolution(): boolean {
    return Number(this.model.info.get('primal_solution_status')) === this.highs.constants.solutionStatus.feasible;
  }

  private readSolution(colValue: Float64Array): Solution {
    const members: number[] = [];
    this.instance.candidates.forEach((_, s) => {
      if (colValue[this.layout.memberColumn(s)] > 0.5) members.push(s);
    });
    const shares = this.layout.shareColumns.map((columns) => cleanShares(columns, colValue, this.form));
    return { form: this.form, members, shares };
  }

  /** No-good cut: Σ_{s∈S} y_s − Σ_{s∉S} y_s ≤ |S| − 1 forbids exactly this member set. */
  private excludeMemberSet(members: number[]): void {
    const inSet = new Set(members);
    const indices = this.instance.candidates.map((_, s) => this.layout.memberColumn(s));
    const values = this.instance.candidates.map((_, s) => (inSet.has(s) ? 1 : -1));
    this.model.addRow(-this.highs.infinity, members.length - 1, { indices, values });
  }
}

/** CONJOINT shares are binary (one member per package); SOLIDAIRE shares are renormalised to sum 1. */
function cleanShares(columns: Array<{ member: number; column: number }>, colValue: Float64Array, form: GroupForm): ShareOfPackage[] {
  if (form === 'CONJOINT') {
    const best = columns.reduce((a, b) => (colValue[b.column] > colValue[a.column] ? b : a));
    return [{ member: best.member, share: 1 }];
  }
  const kept = columns.filter((c) => colValue[c.column] > SHARE_EPSILON).map((c) => ({ member: c.member, share: colValue[c.column] }));
  const total = kept.reduce((sum, s) => sum + s.share, 0);
  return kept.map((s) => ({ member: s.member, share: s.share / total })).sort((a, b) => b.share - a.share || a.member - b.member);
}

/** Sparse LP/MIP under construction: columns with bounds and costs, rows in CSR order. */
class ModelBuilder {
  private readonly colCost: number[] = [];
  private readonly colLower: number[] = [];
  private readonly colUpper: number[] = [];
  private readonly integrality: Array<0 | 1> = [];
  private readonly rows: RowSet = { lower: [], upper: [], starts: [0], indices: [], values: [] };

  constructor(private readonly highs: Highs) {}

  get infinity(): number {
    return this.highs.infinity;
  }

  addColumn(cost: number, lower: number, upper: number, integer: boolean): number {
    this.colCost.push(cost);
    this.colLower.push(lower);
    this.colUpper.push(upper);
    this.integrality.push(integer ? this.highs.constants.variableType.integer : this.highs.constants.variableType.continuous);
    return this.colCost.length - 1;
  }

  addRow(lower: number, upper: number, entries: ReadonlyArray<readonly [number, number]>): void {
    this.rows.lower.push(lower);
    this.rows.upper.push(upper);
    for (const [column, value] of entries) {
      this.rows.indices.push(column);
      this.rows.values.push(value);
    }
    this.rows.starts.push(this.rows.indices.length);
  }

  toModelData(): ModelData {
    const numCols = this.colCost.length;
    const numRows = this.rows.lower.length;
    return {
      numCols,
      numRows,
      sense: this.highs.constants.objectiveSense.maximize,
      colCost: this.colCost,
      colLower: this.colLower,
      colUpper: this.colUpper,
      rowLower: this.rows.lower,
      rowUpper: this.rows.upper,
      matrix: { format: 'csr', numRows, numCols, starts: this.rows.starts, indices: this.rows.indices, values: this.rows.values },
      integrality: this.integrality,
    };
  }
}

export function buildModel(highs: Highs, instance: Instance, form: GroupForm): { data: ModelData; layout: ColumnLayout } {
  const builder = new ModelBuilder(highs);
  const { candidates, packages } = instance;

  // y_s: member selected; the anchor is fixed to 1. Columns 0..n−1.
  candidates.forEach((c, s) => builder.addColumn(memberValue(instance, c, form), s === instance.anchorIndex ? 1 : 0, 1, true));
  const memberColumn = (s: number): number => s;

  // x_sp: share of package p taken by s (binary in CONJOINT: one member per work package, V7).
  const shareColumns: ColumnLayout['shareColumns'] = packages.map(() => []);
  candidates.forEach((c, s) => {
    for (const option of c.options) {
      const column = builder.addColumn(shareValue(option), 0, 1, false); // CONJOINT: made binary lazily, see GroupingSearch
      shareColumns[option.packageIndex].push({ member: s, column });
    }
  });
  const layout: ColumnLayout = { memberColumn, shareColumns, coveredHoursColumn: new Map(), numCols: 0 };

  // V7: every package of every asked lot is fully assigned.
  for (const columns of shareColumns) builder.addRow(1, 1, columns.map((c) => [c.column, 1] as const));
  // Work only for members; disaggregated, a tighter relaxation than Σ_p x_sp ≤ |P| y_s.
  for (const { member, column } of shareColumns.flat()) builder.addRow(-builder.infinity, 0, [[column, 1], [memberColumn(member), -1]]);
  // A GME of bounded size.
  builder.addRow(instance.minMembers, instance.maxMembers, candidates.map((_, s) => [memberColumn(s), 1] as const));

  addPerformanceRows(builder, instance, layout, form);
  addInsertionRows(builder, instance, layout);
  if (form === 'SOLIDAIRE') addPooledCapacityRow(builder, instance, layout);
  else addPerMemberCapacityRows(builder, instance, layout);

  const data = builder.toModelData();
  layout.numCols = data.numCols;
  return { data, layout };
}

function sharesByMember(layout: ColumnLayout): Map<number, Array<{ packageIndex: number; column: number }>> {
  const byMember = new Map<number, Array<{ packageIndex: number; column: number }>>();
  layout.shareColumns.forEach((columns, packageIndex) => {
    for (const { member, column } of columns) {
      const list = byMember.get(member) ?? [];
      list.push({ packageIndex, column });
      byMember.set(member, list);
    }
  });
  return byMember;
}

/**
 * Σ_p x_sp ≥ w_s y_s: a conjoint member performs at least one package (R2142-20, staff providers excepted,
 * V21); in a solidaire group the anchor performs at least SOLIDAIRE_ANCHOR_MIN_WORK of one.
 */
function addPerformanceRows(builder: ModelBuilder, instance: Instance, layout: ColumnLayout, form: GroupForm): void {
  const byMember = sharesByMember(layout);
  instance.candidates.forEach((_, s) => {
    const work = minimumWork(instance, s, form);
    if (work <= 0) return;
    const entries = (byMember.get(s) ?? []).map(({ column }) => [column, 1] as const);
    builder.addRow(0, builder.infinity, [...entries, [layout.memberColumn(s), -work]]);
  });
}

/**
 * V18: c_l ≤ Σ h_sp x_sp + H_l Σ_{staff providers} y_s, c_l ∈ [0, H_l] rewarded per hour. Written in
 * fractions of H_l (hours run to tens of thousands; a well-scaled row keeps HiGHS fast and exact).
 */
function addInsertionRows(builder: ModelBuilder, instance: Instance, layout: ColumnLayout): void {
  instance.lots.forEach((lot, l) => {
    const required = lot.requiredHours;
    if (required <= 0) return;
    const coveredFraction = builder.addColumn(lot.insertionRewardPerHour * required, 0, 1, false);
    layout.coveredHoursColumn.set(l, coveredFraction);
    const entries: Array<readonly [number, number]> = [[coveredFraction, 1]];
    for (const packageIndex of lot.packageIndexes) {
      for (const { member, column } of layout.shareColumns[packageIndex]) {
        const hours = instance.candidates[member].optionByPackage.get(packageIndex)?.insertionHours ?? 0;
        if (hours > 0) entries.push([column, -hours / required]);
      }
    }
    instance.candidates.forEach((c, s) => {
      if (c.isStaffProvider) entries.push([layout.memberColumn(s), -1]);
    });
    builder.addRow(-builder.infinity, 0, entries);
  });
}

/**
 * V8 SOLIDAIRE, soft: Σ_s R_s y_s + u ≥ f·A, in fractions of f·A (revenues span 10⁴–10⁸ €). A revenue
 * above the need counts as the need: the row only asks to reach it. Soft because turnover is often
 * missing from the register and the buyer, not the matcher, sets the real requirement.
 */
function addPooledCapacityRow(builder: ModelBuilder, instance: Instance, layout: ColumnLayout): void {
  if (instance.capacityPenaltyPerEur <= 0) return;
  const need = instance.capacityNeedEur;
  const shortfallFraction = builder.addColumn(-instance.weights.capacity, 0, 1, false);
  const entries: Array<readonly [number, number]> = [[shortfallFraction, 1]];
  instance.candidates.forEach((c, s) => {
    const revenue = c.candidate.annualRevenueEur ?? 0; // unknown revenue pools nothing
    if (revenue > 0) entries.push([layout.memberColumn(s), Math.min(1, revenue / need)]);
  });
  builder.addRow(1, builder.infinity, entries);
}

/**
 * V8 CONJOINT, soft: f Σ_p A_p x_sp − u_s ≤ R_s for every member whose revenue is known, in fractions
 * of f·A. Skipped when the member's revenue covers everything it could take.
 */
function addPerMemberCapacityRows(builder: ModelBuilder, instance: Instance, layout: ColumnLayout): void {
  if (instance.capacityPenaltyPerEur <= 0) return;
  const need = instance.capacityNeedEur;
  const factor = instance.assumptions.capacityFactor;
  for (const [member, shares] of sharesByMember(layout)) {
    const revenue = instance.candidates[member].candidate.annualRevenueEur;
    if (revenue === undefined) continue;
    const entries = shares.map(({ packageIndex, column }) => [column, (factor * instance.packages[packageIndex].amountEur) / need] as const);
    const reachable = entries.reduce((sum, [, coefficient]) => sum + coefficient, 0);
    if (reachable <= revenue / need) continue;
    const shortfallFraction = builder.addColumn(-instance.weights.capacity, 0, builder.infinity, false);
    builder.addRow(-builder.infinity, revenue / need, [...entries, [shortfallFraction, -1]]);
  }
}
