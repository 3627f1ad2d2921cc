import type { Actor } from "./actor.ts";
import { audit, jobAuditFields } from "./audit.ts";
import { ValidationError } from "./errors.ts";
import { statusOf } from "./lease-book.ts";
import { loadJobFor, viewWithPlan } from "./load-job.ts";
import type { ServiceDeps } from "./ports.ts";
import type { JobView } from "./views.ts";

export interface EditJobInput {
  jobId: string;
  /** ISO 8601 with offset, or null to remove the deadline. Must be in the future. */
  deadline?: string | null;
  priority?: number;
  suspended?: boolean;
  /** Optimistic concurrency: refuse if the job changed since this version. */
  expectedVersion?: number;
}

/** Changes scheduling fields and requests a plan now (a deadline edit reorders within seconds). */
export async function editJob(deps: ServiceDeps, input: EditJobInput, actor: Actor): Promise<JobView> {
  const current = await loadJobFor(deps, input.jobId, actor);
  const now = deps.clock.now();
  let deadlineAt: number | null | undefined;
  if (input.deadline !== undefined) {
    deadlineAt = input.deadline === null ? null : Date.parse(input.deadline);
    if (deadlineAt !== null && !Number.isFinite(deadlineAt)) throw new ValidationError("deadline", "is not a valid ISO 8601 date-time");
    if (deadlineAt !== null && deadlineAt <= now) throw new ValidationError("deadline", `${input.deadline} is in the past`);
  }
  if (input.priority !== undefined && (!Number.isInteger(input.priority) || input.priority < 0 || input.priority > 100)) {
    throw new ValidationError("priority", "must be an integer from 0 to 100");
  }
  if (input.deadline === undefined && input.priority === undefined && input.suspended === undefined) {
    throw new ValidationError("", "nothing to change: give deadline, priority or suspended");
  }
  // One conditional write without a read: concurrent edits all land (the last one wins each field).
  const set = {
    ...(deadlineAt !== undefined ? { deadlineAt } : {}),
    ...(input.priority !== undefined ? { priority: input.priority } : {}),
    ...(input.suspended !== undefined ? { suspended: input.suspended, status: statusOf({ ...current, suspended: input.suspended }) } : {}),
  };
  const { before: old, after } = await deps.jobs.patch(input.jobId, { set }, {
    openOnly: true, ...(input.expectedVersion !== undefined ? { expectedVersion: input.expectedVersion } : {}),
  });
  const before = jobAuditFields(old);
  const job = { ...after, steps: current.steps, status: statusOf({ ...current, ...after, steps: current.steps }) };
  const action = input.suspended === true ? "job.suspend" : input.suspended === false ? "job.resume" : "job.edit";
  await audit(deps, actor, { clientId: job.clientId, action, target: { type: "job", id: job.id }, before, after: jobAuditFields(job) });
  await deps.trigger.requestPlan(`job ${job.id} edited`, now);
  return viewWithPlan(deps, { ...current, ...job, steps: current.steps });
}
