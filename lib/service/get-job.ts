import type { Actor } from "./actor.ts";
import type { ServiceDeps } from "./ports.ts";
import type { JobView } from "./views.ts";

/** Status, progress, deadline outlook and why it is (not) running. NotFound/Forbidden. */
export async function getJob(deps: ServiceDeps, input: { jobId: string }, actor: Actor): Promise<JobView> {
  void deps; void input; void actor;
  throw new Error("getJob: not implemented yet");
}
