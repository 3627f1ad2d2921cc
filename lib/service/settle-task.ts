/**
 * Terminal reports from agents (also reached through pollAgent). A report is ONE conditional
 * write of its own attribute in the task's shard (TaskStore.settle) — plus, for a success that
 * lists its frames, one conditional put of its own outputs item (monitor/task-outputs.ts): accepted exactly once
 * while the lease is this node's, with no read and no contention with other reports — 500
 * agents finishing frames of one job at once all land. The planner folds accepted reports into
 * the task state, the job's status, usage and the audit log (fold-task-reports.ts).
 */
import { parseTaskId } from "../planner/index.ts";
import { assertAgent, type Actor } from "./actor.ts";
import { StaleLeaseError, ValidationError } from "./errors.ts";
import type { SettleReport, ShardLease, ShardRecord } from "./model.ts";
import type { ServiceDeps } from "./ports.ts";
import { leaseRecordOf, refusal, settleMessageChars, shardNoOf, type SettleResult, type TaskOutcome } from "./tasks/shard-book.ts";
import { learnedNode } from "./learn-from-attempt.ts";
import { attemptSpan } from "./tasks/attempt-runtime.ts";
import { recordTaskOutputs, type FrameOutput } from "./monitor/task-outputs.ts";

export interface SettleTaskInput {
  nodeId: string;
  taskId: string;
  token: string;
  startedAt?: number;
  endedAt?: number;
  message?: string;
  /** A success's latest frames (the monitor's thumbnails). */
  outputs?: readonly FrameOutput[];
}

export type { SettleResult, TaskOutcome };

/** A task finished. Accepted once; the same report again is "duplicate"; a stale token throws StaleLeaseError. */
export async function completeTask(deps: ServiceDeps, input: SettleTaskInput, actor: Actor): Promise<{ result: SettleResult }> {
  return learnOutsidePoll(deps, input, await recordSettle(deps, input, "succeeded", actor), "succeeded");
}

/** A task failed (`failed` counts against retries) or was interrupted (spot, drain: does not count). */
export async function failTask(deps: ServiceDeps, input: SettleTaskInput & { kind: "failed" | "interrupted" }, actor: Actor): Promise<{ result: SettleResult }> {
  return learnOutsidePoll(deps, input, await recordSettle(deps, input, input.kind, actor), input.kind);
}

export function parseTaskRef(taskId: string): ReturnType<typeof parseTaskId> {
  try { return parseTaskId(taskId); } catch (err) {
    throw new ValidationError("taskId", `"${taskId}" is not jobId:stepName:taskIndex`, { cause: err });
  }
}

export interface Settled {
  result: SettleResult;
  /** For an accepted report: the lease it ended and its shard (kind, task work), for learning. */
  lease?: ShardLease;
  shard?: ShardRecord;
  seconds?: number;
}

/** The one write of a settle. A refused report is a duplicate (already recorded) or stale. */
export async function recordSettle(deps: ServiceDeps, input: SettleTaskInput, outcome: TaskOutcome, actor: Actor): Promise<Settled> {
  assertAgent(actor, input.nodeId);
  const ref = parseTaskRef(input.taskId);
  const now = deps.clock.now();
  const report: SettleReport = {
    outcome, at: now,
    ...(input.startedAt !== undefined ? { startedAt: input.startedAt } : {}),
    ...(input.endedAt !== undefined ? { endedAt: input.endedAt } : {}),
    ...(input.message ? { message: input.message.slice(0, settleMessageChars) } : {}),
    ...(actor.requestId ? { requestId: actor.requestId.slice(0, 64) } : {}), // bounded: it sits in the shard until folded
  };
  const r = await deps.tasks.settle({
    jobId: ref.jobId, stepName: ref.stepName, shardNo: shardNoOf(ref.taskIndex), taskIndex: ref.taskIndex, token: input.token, nodeId: input.nodeId,
  }, report);
  // The frames of a success, first time or replayed (a replay after a lost write fills the gap).
  const outputs = () => (outcome === "succeeded" ? recordTaskOutputs(deps, input) : Promise.resolve(false));
  if (r.accepted) {
    await outputs();
    const { startedAt, endedAt } = attemptSpan(r.lease.grantedAt, report);
    return { result: "accepted", lease: r.lease, shard: r.shard, seconds: (endedAt - startedAt) / 1000 };
  }
  const why = refusal(r.shard, input.token);
  if (why.result === "duplicate") {
    await outputs();
    return { result: "duplicate" };
  }
  const holder = r.shard && Object.entries(r.shard.leases).find(([, l]) => l.i === ref.taskIndex);
  throw new StaleLeaseError(input.taskId, input.token, holder ? leaseRecordOf(holder[0], holder[1]) : undefined);
}

/** Outside a poll (the agent-events queue) the node's learning is its own write. */
async function learnOutsidePoll(deps: ServiceDeps, input: SettleTaskInput, s: Settled, outcome: TaskOutcome): Promise<{ result: SettleResult }> {
  if (s.result === "accepted" && s.shard) {
    const { policy } = await deps.plans.settings();
    const step = { kind: s.shard.kind, secondsPerFrame: s.shard.taskSec, framesPerTask: 1 };
    await deps.nodes.update(input.nodeId, (n) => ({ next: learnedNode(n, { jobId: s.shard!.jobId, step, outcome, seconds: s.seconds ?? 0, policy }), result: null }))
      .catch(() => undefined); // learning is best effort; the report itself is recorded
    await deps.trigger.requestPlan(`task ${input.taskId} ${outcome}`, deps.clock.now());
  }
  return { result: s.result };
}
