/**
 * The agent's one call (DESIGN.md "Agent protocol"): heartbeat + progress + terminal reports
 * + assignment channel. The reply hands over leases the planner granted this node (until the
 * agent reports holding them), tells it to stop tasks whose lease is gone (the planner leaves a
 * cancel notice in the node's inbox when it expires, preempts or cancels one), and sets the next
 * poll and desired status.
 *
 * Requests: one Query (node + inbox), one conditional write per terminal report (its shard; a
 * success with frames also puts its outputs item),
 * one write of the node (renews every lease it reports holding — no read of any job), one
 * inbox clean-up batch when it picked up or finished something new, at most one plan trigger.
 */
import { taskId as taskIdOf } from "../planner/index.ts";
import { assertAgent, type Actor } from "./actor.ts";
import { NotFoundError, RetryableError, StaleLeaseError } from "./errors.ts";
import type { FrameOutput } from "./monitor/task-outputs.ts";
import type { HeldTask, InboxEntry, NodeRecord } from "./model.ts";
import type { ServiceDeps } from "./ports.ts";
import { idlePollSec } from "./register-agent.ts";
import { recordSettle, type Settled } from "./settle-task.ts";
import { learnedNode } from "./learn-from-attempt.ts";
import type { Assignment, PollReply } from "./views.ts";

export interface ReportedTask {
  taskId: string;
  token: string;
  state: "queued" | "running" | "succeeded" | "failed" | "interrupted";
  /** 0..1 */
  progress?: number;
  startedAt?: number;
  endedAt?: number;
  message?: string;
  /** A success's latest frames (recorded for the monitor). */
  outputs?: FrameOutput[];
}

export interface PollInput {
  nodeId: string;
  tasks: ReportedTask[];
  metrics?: { cpuPct: number; memoryPct: number };
  /** The agent is stopping (spot notice, shutdown): hand it nothing new. */
  stopping?: boolean;
}

const terminal = (t: ReportedTask) => t.state === "succeeded" || t.state === "failed" || t.state === "interrupted";

export async function pollAgent(deps: ServiceDeps, input: PollInput, actor: Actor): Promise<PollReply> {
  assertAgent(actor, input.nodeId);
  const node = await deps.nodes.get(input.nodeId);
  if (!node) throw new NotFoundError("node", input.nodeId);
  // In the order the plans made them (items come back in key order).
  const inbox = [...node.inbox].sort((a, b) => a.at - b.at || (a.seq ?? 0) - (b.seq ?? 0));
  const { policy } = await deps.plans.settings();
  const now = deps.clock.now();

  const acknowledged: PollReply["acknowledged"] = [];
  let learned: NodeRecord = node;
  const busy = new Set<string>();
  for (const t of input.tasks.filter(terminal)) {
    const settle = { nodeId: input.nodeId, taskId: t.taskId, token: t.token, ...(t.startedAt ? { startedAt: t.startedAt } : {}), ...(t.endedAt ? { endedAt: t.endedAt } : {}), ...(t.message ? { message: t.message } : {}), ...(t.outputs ? { outputs: t.outputs } : {}) };
    let r: Settled;
    try {
      r = await recordSettle(deps, settle, t.state as "succeeded" | "failed" | "interrupted", actor);
    } catch (err) {
      if (err instanceof StaleLeaseError) { acknowledged.push({ taskId: t.taskId, token: t.token, outcome: "stale" }); continue; }
      // Storage throttled: keep the heartbeat going and the lease held; the agent re-sends it.
      if (err instanceof RetryableError) { acknowledged.push({ taskId: t.taskId, token: t.token, outcome: "retry" }); busy.add(t.token); continue; }
      throw err;
    }
    acknowledged.push({ taskId: t.taskId, token: t.token, outcome: r.result });
    if (r.result === "accepted" && r.shard) {
      const step = { kind: r.shard.kind, secondsPerFrame: r.shard.taskSec, framesPerTask: 1 };
      learned = learnedNode(learned, { jobId: r.shard.jobId, step, outcome: t.state as "succeeded", seconds: r.seconds ?? 0, policy }) ?? learned;
    }
  }

  const cancels = new Map(inbox.filter((e) => e.kind === "cancel").map((e) => [e.token, e]));
  const live = input.tasks.filter((t) => t.state === "queued" || t.state === "running" || busy.has(t.token));
  const cancel: PollReply["cancel"] = [];
  const holding: HeldTask[] = [];
  for (const t of live) {
    const stop = cancels.get(t.token);
    if (stop) cancel.push({ taskId: t.taskId, token: t.token, reason: stop.reason ?? "lease no longer valid (expired, preempted or reassigned)" });
    else holding.push({ taskId: t.taskId, token: t.token, progress: clamp01(t.progress ?? 0), ...(t.startedAt ? { startedAt: t.startedAt } : {}) });
  }

  const reported = new Set(input.tasks.map((t) => t.token));
  const accepting = !input.stopping && node.status !== "disabled";
  const assignments: Assignment[] = [];
  const drop: Pick<InboxEntry, "kind" | "token">[] = [];
  for (const e of inbox) {
    // Grants: handed over until the agent reports the task, then removed (so the planner's node
    // query carries only undelivered ones; the fold removes those whose lease ended unreported).
    // Cancels: kept while the agent still reports the task, so a lost reply is repeated.
    if (e.kind === "grant" && (reported.has(e.token) || cancels.has(e.token))) drop.push(e);
    else if (e.kind === "cancel" && !reported.has(e.token)) drop.push(e);
    else if (e.kind === "grant" && accepting) assignments.push(assignmentOf(e));
  }

  const idle = holding.length === 0 && assignments.length === 0;
  await deps.nodes.touch(input.nodeId, {
    lastSeenAt: now, holding,
    ...(input.metrics ? { metrics: input.metrics } : {}),
    ...(node.status === "offline" || node.status === "booting" ? { status: "ready" as const } : {}),
    ...(idle && node.idleSince === undefined ? { idleSince: now } : {}),
    ...(learned !== node ? { speed: learned.speed, blocklist: learned.blocklist, ...(learned.failuresByJob ? { failuresByJob: learned.failuresByJob } : {}) } : {}),
  }, [...(!idle && node.idleSince !== undefined ? ["idleSince" as const] : []), ...(!idle && node.awaitingFirstTask ? ["awaitingFirstTask" as const] : [])]);
  // Grants leave the inbox only after the node's record holds their tasks: a run-spec fetch in between
  // (run-spec-access.ts: a grant or a holding of the job) would be refused, and the task bounce back.
  if (drop.length > 0) await deps.nodes.dropInbox(drop.map((e) => ({ nodeId: input.nodeId, kind: e.kind, token: e.token })));

  const settledSome = acknowledged.some((a) => a.outcome === "accepted");
  // One trigger per poll at most, and only when a slot frees with nothing queued for it: a
  // node with pre-assigned work needs no plan now (the next cycle folds its reports anyway).
  const freeSlot = holding.length + assignments.length < node.slots;
  if (settledSome && freeSlot) await deps.trigger.requestPlan(`node ${input.nodeId} settled ${acknowledged.filter((a) => a.outcome === "accepted").length} task(s)`, now);
  return {
    assignments, cancel, acknowledged,
    // Right after a terminal state come back at once: a pre-assigned or freshly planned task waits.
    nextPollSec: settledSome && assignments.length === 0 ? 1 : idlePollSec,
    desiredStatus: input.stopping ? "stop" : node.desiredStatus,
    leaseSec: policy.leaseSec,
  };
}

function assignmentOf(e: InboxEntry): Assignment {
  return {
    taskId: taskIdOf(e.jobId, e.stepName, e.taskIndex), jobId: e.jobId, stepName: e.stepName, taskIndex: e.taskIndex,
    token: e.token, kind: e.taskKind ?? "", frames: e.frames ?? null, params: e.params ?? null,
    quality: e.quality ?? null, queued: e.queued,
    leaseExpiresAt: new Date(e.leaseExpiresAt ?? e.at).toISOString(), estimatedSec: e.estimatedSec,
  };
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
