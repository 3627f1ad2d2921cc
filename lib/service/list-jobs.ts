import { assertCanSeeClient, type Actor } from "./actor.ts";
import { ValidationError } from "./errors.ts";
import { jobView } from "./job-view.ts";
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

const statuses: JobStatus[] = ["queued", "running", "suspended", "done", "failed", "canceled"];

/**
 * Newest first. Clients see only their own jobs (their id is the default filter; naming another
 * client is Forbidden). Operators without a client filter list open jobs, or the given status.
 */
export async function listJobs(deps: ServiceDeps, input: ListJobsInput, actor: Actor): Promise<Page<JobView>> {
  const limit = input.limit ?? 25;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new ValidationError("limit", "must be an integer from 1 to 100");
  if (input.status !== undefined && !statuses.includes(input.status)) throw new ValidationError("status", `must be one of ${statuses.join(", ")}`);
  const clientId = actor.kind === "client" ? input.clientId ?? actor.clientId : input.clientId;
  if (clientId !== undefined) assertCanSeeClient(actor, clientId);
  else if (actor.kind === "agent") assertCanSeeClient(actor, "");
  const page = await deps.jobs.list({
    limit, ...(clientId !== undefined ? { clientId } : {}), ...(input.status ? { status: input.status } : {}),
    ...(input.cursor ? { cursor: input.cursor } : {}),
  });
  const plan = await deps.plans.latest();
  const views = page.items.map((j) => jobView(j, plan?.decisions.find((d) => d.jobId === j.id), plan?.at))
    .filter((v) => input.status === undefined || v.status === input.status); // open jobs: their live status
  return page.cursor ? { items: views, cursor: page.cursor } : { items: views };
}
