/**
 * Terminal reports from agents (also reached through pollAgent). Accepted once, through a
 * conditional write on the job; usage is added only for the accepted report, so a duplicate
 * delivery neither double-completes nor double-bills.
 */
import { parseTaskId } from "../planner/index.ts";
import { assertAgent, type Actor } from "./actor.ts";
import { audit } from "./audit.ts";
import { NotFoundError, StaleLeaseError, ValidationError } from "./errors.ts";
import { settleLease, type SettleResult, type TaskOutcome } from "./lease-book.ts";
import type { ServiceDeps } from "./ports.ts";
import { attemptUsage, dayOf } from "./usage.ts";
import { learnedNode, spendCloudBudget } from "./learn-from-attempt.ts";
import { recordJobCost } from "./monitor/job-costs.ts";

export interface SettleTaskInput {
  nodeId: string;
  taskId: string;
  token: string;
  startedAt?: number;
  endedAt?: number;
  message?: string;
}

/** A task finished. Accepted once; the same report again is "duplicate"; a stale token throws StaleLeaseError. */
export function completeTask(deps: ServiceDeps, input: SettleTaskInput, actor: Actor): Promise<{ result: SettleResult }> {
  return settleTask(deps, input, "succeeded", actor);
}

/** A task failed (`failed` counts against retries) or was interrupted (spot, drain: does not count). */
export function failTask(deps: ServiceDeps, input: SettleTaskInput & { kind: "failed" | "interrupted" }, actor: Actor): Promise<{ result: SettleResult }> {
  return settleTask(deps, input, input.kind, actor);
}

export function parseTaskRef(taskId: string): ReturnType<typeof parseTaskId> {
  try { return parseTaskId(taskId); } catch (err) {
    throw new ValidationError("taskId", `"${taskId}" is not jobId:stepName:taskIndex`, { cause: err });
  }
}

async function settleTask(deps: ServiceDeps, input: SettleTaskInput, outcome: TaskOutcome, actor: Actor): Promise<{ result: SettleResult }> {
  assertAgent(actor, input.nodeId);
  const ref = parseTaskRef(input.taskId);
  const { policy, tariff } = await deps.plans.settings();
  const now = deps.clock.now();
  let settled;
  try {
    settled = await deps.jobs.update(ref.jobId, (j) => {
      const r = settleLease(j, {
        nodeId: input.nodeId, stepName: ref.stepName, taskIndex: ref.taskIndex, token: input.token, outcome, now,
        retriesPerTask: policy.failures.retriesPerTask, errorsPerJob: policy.failures.errorsPerJob,
      });
      return { next: r.next, result: r };
    });
  } catch (err) {
    if (err instanceof NotFoundError) throw new StaleLeaseError(input.taskId, input.token);
    throw err;
  }
  const { job, result: r } = settled;
  if (r.result === "stale") {
    const step = job.steps.find((s) => s.name === ref.stepName);
    throw new StaleLeaseError(input.taskId, input.token, step?.leases.find((l) => l.taskIndex === ref.taskIndex));
  }
  if (r.result === "accepted" && r.lease) {
    const node = await deps.nodes.get(input.nodeId);
    const startedAt = Math.max(r.lease.grantedAt, input.startedAt ?? r.lease.grantedAt);
    const endedAt = Math.min(now, Math.max(startedAt, input.endedAt ?? now));
    const used = attemptUsage(node, startedAt, endedAt, tariff, outcome === "succeeded");
    await deps.usage.add(job.clientId, dayOf(endedAt), used);
    await recordJobCost(deps, job, used);
    await spendCloudBudget(deps, job.clientId, used.cloudCost);
    const step = job.steps.find((s) => s.name === ref.stepName)!;
    if (node) {
      await deps.nodes.update(node.id, (n) => ({
        next: learnedNode(n, { jobId: job.id, step, outcome, seconds: (endedAt - startedAt) / 1000, policy }), result: null,
      }));
    }
    await audit(deps, actor, {
      clientId: job.clientId, action: `task.${outcome}`, target: { type: "task", id: input.taskId },
      after: { nodeId: input.nodeId, attempt: r.lease.attempt, jobStatus: job.status, ...(input.message ? { message: input.message.slice(0, 500) } : {}) },
    });
    if (job.status !== "running" && job.status !== "queued") {
      await audit(deps, actor, { clientId: job.clientId, action: `job.${job.status}`, target: { type: "job", id: job.id }, after: { status: job.status } });
    }
    await deps.trigger.requestPlan(`task ${input.taskId} ${outcome}`, now);
  }
  return { result: r.result };
}
