/**
 * Maximise the dual of one window's cloud LP (see cloud.ts):
 *   f(β) = Σ_g W_g · min( min_{k∈act_g} u_gk·β_k , cunit_g ) − Σ_k C_k·β_k ,  β ≥ 0.
 * f is concave and piecewise linear; EVERY β ≥ 0 gives a valid lower bound (weak duality), so
 * this search only decides how tight the bound is, never whether it is valid. Directions: each
 * class alone, each group's eligible classes together (scaled so the group's value rises evenly)
 * and all classes; each line search is exact up to bisection on the slope. With one class the
 * first coordinate step already reaches the optimum (the EDF prefix value).
 */
export interface DualGroup {
  /** Work of the group in its own unit (node-hours on its fastest class). */
  W: number;
  /** Local classes with capacity in the window: node-hours per unit of work. */
  act: { k: number; u: number }[];
  /** Cheapest cloud cost per unit of work, Infinity when the group cannot burst here. */
  cunit: number;
}

export interface AscentResult { value: number; beta: number[]; hitCap: boolean }

type Dir = { k: number; v: number }[];

export function maximizeDual(groups: DualGroup[], C: number[], beta0: number[], betaCap: number): AscentResult {
  const beta = beta0.slice();
  const active = C.map((c) => c > 0);
  for (let k = 0; k < beta.length; k++) if (!active[k]) beta[k] = 0;
  const dirs = directions(groups, active);
  let value = evaluate(groups, C, beta);
  let hitCap = false;
  for (let round = 0; round < 8; round++) {
    const before = value;
    for (const dir of dirs) {
      const step = lineSearch(groups, C, beta, dir, betaCap);
      if (step.hitCap) hitCap = true;
      if (step.lambda <= 0) continue;
      const trial = beta.slice();
      for (const { k, v } of dir) trial[k] = trial[k]! + step.lambda * v;
      const val = evaluate(groups, C, trial);
      if (val > value) { value = val; for (const { k } of dir) beta[k] = trial[k]!; }
    }
    if (value - before <= 1e-12 * (1 + Math.abs(value))) break;
  }
  return { value, beta, hitCap };
}

export function evaluate(groups: DualGroup[], C: number[], beta: number[]): number {
  let f = 0;
  for (const g of groups) {
    let m = g.cunit;
    for (const { k, u } of g.act) m = Math.min(m, u * beta[k]!);
    if (m === Infinity) return Infinity;
    f += g.W * m;
  }
  for (let k = 0; k < C.length; k++) if (C[k]! > 0) f -= C[k]! * beta[k]!;
  return f;
}

function directions(groups: DualGroup[], active: boolean[]): Dir[] {
  const dirs: Dir[] = [];
  const seen = new Set<string>();
  const add = (d: Dir) => {
    const key = d.map((e) => `${e.k}:${e.v}`).join(",");
    if (d.length > 0 && !seen.has(key)) { seen.add(key); dirs.push(d); }
  };
  active.forEach((a, k) => { if (a) add([{ k, v: 1 }]); });
  for (const g of groups) if (g.act.length > 1) add(g.act.map(({ k, u }) => ({ k, v: 1 / u })));
  add(active.flatMap((a, k) => (a ? [{ k, v: 1 }] : [])));
  return dirs;
}

/** Right derivative of f(β + λ·dir) in λ. */
function slopeAt(groups: DualGroup[], C: number[], beta: number[], dir: Dir, dv: Map<number, number>, lambda: number): number {
  let s = 0;
  for (const g of groups) {
    // The active (smallest) line decides the slope; on a tie the right derivative takes the
    // smallest slope. The cloud line is flat.
    let m = g.cunit;
    let sl = 0;
    for (const { k, u } of g.act) {
      const v = dv.get(k) ?? 0;
      const val = u * (beta[k]! + lambda * v);
      const tol = m === Infinity ? 0 : 1e-12 * Math.abs(m);
      if (val < m - tol) { m = val; sl = u * v; } else if (val <= m + tol) sl = Math.min(sl, u * v);
    }
    s += g.W * sl;
  }
  for (const { k, v } of dir) s -= C[k]! * v;
  return s;
}

function lineSearch(groups: DualGroup[], C: number[], beta: number[], dir: Dir, betaCap: number): { lambda: number; hitCap: boolean } {
  const dv = new Map(dir.map(({ k, v }) => [k, v]));
  if (slopeAt(groups, C, beta, dir, dv, 0) <= 0) return { lambda: 0, hitCap: false };
  const vmax = Math.max(...dir.map((d) => d.v));
  const lamCap = betaCap / vmax;
  let lo = 0;
  let hi = Math.min(lamCap, Math.max(1e-9, ...dir.map(({ k }) => beta[k]!), betaCap / 1e4) / vmax);
  while (slopeAt(groups, C, beta, dir, dv, hi) > 0) {
    if (hi >= lamCap) return { lambda: lamCap, hitCap: true };
    lo = hi;
    hi = Math.min(lamCap, hi * 2);
  }
  for (let i = 0; i < 40 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (slopeAt(groups, C, beta, dir, dv, mid) > 0) lo = mid; else hi = mid;
  }
  return { lambda: snap(groups, C, beta, dir, dv, lo, hi), hitCap: false };
}

/**
 * The maximum sits on a breakpoint: where two of a group's lines (or a line and its cloud price)
 * cross. Bisection brackets it in [lo, hi]; return the exact crossing there (no 1e-12 residue in
 * reported costs), or hi when none is found.
 */
function snap(groups: DualGroup[], C: number[], beta: number[], dir: Dir, dv: Map<number, number>, lo: number, hi: number): number {
  const slack = 1e-9 * (1 + hi);
  let best = hi;
  let bestVal = at(hi);
  for (const g of groups) {
    const lines = g.act.map(({ k, u }) => ({ a: u * beta[k]!, b: u * (dv.get(k) ?? 0) }));
    if (g.cunit < Infinity) lines.push({ a: g.cunit, b: 0 });
    for (let i = 0; i < lines.length; i++) {
      for (let j = i + 1; j < lines.length; j++) {
        const p = lines[i]!;
        const q = lines[j]!;
        if (p.b === q.b) continue;
        const x = (q.a - p.a) / (p.b - q.b);
        if (x < lo - slack || x > hi + slack || x < 0) continue;
        const v = at(x);
        if (v > bestVal) { bestVal = v; best = x; }
      }
    }
  }
  return best;

  function at(lambda: number): number {
    const trial = beta.slice();
    for (const { k, v } of dir) trial[k] = trial[k]! + lambda * v;
    return evaluate(groups, C, trial);
  }
}
