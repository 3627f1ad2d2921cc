/**
 * Task attempts on nodes: start (with a true runtime the planner never sees), finish (ok,
 * frame error, corrupt output → re-render), and loss of work (crash, spot, preemption).
 * Runtimes and faults are drawn from (job, step, task, attempt), not from a shared stream,
 * so every policy meets the same frame times and the same failures.
 */
import { refusesByHand } from "../planner/matching/refusals.ts";
import { hashSeed, lognormalMultiplier, mulberry32 } from "./rng.ts";
import { meets, speedFor } from "./eligibility.ts";
import { DONE, EXHAUSTED, PENDING, RUNNING, jobComplete, jobDepsMet, stepDepsMet, type Attempt, type NodeState } from "./state.ts";
import type { Ctx } from "./context.ts";
import type { FaultModel, SimJobSpec } from "./types.ts";

/** Why a task cannot start on a node now, or null if it can. */
export function cannotStart(ctx: Ctx, node: NodeState, jobId: string, stepIndex: number, taskIndex: number): string | null {
  const j = ctx.st.jobs.get(jobId);
  if (!j || !j.submitted || j.finishedAt !== null || j.failed) return "job not active";
  const s = j.steps[stepIndex];
  if (!s || taskIndex < 0 || taskIndex >= s.status.length) return "no such task";
  if (s.status[taskIndex] !== PENDING) return "task not pending";
  if (node.status !== "ready") return `node ${node.status}`;
  if (node.running.length >= node.slots) return "node full";
  if (node.blocklist.includes(jobId) && (refusesByHand(node, j.job, ctx.policy.failures.blocklistAfter) || acceptedElsewhere(ctx, jobId, s.spec.requirements))) return "node blocklisted for job";
  if (!meets(node.capabilities, s.spec.requirements)) return "requirements not met";
  if (!jobDepsMet(ctx.st, j) || !stepDepsMet(j, stepIndex)) return "dependencies not finished";
  if (j.job.suspended) return "job suspended";
  if (node.pool === "cloud" && (!j.job.cloudAllowed || !ctx.st.clients.get(j.job.clientId)?.cloudAllowed)) return "cloud not allowed";
  return null;
}

/**
 * A node refusing the job after failures may still take it when no node that could run it accepts
 * it: the planner then takes back the one with the fewest failures (planner/matching/refusals.ts),
 * and the farm runs what its plan says, as the service's agents do.
 */
function acceptedElsewhere(ctx: Ctx, jobId: string, req: Parameters<typeof meets>[1]): boolean {
  for (const n of ctx.st.nodes.values()) if (!n.blocklist.includes(jobId) && meets(n.capabilities, req)) return true;
  return false;
}

function taskRng(seed: number, jobId: string, stepIndex: number, taskIndex: number, attempt: number) {
  return mulberry32(hashSeed(seed, `${jobId}|${stepIndex}|${taskIndex}|${attempt}`));
}

/** True reference seconds of a task (before node speed), the same for every attempt and policy. */
export function trueTaskSec(seed: number, spec: SimJobSpec, stepIndex: number, taskIndex: number): number {
  const step = spec.job.steps[stepIndex]!;
  const base = step.secondsPerFrame * step.framesPerTask * (spec.trueRuntimeFactor ?? 1);
  const r = taskRng(seed, spec.job.id, stepIndex, taskIndex, 0);
  const samples = spec.runtimeSamples;
  const mult = samples && samples.length > 0 ? samples[Math.floor(r.next() * samples.length)]! : lognormalMultiplier(r, step.runtimeSpread);
  return base * mult;
}

/** An attempt's outcome and the fraction of its true runtime it runs (an error fails part-way), drawn from (job, step, task, attempt). */
function attemptFault(seed: number, jobId: string, stepIndex: number, taskIndex: number, attemptNo: number, f: FaultModel): { outcome: Attempt["outcome"]; ranFraction: number } {
  const r = taskRng(seed, jobId, stepIndex, taskIndex, attemptNo);
  const u = r.next();
  if (u < f.frameErrorRate) return { outcome: "error", ranFraction: 0.1 + 0.8 * r.next() };
  if (u < f.frameErrorRate + f.corruptOutputRate) return { outcome: "corrupt", ranFraction: 1 };
  return { outcome: "ok", ranFraction: 1 };
}

/**
 * Does the task fail its first `retriesPerTask` attempts, so every schedule exhausts it (the job
 * fails)? Outcomes are drawn per attempt number whatever node or hour runs it, and a lost attempt
 * counts none, so this holds for every policy alike.
 */
export function exhaustsRetries(seed: number, spec: SimJobSpec, stepIndex: number, taskIndex: number, f: FaultModel, retriesPerTask: number): boolean {
  for (let n = 1; n <= retriesPerTask; n++) if (attemptFault(seed, spec.job.id, stepIndex, taskIndex, n, f).outcome === "ok") return false;
  return true;
}

/**
 * Reference seconds of the failed attempts every schedule runs on the task: those before its first
 * good one, or all `retriesPerTask` of them when it fails each (it is exhausted then, {@link
 * exhaustsRetries}). A frame error or a corrupt output counts an attempt and the next attempt draws
 * the next outcome, whatever node or hour it runs on (a lost attempt — crash, spot, preemption —
 * counts none and redraws the same outcome). So any run that finishes or exhausts the task also ran
 * this work, and no run more of it.
 */
export function failedRefSec(seed: number, spec: SimJobSpec, stepIndex: number, taskIndex: number, f: FaultModel, retriesPerTask: number): number {
  const sec = trueTaskSec(seed, spec, stepIndex, taskIndex);
  let failed = 0;
  for (let n = 1; n <= retriesPerTask; n++) {
    const a = attemptFault(seed, spec.job.id, stepIndex, taskIndex, n, f);
    if (a.outcome === "ok") return failed;
    failed += sec * a.ranFraction;
  }
  return failed;
}

export function startAttempt(ctx: Ctx, node: NodeState, jobId: string, stepIndex: number, taskIndex: number): Attempt {
  const { st, meter } = ctx;
  const j = st.jobs.get(jobId)!;
  const s = j.steps[stepIndex]!;
  const speed = speedFor(node.speed, s.spec.kind);
  const from = s.progress[taskIndex]!;
  const trueSec = (trueTaskSec(ctx.sc.seed, j.spec, stepIndex, taskIndex) / speed) * (1 - from);
  const estSec = ((s.spec.secondsPerFrame * s.spec.framesPerTask) / speed) * (1 - from);
  const { outcome, ranFraction } = attemptFault(ctx.sc.seed, j.job.id, stepIndex, taskIndex, s.attempts[taskIndex]! + 1, ctx.sc.faults);
  const durSec = trueSec * ranFraction;
  const a: Attempt = {
    id: st.nextAttemptId++, jobId, stepIndex, taskIndex, startedAt: st.now,
    endAt: st.now + Math.max(1, Math.round(durSec * 1000)), expectedEndAt: st.now + Math.round(estSec * 1000),
    fromProgress: from, outcome,
  };
  s.status[taskIndex] = RUNNING;
  s.running++;
  node.running.push(a);
  node.idleSince = null;
  delete node.awaitingFirstTask;
  j.firstStartAt ??= st.now;
  meter.onStart(node, st.now);
  ctx.heap.push({ at: a.endAt, rank: 0, type: "attempt-end", nodeId: node.id, attemptId: a.id });
  return a;
}

function detach(node: NodeState, a: Attempt, now: number, ctx: Ctx, ended: "ok" | "error" | "corrupt" | "lost"): void {
  ctx.attempts?.push({ nodeId: node.id, jobId: a.jobId, taskIndex: a.taskIndex, startedAt: a.startedAt, endedAt: now, ended });
  node.running = node.running.filter((x) => x.id !== a.id);
  if (node.running.length === 0) node.idleSince = now;
}

/** An attempt reached its end time: success, frame error or corrupt output. */
export function finishAttempt(ctx: Ctx, node: NodeState, a: Attempt): void {
  const { st } = ctx;
  const j = st.jobs.get(a.jobId)!;
  const s = j.steps[a.stepIndex]!;
  detach(node, a, st.now, ctx, a.outcome);
  s.running--;
  if (a.outcome === "ok") {
    s.status[a.taskIndex] = DONE;
    s.progress[a.taskIndex] = 1;
    s.done++;
    // Measured as the service would: elapsed × the node's speed for the kind, over the part of the task this attempt ran.
    if (a.fromProgress < 1) {
      const refSec = (((st.now - a.startedAt) / 1000) * speedFor(node.speed, s.spec.kind)) / (1 - a.fromProgress);
      s.measured.tasks++;
      s.measured.refSec += refSec;
      s.measured.refSecSq += refSec * refSec;
    }
    j.firstOutputAt ??= st.now;
    if (jobComplete(j)) j.finishedAt = st.now;
  } else {
    // A corrupt frame is found on output check and re-rendered from scratch.
    s.progress[a.taskIndex] = 0;
    s.attempts[a.taskIndex]!++;
    j.errorCount++;
    ctx.meter.tally.taskErrors++;
    node.failuresByJob[j.job.id] = (node.failuresByJob[j.job.id] ?? 0) + 1;
    const pol = ctx.policy.failures;
    if (node.failuresByJob[j.job.id]! >= pol.blocklistAfter && !node.blocklist.includes(j.job.id)) node.blocklist.push(j.job.id);
    // The service's rule (shard-book foldShard): the retriesPerTask-th failure exhausts the task. The
    // planner reads a pending task with that many failures as exhausted, so one attempt more here
    // would strand the job: never run again, never failed.
    if (s.attempts[a.taskIndex]! >= pol.retriesPerTask) { s.status[a.taskIndex] = EXHAUSTED; s.exhausted++; j.failed = true; }
    else s.status[a.taskIndex] = PENDING;
    if (j.errorCount >= pol.errorsPerJob) j.failed = true;
  }
  ctx.meter.onEnd(ctx, node, st.now);
}

/**
 * Take a running attempt off its node without counting an error (crash, spot, preemption).
 * Checkpointable work keeps its progress: all of it when the node could checkpoint on
 * notice, else up to the last checkpoint interval.
 */
export function abandonAttempt(ctx: Ctx, node: NodeState, a: Attempt, checkpointNow: boolean): void {
  const { st } = ctx;
  const j = st.jobs.get(a.jobId)!;
  const s = j.steps[a.stepIndex]!;
  detach(node, a, st.now, ctx, "lost");
  s.running--;
  s.status[a.taskIndex] = PENDING;
  if (s.spec.checkpointable) {
    const ran = (st.now - a.startedAt) / (a.endAt - a.startedAt);
    const intervalFrac = (ctx.policy.burst.checkpointIntervalSec * 1000) / (a.endAt - a.startedAt);
    const kept = checkpointNow ? ran : Math.floor(ran / intervalFrac) * intervalFrac;
    s.progress[a.taskIndex] = Math.min(0.999, a.fromProgress + (1 - a.fromProgress) * Math.max(0, kept));
  } else s.progress[a.taskIndex] = 0;
  ctx.meter.onEnd(ctx, node, st.now);
}

export function abandonAll(ctx: Ctx, node: NodeState, checkpointNow: boolean): void {
  for (const a of [...node.running]) abandonAttempt(ctx, node, a, checkpointNow);
  node.queue = [];
  node.epoch++;
}

/** Start what the plan queued behind the node's work, first valid entry per free slot. */
export function startQueued(ctx: Ctx, node: NodeState): void {
  while (node.queue.length > 0 && node.running.length < node.slots && node.status === "ready") {
    const q = node.queue.shift()!;
    if (cannotStart(ctx, node, q.jobId, q.stepIndex, q.taskIndex) === null) startAttempt(ctx, node, q.jobId, q.stepIndex, q.taskIndex);
  }
}
