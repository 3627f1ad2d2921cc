/** The simulator as a library: scenarios, policies, one run, a whole comparison, reports, instances. */
export { simulate, crashEvents } from "./engine.ts";
export { runScenario, runPolicy, type ScenarioRun, type RunOptions } from "./run-scenario.ts";
export { metricsOf, type MetricsRow } from "./metrics.ts";
export { computeBounds, type Bounds, type LpSolver } from "./bounds/index.ts";
export { scenarioInstance, SLOT_MINUTES } from "./export-instance.ts";
export { POLICIES, POLICY_NAMES, policyByName, type PolicyName, type PolicyEntry } from "./policies.ts";
export { SCENARIOS, buildScenario, type ScenarioEntry } from "./scenarios/index.ts";
export { traceScenario, traceFromFile, traceReplay } from "./scenarios/trace.ts";
export { defineScenario, type ScenarioSpec, type JobRow } from "./scenarios/define.ts";
export { renderReport } from "./report/html.ts";
export { targetRows, formatTargets, type TargetRow } from "./targets.ts";
export { mulberry32 } from "./rng.ts";
export type * from "./types.ts";
