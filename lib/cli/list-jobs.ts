/**
 * Every job the caller may see. `GET /jobs` without a status lists the open jobs (queued, running,
 * suspended); finished ones are listed per status. Newest first, as the API orders each list.
 */
import type { ApiClient } from "../http/client/api-client.ts";

const closed = ["done", "failed", "canceled"] as const;

export async function listAllJobs<T extends { submittedAt: string }>(api: ApiClient, filter: { clientId?: string; status?: string } = {}, max = 10_000): Promise<T[]> {
  if (filter.status) return api.all<T>("/jobs", filter, max);
  const lists = await Promise.all([undefined, ...closed].map((status) => api.all<T>("/jobs", { clientId: filter.clientId, status }, max)));
  return lists.flat().sort((a, b) => Date.parse(b.submittedAt) - Date.parse(a.submittedAt)).slice(0, max);
}
