import type { Assignment, BurstRequest, NodeAction, Preemption } from "../types.ts";
import type { Projection } from "../burst/projection.ts";
import type { Deferral } from "../tariff/deferral.ts";

/** What stages 5–9 hand to the decisions, whichever planner (LP of record or greedy passes) ran. */
export interface StageResult {
  assignments: Assignment[];
  preemptions: Preemption[];
  burst: BurstRequest[];
  nodeActions: NodeAction[];
  placed: Map<string, number>;
  capped: Set<string>;
  deferrals: Map<string, Deferral>;
  projection: Map<string, Projection>;
  burstByJob: Map<string, string>;
  refused: Map<string, string>;
  /** Per job, the LP's "why" (the binding deadline, share or price), appended to the decision. */
  why: Map<string, string>;
}
