import { assertCanSeeClient, type Actor } from "./actor.ts";
import { NotFoundError } from "./errors.ts";
import { jobView } from "./job-view.ts";
import type { JobRecord, PlanRecord } from "./model.ts";
import type { ServiceDeps } from "./ports.ts";
import type { JobView } from "./views.ts";

/** Load a job the actor may see: NotFoundError, or ForbiddenError for another client's job. */
export async function loadJobFor(deps: ServiceDeps, jobId: string, actor: Actor): Promise<JobRecord> {
  const job = await deps.jobs.get(jobId);
  if (!job) throw new NotFoundError("job", jobId);
  assertCanSeeClient(actor, job.clientId);
  return job;
}

/** The view with the last plan's decision for this job (why it is or is not running). */
export async function viewWithPlan(deps: ServiceDeps, job: JobRecord, plan?: PlanRecord): Promise<JobView> {
  const p = plan ?? (await deps.plans.latest());
  return jobView(job, p?.decisions.find((d) => d.jobId === job.id), p?.at);
}
