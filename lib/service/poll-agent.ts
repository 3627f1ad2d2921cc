/**
 * The agent's one call (DESIGN.md "Agent protocol"): heartbeat + progress + terminal reports
 * + assignment channel. The reply hands over leases the planner granted this node (until the
 * agent reports holding them), tells it to stop tasks whose lease is gone (job canceled, lease
 * expired and given away), and sets the next poll and desired status. Every poll renews the
 * leases the agent reports holding (recorded on the node, see lease-book.ts).
 */
import { taskId as taskIdOf } from "../planner/index.ts";
import { taskAt } from "../openjd/index.ts";
import { assertAgent, type Actor } from "./actor.ts";
import { NotFoundError, RetryableError, StaleLeaseError } from "./errors.ts";
import { framesAt } from "./frames.ts";
import type { HeldTask, InboxEntry, JobRecord, LeaseRecord, StepRecord } from "./model.ts";
import type { ServiceDeps } from "./ports.ts";
import { idlePollSec } from "./register-agent.ts";
import { completeTask, failTask, parseTaskRef } from "./settle-task.ts";
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
}

export interface PollInput {
  nodeId: string;
  tasks: ReportedTask[];
  metrics?: { cpuPct: number; memoryPct: number };
  /** The agent is stopping (spot notice, shutdown): hand it nothing new. */
  stopping?: boolean;
}

export async function pollAgent(deps: ServiceDeps, input: PollInput, actor: Actor): Promise<PollReply> {
  assertAgent(actor, input.nodeId);
  const node = await deps.nodes.get(input.nodeId);
  if (!node) throw new NotFoundError("node", input.nodeId);
  const { policy } = await deps.plans.settings();
  const now = deps.clock.now();

  const acknowledged: PollReply["acknowledged"] = [];
  const busy: ReportedTask[] = [];
  for (const t of input.tasks.filter((t) => t.state === "succeeded" || t.state === "failed" || t.state === "interrupted")) {
    const settle = { nodeId: input.nodeId, taskId: t.taskId, token: t.token, ...(t.startedAt ? { startedAt: t.startedAt } : {}), ...(t.endedAt ? { endedAt: t.endedAt } : {}), ...(t.message ? { message: t.message } : {}) };
    try {
      const r = t.state === "succeeded" ? await completeTask(deps, settle, actor) : await failTask(deps, { ...settle, kind: t.state as "failed" | "interrupted" }, actor);
      acknowledged.push({ taskId: t.taskId, token: t.token, outcome: r.result });
    } catch (err) {
      if (err instanceof StaleLeaseError) acknowledged.push({ taskId: t.taskId, token: t.token, outcome: "stale" });
      // The job is busy (a burst of reports): keep the heartbeat going, the agent re-sends it.
      else if (err instanceof RetryableError) { acknowledged.push({ taskId: t.taskId, token: t.token, outcome: "retry" }); busy.push(t); }
      else throw err;
    }
  }

  // A report that could not be recorded yet still holds (and renews) its lease.
  const live = [...input.tasks.filter((t) => t.state === "queued" || t.state === "running"), ...busy];
  const jobs = await loadJobs(deps, [...live.map((t) => parseTaskRef(t.taskId).jobId), ...node.inbox.map((e) => e.jobId)]);
  const leaseOf = (jobId: string, stepName: string, taskIndex: number, token: string) => {
    const step = jobs.get(jobId)?.steps.find((s) => s.name === stepName);
    const lease = step?.leases.find((l) => l.taskIndex === taskIndex && l.token === token && l.nodeId === input.nodeId);
    return step && lease ? { step, lease } : undefined;
  };

  const cancel: PollReply["cancel"] = [];
  const holding: HeldTask[] = [];
  for (const t of live) {
    const ref = parseTaskRef(t.taskId);
    if (leaseOf(ref.jobId, ref.stepName, ref.taskIndex, t.token)) {
      holding.push({ taskId: t.taskId, token: t.token, progress: clamp01(t.progress ?? 0), ...(t.startedAt ? { startedAt: t.startedAt } : {}) });
    } else {
      const job = jobs.get(ref.jobId);
      cancel.push({ taskId: t.taskId, token: t.token, reason: job && job.status === "canceled" ? "job canceled" : "lease no longer valid (expired, preempted or reassigned)" });
    }
  }

  const held = new Set(holding.map((h) => h.token));
  const accepting = !input.stopping && node.status !== "disabled";
  const assignments: Assignment[] = [];
  const drop = new Set<string>();
  for (const e of node.inbox) {
    const found = leaseOf(e.jobId, e.stepName, e.taskIndex, e.token);
    if (!found || held.has(e.token)) { drop.add(e.token); continue; }
    if (accepting) assignments.push(assignmentOf(jobs.get(e.jobId)!, found.step, found.lease, e));
  }

  await deps.nodes.update(input.nodeId, (n) => ({
    next: {
      ...n, lastSeenAt: now, holding, inbox: n.inbox.filter((e) => !drop.has(e.token)),
      ...(input.metrics ? { metrics: input.metrics } : {}),
      status: n.status === "offline" || n.status === "booting" ? "ready" : n.status,
      idleSince: holding.length > 0 || assignments.length > 0 ? undefined : n.idleSince ?? now,
    },
    result: null,
  }));

  const settledSome = acknowledged.some((a) => a.outcome === "accepted");
  return {
    assignments, cancel, acknowledged,
    // Right after a terminal state come back at once: a pre-assigned or freshly planned task waits.
    nextPollSec: settledSome && assignments.length === 0 ? 1 : idlePollSec,
    desiredStatus: input.stopping ? "stop" : node.desiredStatus,
    leaseSec: policy.leaseSec,
  };
}

async function loadJobs(deps: ServiceDeps, ids: string[]): Promise<Map<string, JobRecord>> {
  const out = new Map<string, JobRecord>();
  for (const id of new Set(ids)) {
    const j = await deps.jobs.get(id);
    if (j) out.set(id, j);
  }
  return out;
}

function assignmentOf(job: JobRecord, step: StepRecord, lease: LeaseRecord, e: InboxEntry): Assignment {
  return {
    taskId: taskIdOf(job.id, step.name, lease.taskIndex), jobId: job.id, stepName: step.name, taskIndex: lease.taskIndex,
    token: lease.token, kind: step.kind,
    frames: step.frames ? framesAt(step.frames, lease.taskIndex * step.framesPerTask, step.framesPerTask) : null,
    params: step.parameterSpace ? taskAt(step.parameterSpace, lease.taskIndex) : null,
    quality: step.previewQuality ?? null, queued: e.queued,
    leaseExpiresAt: new Date(lease.expiresAt).toISOString(), estimatedSec: e.estimatedSec,
  };
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
