/**
 * HiGHS behind the bounds' LpSolver port (LP text in, named values out). The WASM instance is
 * the one lib/solver loads once per process for the planner, awaited here at import.
 */
import { loadHighsInstance } from "../../solver/highs-solver.ts";
import type { LpResult, LpSolver } from "./lp.ts";

const highs = await loadHighsInstance();

export const highsSolver: LpSolver = (lp, opts) => {
  const r = highs.solve(lp, { output_flag: false, ...(opts.timeLimitSec ? { time_limit: opts.timeLimitSec } : {}) } as Parameters<typeof highs.solve>[1]);
  const values: Record<string, number> = {};
  const cols = r.Columns as Record<string, { Primal?: number }>;
  for (const [name, c] of Object.entries(cols)) values[name] = c.Primal ?? 0;
  const out: LpResult = { status: r.Status, objective: r.ObjectiveValue, values };
  return out;
};
