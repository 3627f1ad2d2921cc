import type { Actor } from "./actor.ts";
import { audit, jobAuditFields } from "./audit.ts";
import { ConflictError } from "./errors.ts";
import { loadJobFor, viewWithPlan } from "./load-job.ts";
import { isActive } from "./model.ts";
import type { ServiceDeps } from "./ports.ts";
import type { JobView } from "./views.ts";

/** Release the finals of a job held at its approval gate. Idempotent; ConflictError if it has no gate. */
export async function approvePreview(deps: ServiceDeps, input: { jobId: string }, actor: Actor): Promise<JobView> {
  await loadJobFor(deps, input.jobId, actor);
  const { job, result: before } = await deps.jobs.update(input.jobId, (j) => {
    if (j.preview.approval === "not-required") throw new ConflictError(`job ${j.id} has no approval gate`);
    if (j.preview.approval === "approved") return { next: null, result: null };
    if (!isActive(j.status)) throw new ConflictError(`job ${j.id} is ${j.status}`);
    const next = structuredClone(j);
    next.preview.approval = "approved";
    return { next, result: jobAuditFields(j) };
  });
  if (before) {
    await audit(deps, actor, { clientId: job.clientId, action: "job.approve-preview", target: { type: "job", id: job.id }, before, after: jobAuditFields(job) });
    await deps.trigger.requestPlan(`job ${job.id} preview approved`, deps.clock.now());
  }
  return viewWithPlan(deps, job);
}
