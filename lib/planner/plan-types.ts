/** What one planning cycle returns: a decision with a reason for every job, node and request. */
/** Ordered: the first that applies to a job is its outcome. */
export type JobOutcome =
  | "placed"
  | "running"
  | "queued"
  | "burst"
  | "deferred"
  | "held"
  | "waiting"
  | "blocked"
  | "unplaceable"
  | "failed"
  | "suspended"
  | "done";

export interface JobDecision {
  jobId: string;
  clientId: string;
  outcome: JobOutcome;
  /** One sentence a wrangler can read: why the job is (not) running. */
  reason: string;
  /** Position in the dispatch order (0 = first). */
  rank: number;
  slackSec: number | null;
  /** Effective deadline after inheriting urgency from dependents. */
  effectiveDeadlineAt: number | null;
  /** Cannot meet the deadline even with all capacity it may use (local and cloud). */
  atRisk: boolean;
  /** Estimated finish with the capacity the plan gives it. */
  projectedFinishAt: number | null;
  remainingWorkSec: number;
  tasksAssigned: number;
}

export interface Assignment {
  nodeId: string;
  jobId: string;
  stepName: string;
  taskIndex: number;
  taskId: string;
  /** First frame offset within the step's task list (taskIndex × framesPerTask). */
  frames: number;
  estimatedSec: number;
  /** Queued behind the node's current task (pre-assignment) rather than to start now. */
  queued: boolean;
  reason: string;
}

export interface Preemption {
  nodeId: string;
  taskId: string;
  reason: string;
}

export interface BurstRequest {
  clientId: string;
  instanceType: string;
  market: "spot" | "on-demand";
  count: number;
  kind: string;
  jobIds: string[];
  /** The deadline that binds this request. */
  deadlineAt: number;
  estimatedCost: number;
  reason: string;
}

export interface NodeAction {
  nodeId: string;
  action: "power-down" | "wake" | "release";
  reason: string;
}

export interface ClientShare {
  clientId: string;
  guaranteedSlots: number;
  maxSlots: number;
  demandSlots: number;
  usedSlots: number;
  /** Slots used beyond the guarantee (lent by others). */
  borrowedSlots: number;
}

/** Which planner produced this plan, and the LP's size and status when it ran. */
export interface PlannerRun {
  mode: "lp" | "greedy";
  reason: string;
  lp?: { status: string; columns: number; rows: number; nonzeros: number; groups: number; resources: number; slots: number };
}

export interface Plan {
  at: number;
  jobs: JobDecision[];
  assignments: Assignment[];
  preemptions: Preemption[];
  burst: BurstRequest[];
  nodeActions: NodeAction[];
  shares: ClientShare[];
  /** Problems with the input that did not stop planning (e.g. a dependency cycle). */
  warnings: string[];
  /** The LP of record, or the greedy passes (no solver, or it failed or ran out of time: then a warning says so). */
  planner?: PlannerRun;
}
