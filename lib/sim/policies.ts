/**
 * The policies the simulator compares, by the names the CLI prints. Every entry has plan()'s
 * signature, so the engine drives them all the same way. The baselines' descriptions and
 * sources live beside their code (baselines/*.ts).
 */
import { defaultPolicy, plan, withPolicy, type Policy } from "../planner/index.ts";
import { edf } from "./baselines/edf.ts";
import { edfAutoscale } from "./baselines/edf-autoscale.ts";
import { fifo } from "./baselines/fifo.ts";
import { opencue } from "./baselines/opencue.ts";
import { priority } from "./baselines/priority.ts";
import { queueDepth } from "./baselines/queue-depth.ts";
import { weighted } from "./baselines/weighted.ts";
import { loadHighsSolver } from "../solver/highs-solver.ts";
import type { PlanFn } from "./types.ts";

/** Our planner with its plan of record: the LP solved by HiGHS (loaded once; solving is synchronous). */
const solver = await loadHighsSolver();
// A generous budget: a wall-clock limit hit on a busy machine would make runs differ (the service keeps the default).
const planOfRecord: PlanFn = (snapshot, policy, now) => plan(snapshot, policy, now, { solver, solverTimeLimitSec: 60 });

export interface PolicyEntry {
  name: PolicyName;
  planFn: PlanFn;
  policy: Policy;
  summary: string;
}

export const POLICY_NAMES = ["burstfarm", "burstfarm-no-tariff", "fifo", "priority", "edf", "opencue", "weighted", "queue-depth", "edf-autoscale"] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export const POLICIES: Record<PolicyName, PolicyEntry> = {
  burstfarm: { name: "burstfarm", planFn: planOfRecord, policy: defaultPolicy, summary: "our planner (LP of record, HiGHS), default policy" },
  "burstfarm-no-tariff": {
    name: "burstfarm-no-tariff", planFn: planOfRecord, policy: withPolicy({ tariff: { enabled: false }, guaranteeRule: "off" }),
    summary: "our planner with tariff timing off (the tariff-blind reference for energy; guarantee rule off: with tariff timing off its serve pass has no energy rule, and a dearer reference would flatter the saving)",
  },
  fifo: { name: "fifo", planFn: fifo, policy: defaultPolicy, summary: "first submitted first (Deadline 10 FIFO)" },
  priority: { name: "priority", planFn: priority, policy: defaultPolicy, summary: "priority, then submission (Deadline 10 default)" },
  edf: { name: "edf", planFn: edf, policy: defaultPolicy, summary: "earliest deadline first, local only" },
  opencue: { name: "opencue", planFn: opencue, policy: defaultPolicy, summary: "OpenCue subscriptions: size first, up to burst" },
  weighted: { name: "weighted", planFn: weighted, policy: defaultPolicy, summary: "Deadline Cloud weighted balanced, default weights" },
  "queue-depth": { name: "queue-depth", planFn: queueDepth, policy: defaultPolicy, summary: "priority + cloud scaled on queue depth (Spot Event Plugin)" },
  "edf-autoscale": { name: "edf-autoscale", planFn: edfAutoscale, policy: defaultPolicy, summary: "EDF + cloud sized by the EDF deficit (the strong baseline)" },
};

/** Opt-in variants, run only when named (--policies): not part of the default comparison. */
export const OPT_IN_POLICIES: Record<string, PolicyEntry> = {
  "burstfarm-no-guarantees": {
    name: "burstfarm-no-guarantees" as PolicyName, planFn: planOfRecord, policy: withPolicy({ guaranteeRule: "off" }),
    summary: "our planner without the guarantee rule in dispatch (the LP's soft guarantee rows only)",
  },
  "burstfarm-guarantees": {
    name: "burstfarm-guarantees" as PolicyName, planFn: planOfRecord, policy: withPolicy({ guaranteeRule: "before-tariff" }),
    summary: "our planner with guarantees before tariff deferral (lp/guarantee-rule.ts; where no client may rent, the LP's guarantee rows count as the simulator does and are priced above energy)",
  },
  "burstfarm-guarantees-beside-tariff": {
    name: "burstfarm-guarantees-beside-tariff" as PolicyName, planFn: planOfRecord, policy: withPolicy({ guaranteeRule: "beside-tariff" }),
    summary: "our planner with guarantees in dispatch, tariff deferral kept (lp/guarantee-rule.ts)",
  },
};

export function policyByName(name: string): PolicyEntry {
  const p = (POLICIES as Record<string, PolicyEntry>)[name] ?? OPT_IN_POLICIES[name];
  if (!p) throw new Error(`policy: unknown "${name}" (have ${POLICY_NAMES.join(", ")})`);
  return p;
}
