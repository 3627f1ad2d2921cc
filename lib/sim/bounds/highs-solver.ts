/**
 * HiGHS (npm `highs`, WebAssembly) behind the LpSolver port. Loaded once per process at import
 * (top-level await); each solve runs on a fresh native instance, so solves never share state.
 */
import * as highsModule from "highs";
import type { LpResult, LpSolver } from "./lp.ts";

// The package's types describe a CommonJS default export; under ESM the loader is `default`.
const loadHighs = highsModule.default as unknown as (typeof import("highs"))["default"];
const highs = await loadHighs();

export const highsSolver: LpSolver = (lp, opts) => {
  const r = highs.solve(lp, { output_flag: false, ...(opts.timeLimitSec ? { time_limit: opts.timeLimitSec } : {}) } as Parameters<typeof highs.solve>[1]);
  const values: Record<string, number> = {};
  const cols = r.Columns as Record<string, { Primal?: number }>;
  for (const [name, c] of Object.entries(cols)) values[name] = c.Primal ?? 0;
  const out: LpResult = { status: r.Status, objective: r.ObjectiveValue, values };
  return out;
};
