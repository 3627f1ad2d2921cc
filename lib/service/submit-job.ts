/** Submit a job: native JSON form or an OpenJD template with parameter values. */
import type { Actor } from "./actor.ts";
import type { ServiceDeps } from "./ports.ts";
import type { JobView } from "./views.ts";

export interface SubmitJobInput {
  /** The native job form (job-spec.ts) or `{ template, parameters, ...scheduling fields }` (openjd-submission.ts). */
  body: unknown;
  /** Retries with the same key and body return the same job; another body is a ConflictError. */
  idempotencyKey?: string;
}

export async function submitJob(deps: ServiceDeps, input: SubmitJobInput, actor: Actor): Promise<{ job: JobView; created: boolean }> {
  void deps; void input; void actor;
  throw new Error("submitJob: not implemented yet");
}
