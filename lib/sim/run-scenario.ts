/**
 * Library entry: run one scenario under several policies and compute the metrics beside the
 * bounds. `specialization` also runs our planner (tariff timing off) with speeds and tags known
 * and hidden on the scenario's work as a fixed backlog (specialization.ts) and reports the
 * throughput gain, with the LP's best possible gain beside it, on both burstfarm rows.
 */
import { simulate } from "./engine.ts";
import { computeBounds, type Bounds, type LpSolver } from "./bounds/index.ts";
import { highsSolver } from "./bounds/highs-solver.ts";
import { lastFinishAt, metricsOf, type MetricsRow } from "./metrics.ts";
import { backlogOf, lpBacklogMakespanH } from "./specialization.ts";
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
  const bounds = computeBounds(sc, opts.solver ?? highsSolver);
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
    const backlog = backlogOf(sc);
    const throughput = (res: SimResult) => {
      const done = res.jobs.filter((j) => j.finishedAt !== null);
      const spanH = (lastFinishAt(res) - res.startAt) / 3600_000;
      return spanH > 0 ? done.reduce((s, j) => s + j.workSec, 0) / 3600 / spanH : 0;
    };
    const aware = throughput(runPolicy(backlog, ref));
    const blindRun = runPolicy(backlog, ref, { kindBlind: true });
    const blind = throughput(blindRun);
    const pct = (x: number) => Math.round(x * 1000) / 10;
    const gain = blind > 0 ? pct(aware / blind - 1) : null;
    const T = lpBacklogMakespanH(sc, opts.solver ?? highsSolver);
    const work = blindRun.jobs.reduce((s, j) => s + j.workSec, 0) / 3600;
    const lpGain = T !== null && blind > 0 ? pct(work / T / blind - 1) : null;
    for (const r of rows) if (r.policy.startsWith("burstfarm")) { r.specialization_gain_pct = gain; r.specialization_lp_gain_pct = lpGain; }
  }
  return { scenario: sc, bounds, rows, results };
}
