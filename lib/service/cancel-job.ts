import type { Actor } from "./actor.ts";
import { audit, jobAuditFields } from "./audit.ts";
import { ConflictError } from "./errors.ts";
import { cancelJobRecord } from "./lease-book.ts";
import { loadJobFor, viewWithPlan } from "./load-job.ts";
import type { ServiceDeps } from "./ports.ts";
import type { JobView } from "./views.ts";

/**
 * Cancel. Idempotent (canceling a canceled job changes nothing). Its leases are dropped, so each
 * agent running one is told to stop in its next poll reply (the token no longer matches).
 */
export async function cancelJob(deps: ServiceDeps, input: { jobId: string }, actor: Actor): Promise<JobView> {
  const current = await loadJobFor(deps, input.jobId, actor);
  if (current.status === "canceled") return viewWithPlan(deps, current);
  const { job, result } = await deps.jobs.update(input.jobId, (j) => {
    if (j.status === "done" || j.status === "failed") throw new ConflictError(`job ${j.id} is already ${j.status}`);
    const { next, stopped } = cancelJobRecord(j, deps.clock.now());
    return { next, result: { changed: next !== null, before: jobAuditFields(j), stopped: stopped.length } };
  });
  if (result.changed) {
    await audit(deps, actor, { clientId: job.clientId, action: "job.cancel", target: { type: "job", id: job.id }, before: result.before, after: { ...jobAuditFields(job), runningTasksStopped: result.stopped } });
    await deps.trigger.requestPlan(`job ${job.id} canceled`, deps.clock.now());
  }
  return viewWithPlan(deps, job);
}
