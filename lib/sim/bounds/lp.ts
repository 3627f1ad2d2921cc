/**
 * A small CPLEX-LP text writer and the solver port the simulator's bounds use. The solver is
 * injected (HiGHS in highs-solver.ts; any LP/MIP solver reading CPLEX LP text fits), so the
 * bounds are plain functions of a model and a solver.
 */
export interface LpResult {
  /** "Optimal", "Infeasible", "Time limit reached", … (HiGHS model status text). */
  status: string;
  objective: number;
  values: Record<string, number>;
}

export type LpSolver = (lp: string, opts: { timeLimitSec?: number }) => LpResult;

type Terms = Map<string, number>;

export class Lp {
  private readonly obj: Terms = new Map();
  private readonly rows: { name: string; terms: Terms; sense: "<=" | ">=" | "="; rhs: number }[] = [];
  private readonly upper = new Map<string, number>();
  private readonly binaries = new Set<string>();

  cost(v: string, c: number): void {
    if (c !== 0) this.obj.set(v, (this.obj.get(v) ?? 0) + c);
  }

  row(name: string, terms: Terms, sense: "<=" | ">=" | "=", rhs: number): void {
    if (terms.size > 0) this.rows.push({ name, terms, sense, rhs });
  }

  bound(v: string, upper: number): void {
    this.upper.set(v, upper);
  }

  binary(v: string): void {
    this.binaries.add(v);
  }

  get rowCount(): number {
    return this.rows.length;
  }

  text(): string {
    const out: string[] = ["Minimize", ` obj: ${sum(this.obj) || "0 dummy"}`, "Subject To"];
    for (const r of this.rows) out.push(` ${r.name}: ${sum(r.terms)} ${r.sense} ${r.rhs}`);
    out.push("Bounds");
    for (const [v, u] of this.upper) if (!this.binaries.has(v)) out.push(` 0 <= ${v} <= ${u}`);
    if (this.binaries.size > 0) out.push("Binaries", ...chunks([...this.binaries]));
    out.push("End", "");
    return out.join("\n");
  }
}

/** Terms written a few per line (LP readers limit line length). */
function sum(t: Terms): string {
  const parts: string[] = [];
  for (const [v, c] of t) if (c !== 0) parts.push(`${c < 0 ? "-" : "+"} ${Math.abs(c)} ${v}`);
  const lines: string[] = [];
  for (let i = 0; i < parts.length; i += 8) lines.push(parts.slice(i, i + 8).join(" "));
  return lines.join("\n  ");
}

function chunks(vs: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < vs.length; i += 10) out.push(" " + vs.slice(i, i + 10).join(" "));
  return out;
}
