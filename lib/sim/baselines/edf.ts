/**
 * `edf` — earliest deadline first (Liu & Layland 1973), jobs without a deadline last, then by
 * submission. Deadline-aware but blind to remaining work, hardware and cost; never bursts.
 */
import type { Plan, Policy, Snapshot } from "../../planner/index.ts";
import { orderedPlan } from "./dispatch.ts";

export function edf(snapshot: Snapshot, policy: Policy, now: number): Plan {
  const d = (x: number | null): number => (x === null ? Number.MAX_SAFE_INTEGER : x);
  return orderedPlan(snapshot, policy, now, (a, b) => d(a.deadlineAt) - d(b.deadlineAt) || a.submittedAt - b.submittedAt);
}
