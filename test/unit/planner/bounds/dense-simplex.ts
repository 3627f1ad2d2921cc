/**
 * A small dense two-phase simplex (Bland's rule, so it cannot cycle), for checking the bounds
 * against exact LP optima on tiny instances. Test code only: the library never solves LPs.
 */
export type Sense = "<=" | ">=" | "=";
export interface LinearProgram { c: number[]; rows: { a: number[]; sense: Sense; b: number }[] }
export interface LpResult { status: "optimal" | "infeasible" | "unbounded"; value: number; x: number[] }

const EPS = 1e-9;

export function solveLp(lp: LinearProgram): LpResult {
  const n = lp.c.length;
  const rows = lp.rows.map((r) => (r.b < 0 ? { a: r.a.map((v) => -v), b: -r.b, sense: flip(r.sense) } : { ...r }));
  const m = rows.length;
  const nSlack = rows.filter((r) => r.sense !== "=").length;
  const nArt = rows.filter((r) => r.sense !== "<=").length;
  const N = n + nSlack + nArt;
  const T: number[][] = [];
  const basis: number[] = [];
  const isArt = new Array<boolean>(N).fill(false);
  let s = n;
  let art = n + nSlack;
  for (const r of rows) {
    const row = new Array<number>(N + 1).fill(0);
    for (let j = 0; j < n; j++) row[j] = r.a[j] ?? 0;
    row[N] = r.b;
    if (r.sense === "<=") { row[s] = 1; basis.push(s++); }
    else {
      if (r.sense === ">=") row[s++] = -1;
      row[art] = 1; isArt[art] = true; basis.push(art++);
    }
    T.push(row);
  }
  const phase1 = new Array<number>(N).fill(0).map((_, j) => (isArt[j] ? 1 : 0));
  if (run(T, basis, phase1, () => true) === "unbounded") throw new Error("phase 1 cannot be unbounded");
  if (objective(T, basis, phase1) > 1e-7) return { status: "infeasible", value: Infinity, x: [] };
  // Drive zero-valued artificials out of the basis where possible.
  for (let i = 0; i < m; i++) {
    if (!isArt[basis[i]!]) continue;
    const j = T[i]!.findIndex((v, jj) => jj < N && !isArt[jj] && Math.abs(v) > EPS);
    if (j >= 0) pivot(T, basis, i, j);
  }
  const phase2 = new Array<number>(N).fill(0).map((_, j) => (j < n ? lp.c[j]! : 0));
  if (run(T, basis, phase2, (j) => !isArt[j]) === "unbounded") return { status: "unbounded", value: -Infinity, x: [] };
  const x = new Array<number>(n).fill(0);
  basis.forEach((b, i) => { if (b < n) x[b] = T[i]![N]!; });
  return { status: "optimal", value: objective(T, basis, phase2), x };
}

function flip(s: Sense): Sense { return s === "<=" ? ">=" : s === ">=" ? "<=" : "="; }

function objective(T: number[][], basis: number[], c: number[]): number {
  const N = c.length;
  return basis.reduce((acc, b, i) => acc + c[b]! * T[i]![N]!, 0);
}

function run(T: number[][], basis: number[], c: number[], mayEnter: (j: number) => boolean): "optimal" | "unbounded" {
  const N = c.length;
  for (let iter = 0; iter < 100_000; iter++) {
    let enter = -1;
    for (let j = 0; j < N && enter < 0; j++) {
      if (!mayEnter(j) || basis.includes(j)) continue;
      let red = c[j]!;
      for (let i = 0; i < T.length; i++) red -= c[basis[i]!]! * T[i]![j]!;
      if (red < -EPS) enter = j;
    }
    if (enter < 0) return "optimal";
    let leave = -1;
    let best = Infinity;
    for (let i = 0; i < T.length; i++) {
      const a = T[i]![enter]!;
      if (a <= EPS) continue;
      const ratio = T[i]![N]! / a;
      if (ratio < best - EPS || (Math.abs(ratio - best) <= EPS && basis[i]! < basis[leave]!)) { best = ratio; leave = i; }
    }
    if (leave < 0) return "unbounded";
    pivot(T, basis, leave, enter);
  }
  throw new Error("simplex: iteration limit");
}

function pivot(T: number[][], basis: number[], r: number, j: number): void {
  const row = T[r]!;
  const p = row[j]!;
  for (let k = 0; k < row.length; k++) row[k] = row[k]! / p;
  for (let i = 0; i < T.length; i++) {
    if (i === r) continue;
    const f = T[i]![j]!;
    if (f === 0) continue;
    const ri = T[i]!;
    for (let k = 0; k < ri.length; k++) ri[k] = ri[k]! - f * row[k]!;
  }
  basis[r] = j;
}
