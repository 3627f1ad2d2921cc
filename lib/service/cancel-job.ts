import type { Actor } from "./actor.ts";
import { audit, jobAuditFields } from "./audit.ts";
import { ConflictError } from "./errors.ts";
import { loadJobFor, viewWithPlan } from "./load-job.ts";
import type { ServiceDeps } from "./ports.ts";
import type { JobView } from "./views.ts";

/**
 * Cancel. Idempotent (canceling a canceled job changes nothing). One conditional write of the
 * header; every node running one of its tasks finds a cancel notice in its inbox at its next
 * poll, and the next planning cycle ends the leases in the task shards.
 */
export async function cancelJob(deps: ServiceDeps, input: { jobId: string }, actor: Actor): Promise<JobView> {
  const current = await loadJobFor(deps, input.jobId, actor);
  if (current.status === "canceled") return viewWithPlan(deps, current);
  if (current.status === "done" || current.status === "failed") throw new ConflictError(`job ${current.id} is already ${current.status}`);
  const now = deps.clock.now();
  const { before, after } = await deps.jobs.patch(input.jobId, { set: { status: "canceled", finishedAt: now } }, { openOnly: true })
    .catch(async (err: unknown) => {
      const again = await deps.jobs.get(input.jobId);
      if (again?.status === "canceled") return { before: again, after: again }; // canceled meanwhile
      throw err;
    });
  if (before.status === "canceled") return viewWithPlan(deps, { ...current, ...after, steps: current.steps });
  const leases = current.steps.flatMap((s) => s.leases.map((l) => ({ s, l })));
  await deps.nodes.deliver(leases.map(({ s, l }) => ({
    nodeId: l.nodeId, kind: "cancel" as const, jobId: current.id, stepName: s.name, taskIndex: l.taskIndex, token: l.token,
    queued: l.queued, estimatedSec: 0, reason: "job canceled", at: now,
  })));
  await audit(deps, actor, { clientId: current.clientId, action: "job.cancel", target: { type: "job", id: current.id }, before: jobAuditFields(before), after: { ...jobAuditFields(after), runningTasksStopped: leases.length } });
  await deps.trigger.requestPlan(`job ${current.id} canceled`, now);
  return viewWithPlan(deps, { ...current, ...after, steps: current.steps, shards: current.shards ?? [] });
}
