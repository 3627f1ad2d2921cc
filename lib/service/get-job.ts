import type { Actor } from "./actor.ts";
import { loadJobFor, viewWithPlan } from "./load-job.ts";
import type { ServiceDeps } from "./ports.ts";
import type { JobView } from "./views.ts";

/** Status, progress, deadline outlook and why it is (not) running. NotFound/Forbidden. */
export async function getJob(deps: ServiceDeps, input: { jobId: string }, actor: Actor): Promise<JobView> {
  return viewWithPlan(deps, await loadJobFor(deps, input.jobId, actor));
}
