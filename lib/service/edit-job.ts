import type { Actor } from "./actor.ts";
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
  void deps; void input; void actor;
  throw new Error("editJob: not implemented yet");
}
