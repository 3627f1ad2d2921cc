/**
 * Preemptions (the planner emits them only for checkpointable work, to return borrowed
 * capacity): the attempt is settled as interrupted — it does not count against retries — so
 * its task is pending again and the agent, whose token is no longer current, is told to stop
 * (and checkpoint) in its next poll reply.
 */
import { parseTaskId, type Policy, type Preemption } from "../planner/index.ts";
import type { Actor } from "./actor.ts";
import { audit } from "./audit.ts";
import { settleLease } from "./lease-book.ts";
import type { ServiceDeps } from "./ports.ts";

export async function applyPreemptions(deps: ServiceDeps, preemptions: Preemption[], policy: Policy, actor: Actor): Promise<number> {
  let applied = 0;
  for (const p of preemptions) {
    const ref = parseTaskId(p.taskId);
    const { job, result } = await deps.jobs.update(ref.jobId, (j) => {
      const lease = j.steps.find((s) => s.name === ref.stepName)?.leases.find((l) => l.taskIndex === ref.taskIndex && l.nodeId === p.nodeId);
      if (!lease) return { next: null, result: false };
      const r = settleLease(j, {
        nodeId: p.nodeId, stepName: ref.stepName, taskIndex: ref.taskIndex, token: lease.token, outcome: "interrupted",
        now: deps.clock.now(), retriesPerTask: policy.failures.retriesPerTask, errorsPerJob: policy.failures.errorsPerJob,
      });
      return { next: r.next, result: r.result === "accepted" };
    }).catch(() => ({ job: null, result: false }));
    if (result && job) {
      applied++;
      await audit(deps, actor, { clientId: job.clientId, action: "task.preempted", target: { type: "task", id: p.taskId }, before: { nodeId: p.nodeId }, after: { status: "pending", reason: p.reason } });
    }
  }
  return applied;
}
