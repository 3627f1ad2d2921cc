/**
 * EC2's notices about a cloud node, from EventBridge (AWS) or the simulated cloud (local):
 *   interruption  "EC2 Spot Instance Interruption Warning" — two minutes left. The node drains
 *                 (desired status `stop`: no new work, its agent is told at its next poll), and
 *                 every task it holds or was granted is settled `interrupted` now — pending again,
 *                 never counted against retries — so the next plan places it elsewhere without
 *                 waiting for the agent (which may never poll again). Its stale token makes the
 *                 agent's later report a no-op.
 *   rebalance     "EC2 Instance Rebalance Recommendation" — elevated risk. The node is flagged
 *                 (`cloud.rebalanceAt`); the snapshot passes the flag and the planner gives it
 *                 no long tasks.
 * Idempotent: a redelivered notice finds nothing left to requeue.
 */
import { taskId as taskIdOf, type Preemption } from "../../planner/index.ts";
import type { Actor } from "../actor.ts";
import { applyPreemptions } from "../apply-preemptions.ts";
import { audit } from "../audit.ts";
import type { ServiceDeps } from "../ports.ts";

export interface CloudNotice {
  instanceId: string;
  kind: "interruption" | "rebalance";
  /** When EC2 sent it (epoch ms). */
  at: number;
}

export interface NoticeResult {
  nodeId: string;
  /** False for an instance burstfarm did not launch (another fleet in the account). */
  known: boolean;
  requeued: number;
}

export async function handleCloudNotice(deps: ServiceDeps, notice: CloudNotice, actor: Actor): Promise<NoticeResult> {
  const node = await deps.nodes.get(notice.instanceId);
  if (!node || node.pool !== "cloud" || !node.cloud) return { nodeId: notice.instanceId, known: false, requeued: 0 };
  const now = deps.clock.now();
  const { node: updated } = await deps.nodes.update(node.id, (n) => {
    const cloud = n.cloud!;
    if (notice.kind === "rebalance") return cloud.rebalanceAt ? { next: null, result: null } : { next: { ...n, cloud: { ...cloud, rebalanceAt: notice.at } }, result: null };
    if (cloud.interruptedAt) return { next: null, result: null };
    return { next: { ...n, status: "draining", desiredStatus: "stop", inbox: [], cloud: { ...cloud, interruptedAt: notice.at } }, result: null };
  });
  let requeued = 0;
  if (notice.kind === "interruption") {
    // Held tasks (reported at the last poll) and granted ones not yet handed over: every lease it has.
    const ids = new Set([...node.holding.map((h) => h.taskId), ...node.inbox.map((e) => taskIdOf(e.jobId, e.stepName, e.taskIndex))]);
    const preemptions: Preemption[] = [...ids].map((taskId) => ({ nodeId: node.id, taskId, reason: "spot interruption warning" }));
    const { policy } = await deps.plans.settings();
    requeued = await applyPreemptions(deps, preemptions, policy, actor);
  }
  await audit(deps, actor, {
    clientId: updated.clientId ?? null, action: `node.${notice.kind}`, target: { type: "node", id: node.id },
    after: { at: new Date(notice.at).toISOString(), requeued, status: updated.status },
  });
  await deps.trigger.requestPlan(`cloud ${notice.kind} ${node.id}`, now);
  return { nodeId: node.id, known: true, requeued };
}
