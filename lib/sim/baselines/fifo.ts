/**
 * `fifo` — first submitted, first served, the plain queue every farm manager falls back to
 * (Deadline 10's "First-in, First-out" scheduling order; Flamenco without priorities).
 */
import type { Plan, Policy, Snapshot } from "../../planner/index.ts";
import { orderedPlan } from "./dispatch.ts";

export function fifo(snapshot: Snapshot, policy: Policy, now: number): Plan {
  return orderedPlan(snapshot, policy, now, (a, b) => a.submittedAt - b.submittedAt);
}
