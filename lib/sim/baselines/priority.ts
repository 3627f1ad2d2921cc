/**
 * `priority` — highest priority first, then earliest submission: Deadline 10's default
 * "Pool, Priority, First-in First-out" order (pools aside), also Tractor/Afanasy's basic mode.
 */
import type { Plan, Policy, Snapshot } from "../../planner/index.ts";
import { orderedPlan } from "./dispatch.ts";

export function priority(snapshot: Snapshot, policy: Policy, now: number): Plan {
  return orderedPlan(snapshot, policy, now, (a, b) => b.priority - a.priority || a.submittedAt - b.submittedAt);
}
