/** `submit --wait` / `job ID --watch`: progress bars until every job is finished. */
import type { ApiClient } from "../http/client/api-client.ts";
import type { CliContext } from "./cli-context.ts";
import { ProgressView, type JobSnapshot } from "./progress-view.ts";

const finished = (s: string) => s === "done" || s === "failed" || s === "canceled";

export async function watchJobs(ctx: CliContext, api: ApiClient, ids: readonly string[], everyMs = 1000): Promise<JobSnapshot[]> {
  const view = new ProgressView(ctx.io.err as NodeJS.WriteStream);
  try {
    for (;;) {
      const jobs = await Promise.all(ids.map((id) => api.get<JobSnapshot>(`/jobs/${encodeURIComponent(id)}`)));
      view.update(jobs);
      if (jobs.every((j) => finished(j.status))) return jobs;
      await ctx.sleep(everyMs);
    }
  } finally {
    view.stop();
  }
}
