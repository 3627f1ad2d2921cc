import type { Actor } from "./actor.ts";
import type { ServiceDeps } from "./ports.ts";
import type { JobView } from "./views.ts";

/** Cancel; running frames are told to stop in their agent's next poll reply. Idempotent. */
export async function cancelJob(deps: ServiceDeps, input: { jobId: string }, actor: Actor): Promise<JobView> {
  void deps; void input; void actor;
  throw new Error("cancelJob: not implemented yet");
}
