import type { Actor } from "./actor.ts";
import type { ServiceDeps } from "./ports.ts";
import type { JobView } from "./views.ts";

/** Release the finals of a job held at its approval gate. ConflictError if it has no gate. */
export async function approvePreview(deps: ServiceDeps, input: { jobId: string }, actor: Actor): Promise<JobView> {
  void deps; void input; void actor;
  throw new Error("approvePreview: not implemented yet");
}
