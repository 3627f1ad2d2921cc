/**
 * Library entry: run one scenario under several policies and compute the metrics beside the
 * bounds. `specialization` also runs our planner with speeds and tags hidden (kind-blind) and
 * reports the throughput gain of knowing them on the burstfarm row.
 */
import { simulate } from "./engine.ts";
import { scenarioInstance } from "./export-instance.ts";
import { computeBounds, metricsOf, type Bounds, type MetricsRow } from "./metrics.ts";
import { POLICY_NAMES, policyByName, type PolicyName } from "./policies.ts";
import type { Scenario, SimOptions, SimResult } from "./types.ts";

export interface RunOptions {
  policies?: readonly string[];
  specialization?: boolean;
  recordAttempts?: boolean;
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
  const bounds = computeBounds(scenarioInstance(sc));
  const results: SimResult[] = [];
  const rows: MetricsRow[] = [];
  for (const name of names) {
    const res = runPolicy(sc, name, { recordAttempts: opts.recordAttempts ?? false });
    const row = metricsOf(res, bounds);
    if (opts.specialization !== false && (name as PolicyName) === "burstfarm") {
      const blind = metricsOf(runPolicy(sc, name, { kindBlind: true }), bounds);
      row.specialization_gain_pct = blind.throughput_ref_hours_per_hour > 0
        ? Math.round((row.throughput_ref_hours_per_hour / blind.throughput_ref_hours_per_hour - 1) * 1000) / 10 : null;
    }
    results.push(res);
    rows.push(row);
  }
  return { scenario: sc, bounds, rows, results };
}
