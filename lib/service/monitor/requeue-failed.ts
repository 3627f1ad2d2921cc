/**
 * Requeue a job's failed tasks (out of retries): they return to pending with fresh retry
 * counts, and the job's error count restarts, so a wrangler who fixed the cause (a bad node, a
 * missing asset) can run them again without resubmitting. A canceled job stays canceled.
 */
import type { Actor } from "../actor.ts";
import { audit, jobAuditFields } from "../audit.ts";
import { ConflictError } from "../errors.ts";
import { loadJobFor, viewWithPlan } from "../load-job.ts";
import type { ServiceDeps } from "../ports.ts";
import { countRanges } from "../ranges.ts";
import { requeueExhaustedTasks } from "../tasks/requeue-exhausted.ts";
import type { JobView } from "../views.ts";

export async function requeueFailed(deps: ServiceDeps, input: { jobId: string }, actor: Actor): Promise<JobView> {
  const before = await loadJobFor(deps, input.jobId, actor);
  if (before.status === "canceled") throw new ConflictError(`job ${before.id} is canceled`);
  const failed = before.steps.reduce((n, s) => n + countRanges(s.exhausted), 0);
  if (failed === 0) return viewWithPlan(deps, before);
  // Task state lives in the job's shards: they reopen first, then the header (tasks/requeue-exhausted.ts).
  const requeued = await requeueExhaustedTasks(deps, before);
  const job = (await deps.jobs.get(before.id)) ?? before;
  await audit(deps, actor, {
    clientId: job.clientId, action: "job.requeue-failed", target: { type: "job", id: job.id },
    before: jobAuditFields(before), after: { ...jobAuditFields(job), requeued },
  });
  await deps.trigger.requestPlan(`job ${job.id} failed tasks requeued`, deps.clock.now());
  return viewWithPlan(deps, job);
}
