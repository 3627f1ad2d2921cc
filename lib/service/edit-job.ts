import type { Actor } from "./actor.ts";
import { audit, jobAuditFields } from "./audit.ts";
import { ConflictError, ValidationError } from "./errors.ts";
import { statusOf } from "./lease-book.ts";
import { loadJobFor, viewWithPlan } from "./load-job.ts";
import { isActive } from "./model.ts";
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
  await loadJobFor(deps, input.jobId, actor);
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
  const { job, result: before } = await deps.jobs.update(input.jobId, (j) => {
    if (input.expectedVersion !== undefined && j.version !== input.expectedVersion) {
      throw new ConflictError(`job ${j.id} is at version ${j.version}, not ${input.expectedVersion}`, j);
    }
    if (!isActive(j.status)) throw new ConflictError(`job ${j.id} is ${j.status}; only open jobs can be edited`);
    const next = structuredClone(j);
    if (deadlineAt !== undefined) next.deadlineAt = deadlineAt;
    if (input.priority !== undefined) next.priority = input.priority;
    if (input.suspended !== undefined) next.suspended = input.suspended;
    next.status = statusOf(next);
    return { next, result: jobAuditFields(j) };
  });
  const action = input.suspended === true ? "job.suspend" : input.suspended === false ? "job.resume" : "job.edit";
  await audit(deps, actor, { clientId: job.clientId, action, target: { type: "job", id: job.id }, before, after: jobAuditFields(job) });
  await deps.trigger.requestPlan(`job ${job.id} edited`, now);
  return viewWithPlan(deps, job);
}
