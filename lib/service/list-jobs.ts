import type { Actor } from "./actor.ts";
import type { JobStatus } from "./model.ts";
import type { Page, ServiceDeps } from "./ports.ts";
import type { JobView } from "./views.ts";

export interface ListJobsInput {
  clientId?: string;
  status?: JobStatus;
  /** 1..100, default 25 */
  limit?: number;
  cursor?: string;
}

/** Clients see only their own jobs (a clientId filter naming another client is Forbidden). */
export async function listJobs(deps: ServiceDeps, input: ListJobsInput, actor: Actor): Promise<Page<JobView>> {
  void deps; void input; void actor;
  throw new Error("listJobs: not implemented yet");
}
