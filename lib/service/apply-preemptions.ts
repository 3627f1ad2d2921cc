/**
 * Preemptions (the planner emits them only for checkpointable work, to return borrowed
 * capacity): the attempt is settled as interrupted — through the same exactly-once settle an
 * agent uses, so it does not count against retries and the task is pending again after the next
 * fold — and the node finds a cancel notice in its inbox (stop and checkpoint).
 */
import { parseTaskId, type Policy, type Preemption } from "../planner/index.ts";
import type { Actor } from "./actor.ts";
import { audit } from "./audit.ts";
import type { JobRecord } from "./model.ts";
import type { ServiceDeps } from "./ports.ts";
import { shardNoOf } from "./tasks/shard-book.ts";

/**
 * `known`: jobs already read (the planning cycle's snapshot); others are read here (a cloud
 * interruption notice). `_policy` is kept for callers: an interruption never counts a retry.
 */
export async function applyPreemptions(deps: ServiceDeps, preemptions: Preemption[], _policy: Policy, actor: Actor, known: JobRecord[] = []): Promise<number> {
  const byId = new Map(known.map((j) => [j.id, j]));
  for (const id of new Set(preemptions.map((p) => parseTaskId(p.taskId).jobId))) {
    if (!byId.has(id)) { const j = await deps.jobs.get(id); if (j) byId.set(id, j); }
  }
  const now = deps.clock.now();
  const applied = await Promise.all(preemptions.map(async (p) => {
    const ref = parseTaskId(p.taskId);
    const job = byId.get(ref.jobId);
    const lease = job?.steps.find((s) => s.name === ref.stepName)?.leases.find((l) => l.taskIndex === ref.taskIndex && l.nodeId === p.nodeId);
    if (!job || !lease) return false;
    const r = await deps.tasks.settle(
      { jobId: job.id, stepName: ref.stepName, shardNo: shardNoOf(ref.taskIndex), taskIndex: ref.taskIndex, token: lease.token, nodeId: p.nodeId },
      { outcome: "interrupted", at: now, message: `preempted: ${p.reason}`.slice(0, 100) },
    ).catch(() => ({ accepted: false as const }));
    if (!r.accepted) return false;
    await deps.nodes.deliver([{ nodeId: p.nodeId, kind: "cancel", jobId: job.id, stepName: ref.stepName, taskIndex: ref.taskIndex, token: lease.token, queued: lease.queued, estimatedSec: 0, reason: `preempted: ${p.reason}`, at: now }]);
    await audit(deps, actor, { clientId: job.clientId, action: "task.preempted", target: { type: "task", id: p.taskId }, before: { nodeId: p.nodeId }, after: { status: "pending", reason: p.reason } });
    return true;
  }));
  return applied.filter(Boolean).length;
}
