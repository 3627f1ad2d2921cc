/** What each job has cost so far: cloud (instance price × hours) and on-prem energy at the tariff. */
import { assertCanSeeClient, type Actor } from "../actor.ts";
import type { JobRecord, UsageDelta } from "../model.ts";
import type { ServiceDeps } from "../ports.ts";
import type { JobCost } from "./monitor-store.ts";

/** Called once per accepted attempt (settle-task), beside the per-client usage ledger. */
export async function recordJobCost(deps: ServiceDeps, job: Pick<JobRecord, "id" | "clientId">, used: UsageDelta): Promise<void> {
  await deps.monitor?.addJobCost({
    jobId: job.id, clientId: job.clientId, cloudCost: used.cloudCost, energyCost: used.energyCost,
    energyKWh: used.energyKWh, nodeHours: used.onpremNodeHours + used.cloudNodeHours,
  });
}

/** Costs of the named jobs; a job that has not run yet has no entry. A client asking about another client's job gets 403. */
export async function jobCosts(deps: ServiceDeps, input: { jobIds: readonly string[] }, actor: Actor): Promise<JobCost[]> {
  const costs = (await deps.monitor?.jobCosts(input.jobIds)) ?? [];
  for (const c of costs) assertCanSeeClient(actor, c.clientId);
  return costs;
}
