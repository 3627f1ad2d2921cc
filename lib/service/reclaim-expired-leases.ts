/**
 * Lapsed leases return their tasks to pending (see lease-book.ts for the lease length). Each
 * job is a conditional write, so a completion racing the reclaim is settled one way or the
 * other: either the completion lands first (task done) or the reclaim does (the late report
 * is stale and the agent is told to stop). Never both, never neither.
 */
import { taskId } from "../planner/index.ts";
import type { Actor } from "./actor.ts";
import { audit } from "./audit.ts";
import type { JobRecord, NodeRecord } from "./model.ts";
import { expireLeases } from "./lease-book.ts";
import type { ServiceDeps } from "./ports.ts";
import { renewedUntil } from "./snapshot.ts";

export async function reclaimExpiredLeases(
  deps: ServiceDeps, input: { jobs?: JobRecord[]; nodes?: NodeRecord[] } = {},
  actor: Actor = { kind: "system", component: "lease-reclaimer" },
): Promise<{ reclaimed: number; jobs: JobRecord[] }> {
  const now = deps.clock.now();
  const { policy } = await deps.plans.settings();
  const jobs = input.jobs ?? (await deps.jobs.listActive());
  const nodes = new Map((input.nodes ?? (await deps.nodes.list())).map((n) => [n.id, n]));
  let reclaimed = 0;
  const out: JobRecord[] = [];
  for (const j of jobs) {
    const liveness = (l: Parameters<typeof renewedUntil>[1]) => renewedUntil(nodes.get(l.nodeId), l, policy.leaseSec);
    if (!expireLeases(j, now, liveness).next) { out.push(j); continue; }
    // Re-check on the fresh record inside the conditional write.
    const { job, result: expired } = await deps.jobs.update(j.id, (cur) => {
      const r = expireLeases(cur, now, liveness);
      return { next: r.next, result: r.expired };
    });
    reclaimed += expired.length;
    out.push(job);
    for (const l of expired) {
      await audit(deps, actor, {
        clientId: job.clientId, action: "task.lease-expired", target: { type: "task", id: taskId(job.id, l.stepName, l.taskIndex) },
        before: { nodeId: l.nodeId, attempt: l.attempt, grantedAt: l.grantedAt }, after: { status: "pending" },
      });
    }
  }
  return { reclaimed, jobs: out };
}
