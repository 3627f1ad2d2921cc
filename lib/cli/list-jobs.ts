/**
 * Every job the caller may see. `GET /jobs` without a status lists the open jobs (queued, running,
 * suspended); finished ones are listed per status. Newest first, as the API orders each list.
 *
 * The lists are separate queries, so a job that changes list between them (a render finishing,
 * requeue-failed reopening one) could be in neither: the open jobs are listed before and after the
 * finished ones, and per job the listing read last wins. A job that moved once is seen; none is
 * listed twice. (Listed in parallel, the demo's end-to-end test once lost a job that finished
 * between the queries, and `jobs` said every job was done while one was missing.)
 */
import type { ApiClient } from "../http/client/api-client.ts";

const closed = ["done", "failed", "canceled"] as const;

type Listed = { id: string; submittedAt: string };

export async function listAllJobs<T extends Listed>(api: Pick<ApiClient, "all">, filter: { clientId?: string; status?: string } = {}, max = 10_000): Promise<T[]> {
  if (filter.status) return api.all<T>("/jobs", filter, max);
  const open = () => api.all<T>("/jobs", { clientId: filter.clientId, status: undefined }, max);
  const before = await open();
  const finished = await Promise.all(closed.map((status) => api.all<T>("/jobs", { clientId: filter.clientId, status }, max)));
  const after = await open();
  const byId = new Map<string, T>();
  for (const j of [...before, ...finished.flat(), ...after]) byId.set(j.id, j);
  return [...byId.values()].sort((a, b) => Date.parse(b.submittedAt) - Date.parse(a.submittedAt)).slice(0, max);
}
