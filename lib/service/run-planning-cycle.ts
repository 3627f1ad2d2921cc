import type { Actor } from "./actor.ts";
import type { ServiceDeps } from "./ports.ts";

export interface PlanningCycleResult {
  at: number;
  /** False when another planner held the lock (the trigger should be retried later). */
  ran: boolean;
  assignmentsWritten: number;
  /** Assignments another writer got to first (task no longer pending). */
  assignmentsSkipped: number;
  leasesExpired: number;
  burstRequests: number;
  planMs: number;
}

/** snapshot → plan(snapshot, policy, now) → conditional lease writes → decisions, burst, node actions. */
export async function runPlanningCycle(deps: ServiceDeps, input: { owner?: string }, actor: Actor): Promise<PlanningCycleResult> {
  void deps; void input; void actor;
  throw new Error("runPlanningCycle: not implemented yet");
}
