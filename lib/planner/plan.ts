import type { Plan, Policy, Snapshot } from "./types.ts";

/** The planning cycle (being written now; see issue 2). */
export function plan(snapshot: Snapshot, policy: Policy, now: number): Plan {
  void snapshot; void policy;
  return { at: now, jobs: [], assignments: [], preemptions: [], burst: [], nodeActions: [], shares: [], warnings: ["planner not yet implemented"] };
}
