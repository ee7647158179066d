// Fitting the candidate ranking on real contracts: a conditional logit (listwise learning to rank). Each
// case is one contract: its candidates with their feature vectors and which of them actually won it. The
// probability that candidate i wins is exp(w·xᵢ) / Σⱼ exp(w·xⱼ); the weights maximise the log-likelihood of
// the actual holders minus an L2 penalty, under sign constraints (a feature known to help never lowers a
// score). Newton steps with backtracking: deterministic, no dependency, a few milliseconds per fit.

export interface RankingCase {
  /** Feature vectors of every candidate (unknowns already replaced), same feature order everywhere. */
  candidates: readonly (readonly number[])[];
  /** Indices of the actual holders among the candidates (at least one). */
  holders: readonly number[];
}

export interface FitOptions {
  /** L2 penalty on every fitted weight (pulls toward 0: a feature must earn its weight). */
  l2: number;
  /** Per feature: +1 weight ≥ 0, −1 weight ≤ 0, 0 free. */
  signs: readonly (-1 | 0 | 1)[];
  /** Per feature: a fixed weight (not fitted), or undefined. */
  fixed?: readonly (number | undefined)[];
  maxIterations?: number;
}

function objective(cases: readonly RankingCase[], w: readonly number[], l2: number, free: readonly boolean[]): number {
  let value = 0;
  for (const c of cases) {
    const u = c.candidates.map((x) => dot(w, x));
    const max = Math.max(...u);
    let all = 0;
    for (const ui of u) all += Math.exp(ui - max);
    let won = 0;
    for (const h of c.holders) won += Math.exp(u[h] - max);
    value += Math.log(won) - Math.log(all);
  }
  for (let k = 0; k < w.length; k++) if (free[k]) value -= (l2 / 2) * w[k] * w[k];
  return value;
}

function dot(w: readonly number[], x: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < w.length; k++) s += w[k] * x[k];
  return s;
}

/** Gradient of the objective and the Fisher matrix (Σ covariance of x under the model) + l2 I. */
function gradientAndCurvature(cases: readonly RankingCase[], w: readonly number[], l2: number): { g: number[]; h: number[][] } {
  const d = w.length;
  const g = new Array<number>(d).fill(0);
  const h = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (const c of cases) {
    const u = c.candidates.map((x) => dot(w, x));
    const max = Math.max(...u);
    const p = u.map((ui) => Math.exp(ui - max));
    const z = p.reduce((a, b) => a + b, 0);
    const holderZ = c.holders.reduce((a, i) => a + p[i], 0);
    const mean = new Array<number>(d).fill(0);
    c.candidates.forEach((x, i) => {
      const pi = p[i] / z;
      for (let k = 0; k < d; k++) mean[k] += pi * x[k];
    });
    for (const i of c.holders) for (let k = 0; k < d; k++) g[k] += (p[i] / holderZ) * c.candidates[i][k];
    for (let k = 0; k < d; k++) g[k] -= mean[k];
    c.candidates.forEach((x, i) => {
      const pi = p[i] / z;
      for (let a = 0; a < d; a++) {
        const da = x[a] - mean[a];
        for (let b = a; b < d; b++) h[a][b] += pi * da * (x[b] - mean[b]);
      }
    });
  }
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < a; b++) h[a][b] = h[b][a];
    h[a][a] += l2;
  }
  return { g, h };
}

/** Solves A x = b for a symmetric positive definite A (Cholesky). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      l[i][j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / l[j][j];
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i][k] * y[k];
    y[i] = s / l[i][i];
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k][i] * x[k];
    x[i] = s / l[i][i];
  }
  return x;
}

/** Maximum penalised likelihood weights (one per feature). */
export function fitRanking(cases: readonly RankingCase[], options: FitOptions): number[] {
  const d = options.signs.length;
  const fixed = options.fixed ?? [];
  const free = options.signs.map((_, k) => fixed[k] === undefined);
  const project = (w: number[]): number[] =>
    w.map((v, k) => (fixed[k] !== undefined ? fixed[k]! : options.signs[k] > 0 ? Math.max(0, v) : options.signs[k] < 0 ? Math.min(0, v) : v));
  let w = project(new Array<number>(d).fill(0));
  const usable = cases.filter((c) => c.holders.length > 0 && c.candidates.length > 0);
  let current = objective(usable, w, options.l2, free);
  for (let iteration = 0; iteration < (options.maxIterations ?? 100); iteration++) {
    const { g, h } = gradientAndCurvature(usable, w, options.l2);
    for (let k = 0; k < d; k++) if (free[k]) g[k] -= options.l2 * w[k];
    // Active set: fixed weights, and constrained weights at their bound with the gradient pushing past it.
    const active = w.map((v, k) => !free[k] || (v === 0 && options.signs[k] !== 0 && Math.sign(g[k]) !== options.signs[k]));
    const idx = w.map((_, k) => k).filter((k) => !active[k]);
    if (idx.length === 0) break;
    const step = solve(
      idx.map((a) => idx.map((b) => h[a][b])),
      idx.map((k) => g[k]),
    );
    let t = 1;
    let improved = false;
    while (t > 1e-6) {
      const next = [...w];
      idx.forEach((k, i) => (next[k] += t * step[i]));
      const candidate = project(next);
      const value = objective(usable, candidate, options.l2, free);
      if (value > current + 1e-12) {
        const gain = value - current;
        w = candidate;
        current = value;
        improved = gain > 1e-9;
        break;
      }
      t /= 2;
    }
    if (!improved) break;
  }
  return w;
}

/** 1-based rank of the best-placed holder when candidates are sorted by utility (ties: earlier index first). */
export function holderRank(c: RankingCase, w: readonly number[]): number {
  const u = c.candidates.map((x) => dot(w, x));
  let best = Number.POSITIVE_INFINITY;
  for (const h of c.holders) {
    let rank = 1;
    for (let i = 0; i < u.length; i++) if (u[i] > u[h] || (u[i] === u[h] && i < h)) rank++;
    best = Math.min(best, rank);
  }
  return best;
}
