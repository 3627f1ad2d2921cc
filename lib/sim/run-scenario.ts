/**
 * Library entry: run one scenario under several policies and compute the metrics beside the
 * bounds. `specialization` also runs our planner with speeds and tags hidden (kind-blind) and
 * reports the throughput gain of knowing them on both burstfarm rows. Both arms run with tariff
 * timing off, so deferring work to cheap hours (which lengthens the makespan on purpose) does
 * not mask what matching by kind is worth.
 */
import { simulate } from "./engine.ts";
import { computeBounds, type Bounds, type LpSolver } from "./bounds/index.ts";
import { metricsOf, type MetricsRow } from "./metrics.ts";
import { POLICY_NAMES, policyByName, type PolicyName } from "./policies.ts";
import type { Scenario, SimOptions, SimResult } from "./types.ts";

export interface RunOptions {
  policies?: readonly string[];
  specialization?: boolean;
  recordAttempts?: boolean;
  /** LP/MIP solver for the bounds (default HiGHS). */
  solver?: LpSolver;
}

export interface ScenarioRun {
  scenario: Scenario;
  bounds: Bounds;
  rows: MetricsRow[];
  results: SimResult[];
}

export function runPolicy(sc: Scenario, name: string, opts: SimOptions = {}): SimResult {
  const p = policyByName(name);
  return simulate(sc, p.planFn, p.policy, opts.kindBlind ? `${p.name} (kind-blind)` : p.name, opts);
}

export function runScenario(sc: Scenario, opts: RunOptions = {}): ScenarioRun {
  const names = opts.policies ?? POLICY_NAMES;
  const bounds = opts.solver ? computeBounds(sc, opts.solver) : computeBounds(sc);
  const results: SimResult[] = [];
  const rows: MetricsRow[] = [];
  for (const name of names) {
    const res = runPolicy(sc, name, { recordAttempts: opts.recordAttempts ?? false });
    results.push(res);
    rows.push(metricsOf(res, bounds));
    // A run below a lower bound means the bound is wrong: say so loudly.
    if (rows[rows.length - 1]!.misses < bounds.missLowerBound) res.warnings.push(`misses below the joint miss bound ${bounds.missLowerBound}`);
  }
  if (opts.specialization !== false && names.some((n) => n.startsWith("burstfarm"))) {
    const ref: PolicyName = "burstfarm-no-tariff";
    const aware = rows.find((r) => r.policy === ref) ?? metricsOf(runPolicy(sc, ref), bounds);
    const blind = metricsOf(runPolicy(sc, ref, { kindBlind: true }), bounds);
    const gain = blind.throughput_ref_hours_per_hour > 0
      ? Math.round((aware.throughput_ref_hours_per_hour / blind.throughput_ref_hours_per_hour - 1) * 1000) / 10 : null;
    for (const r of rows) if (r.policy.startsWith("burstfarm")) r.specialization_gain_pct = gain;
  }
  return { scenario: sc, bounds, rows, results };
}
