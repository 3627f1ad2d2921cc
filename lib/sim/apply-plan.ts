/**
 * Carry out a Plan the way agents and the EC2 adapter would: preemptions (checkpointable
 * work only), node actions, assignments (start now, or queue behind the node's current
 * work), burst requests. Anything an agent would refuse is refused and counted, never
 * silently fixed.
 */
import type { Plan } from "../planner/index.ts";
import { launch, terminate } from "./cloud.ts";
import { abandonAttempt, cannotStart, startAttempt, startQueued } from "./tasks.ts";
import type { Ctx } from "./context.ts";

function stepIndexOf(ctx: Ctx, jobId: string, stepName: string): number {
  return ctx.st.jobs.get(jobId)?.steps.findIndex((s) => s.spec.name === stepName) ?? -1;
}

function reject(ctx: Ctx, what: string): void {
  ctx.meter.tally.rejectedAssignments++;
  if (ctx.warnings.length < 50 && !ctx.warnings.includes(what)) ctx.warnings.push(what);
}

export function applyPlan(ctx: Ctx, plan: Plan): void {
  const { st, meter } = ctx;
  ctx.outcomes = new Map(plan.jobs.map((d) => [d.jobId, d.outcome]));
  for (const p of plan.preemptions) {
    const node = st.nodes.get(p.nodeId);
    const a = node?.running.find((x) => `${x.jobId}:${st.jobs.get(x.jobId)!.steps[x.stepIndex]!.spec.name}:${x.taskIndex}` === p.taskId);
    if (!node || !a) continue;
    if (!st.jobs.get(a.jobId)!.steps[a.stepIndex]!.spec.checkpointable) { meter.tally.rejectedPreemptions++; continue; }
    abandonAttempt(ctx, node, a, true);
  }
  for (const act of plan.nodeActions) {
    const node = st.nodes.get(act.nodeId);
    if (!node) continue;
    if (act.action === "power-down" && node.pool === "onprem" && node.status === "ready" && node.running.length === 0) {
      node.status = "asleep";
      node.queue = [];
      node.epoch++;
      meter.forgetGap(node.id);
    } else if (act.action === "wake" && node.status === "asleep") {
      node.status = "booting";
      node.readyAt = st.now + node.wakeSec * 1000;
      ctx.heap.push({ at: node.readyAt, rank: 0, type: "node-ready", nodeId: node.id, epoch: node.epoch });
    } else if (act.action === "release" && node.pool === "cloud" && node.running.length === 0) {
      // Rent, then release unused: the boot bought nothing (the cloud cost alone hides it).
      if (node.awaitingFirstTask) meter.tally.unusedRentals++;
      terminate(ctx, node);
    }
    meter.markDirty();
  }
  for (const n of st.nodes.values()) n.queue = [];
  for (const a of plan.assignments) {
    const node = st.nodes.get(a.nodeId);
    const k = stepIndexOf(ctx, a.jobId, a.stepName);
    if (!node || k < 0) { reject(ctx, `assignment to unknown node ${a.nodeId} or step ${a.jobId}:${a.stepName}`); continue; }
    if (a.queued) { node.queue.push({ jobId: a.jobId, stepIndex: k, taskIndex: a.taskIndex }); continue; }
    const why = cannotStart(ctx, node, a.jobId, k, a.taskIndex);
    if (why) { reject(ctx, `assignment ${a.taskId} → ${a.nodeId} refused: ${why}`); continue; }
    startAttempt(ctx, node, a.jobId, k, a.taskIndex);
  }
  for (const n of st.nodes.values()) startQueued(ctx, n);
  for (const b of plan.burst) launch(ctx, b);
}
