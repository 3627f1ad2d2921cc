/**
 * Pure task-state transitions on a job record. Every task index of a step is in exactly one of
 * `pending`, `leases`, `done` or `exhausted`; each function keeps that true and returns a new
 * record (or `null` when nothing changes). The store applies them with a conditional write on
 * the job's `version`, so a race between two writers is settled by one of them re-reading.
 *
 * Lease length: `policy.leaseSec` (120 s by default). The agent polls every ~15 s and its poll
 * renews every lease it reports holding (recorded on the node, not here, so polls never
 * contend on a busy job item). A lease neither picked up nor renewed for 120 s — about eight
 * missed polls — returns its task to pending (Flamenco requeues after 1 min silent; OpenCue
 * declares a host down after 300 s; ours sits between).
 */
import type { JobRecord, JobStatus, LeaseRecord, StepRecord } from "./model.ts";
import { addIndex, countRanges, mergeRanges, rangesContain, removeIndex } from "./ranges.ts";

export type TaskOutcome = "succeeded" | "failed" | "interrupted";
export type SettleResult = "accepted" | "duplicate" | "stale";

/** Recently settled attempts kept per job, so a retried report is a duplicate, not stale. */
const recentLimit = 200;

export interface GrantInput {
  stepName: string;
  taskIndex: number;
  nodeId: string;
  token: string;
  now: number;
  leaseSec: number;
  expectedSec: number;
  queued: boolean;
}

function clone(job: JobRecord): JobRecord {
  return structuredClone(job);
}

function stepOf(job: JobRecord, name: string): StepRecord | undefined {
  return job.steps.find((s) => s.name === name);
}

/** Take a pending task for a node. Refuses (with a reason) if it is no longer pending. */
export function grantLease(job: JobRecord, g: GrantInput): { next: JobRecord | null; granted: LeaseRecord | null; reason: string } {
  if (job.status !== "queued" && job.status !== "running") return { next: null, granted: null, reason: `job is ${job.status}` };
  if (job.suspended) return { next: null, granted: null, reason: "job is suspended" };
  const s0 = stepOf(job, g.stepName);
  if (!s0) return { next: null, granted: null, reason: `no step ${g.stepName}` };
  if (!rangesContain(s0.pending, g.taskIndex)) {
    const holder = s0.leases.find((l) => l.taskIndex === g.taskIndex);
    return { next: null, granted: null, reason: holder ? `task leased to ${holder.nodeId}` : "task not pending" };
  }
  const next = clone(job);
  const s = stepOf(next, g.stepName)!;
  const lease: LeaseRecord = {
    taskIndex: g.taskIndex, nodeId: g.nodeId, token: g.token,
    attempt: (s.failedAttempts[g.taskIndex] ?? 0) + 1,
    grantedAt: g.now, expiresAt: g.now + g.leaseSec * 1000,
    expectedEndAt: g.now + g.expectedSec * 1000, queued: g.queued,
  };
  s.pending = removeIndex(s.pending, g.taskIndex);
  s.leases.push(lease);
  next.status = statusOf(next);
  return { next, granted: lease, reason: "granted" };
}

export interface SettleInput {
  /** The reporting node; a lease held by another node is stale for this one. */
  nodeId?: string;
  stepName: string;
  taskIndex: number;
  token: string;
  outcome: TaskOutcome;
  now: number;
  retriesPerTask: number;
  errorsPerJob: number;
}

/**
 * Record a terminal state. Accepted once: the same report again is a `duplicate` (no change),
 * a token that is not the current lease is `stale`.
 */
export function settleLease(job: JobRecord, x: SettleInput): { next: JobRecord | null; result: SettleResult; lease: LeaseRecord | null } {
  const recent = recentOf(job).find((r) => r.token === x.token && r.taskId === `${x.stepName}:${x.taskIndex}`);
  if (recent) return { next: null, result: "duplicate", lease: null };
  const s0 = stepOf(job, x.stepName);
  const lease0 = s0?.leases.find((l) => l.taskIndex === x.taskIndex && l.token === x.token && (x.nodeId === undefined || l.nodeId === x.nodeId));
  if (!s0 || !lease0) return { next: null, result: "stale", lease: null };
  const next = clone(job);
  const s = stepOf(next, x.stepName)!;
  s.leases = s.leases.filter((l) => l !== s.leases.find((m) => m.taskIndex === x.taskIndex && m.token === x.token));
  if (x.outcome === "succeeded") {
    s.done = addIndex(s.done, x.taskIndex);
  } else if (x.outcome === "interrupted") {
    s.pending = addIndex(s.pending, x.taskIndex);
  } else {
    const attempts = (s.failedAttempts[x.taskIndex] ?? 0) + 1;
    s.failedAttempts[x.taskIndex] = attempts;
    next.errorCount += 1;
    if (attempts >= x.retriesPerTask) s.exhausted = addIndex(s.exhausted, x.taskIndex);
    else s.pending = addIndex(s.pending, x.taskIndex);
  }
  next.recentlySettled = [...recentOf(job), { taskId: `${x.stepName}:${x.taskIndex}`, token: x.token }].slice(-recentLimit);
  if (next.errorCount >= x.errorsPerJob && next.status !== "failed") failRemaining(next);
  next.status = statusOf(next);
  if (!isOpen(next.status) && next.finishedAt === null) next.finishedAt = x.now;
  return { next, result: "accepted", lease: lease0 };
}

/** Is this lease still alive? `renewedUntil` comes from the node's last poll (if it reported the task). */
export type Liveness = (lease: LeaseRecord) => number | undefined;

/** Return every lapsed lease's task to pending. */
export function expireLeases(job: JobRecord, now: number, renewedUntil: Liveness): { next: JobRecord | null; expired: (LeaseRecord & { stepName: string })[] } {
  const expired: (LeaseRecord & { stepName: string })[] = [];
  const next = clone(job);
  for (const s of next.steps) {
    const keep: LeaseRecord[] = [];
    for (const l of s.leases) {
      if (Math.max(l.expiresAt, renewedUntil(l) ?? 0) > now) keep.push(l);
      else { expired.push({ ...l, stepName: s.name }); s.pending = addIndex(s.pending, l.taskIndex); }
    }
    s.leases = keep;
  }
  if (expired.length === 0) return { next: null, expired };
  next.status = statusOf(next);
  return { next, expired };
}

/** Cancel: nothing more is handed out; running attempts are told to stop at their next poll. */
export function cancelJobRecord(job: JobRecord, now: number): { next: JobRecord | null; stopped: LeaseRecord[] } {
  if (!isOpen(job.status)) return { next: null, stopped: [] };
  const next = clone(job);
  const stopped = next.steps.flatMap((s) => s.leases);
  for (const s of next.steps) { s.pending = []; s.leases = []; }
  next.status = "canceled";
  next.finishedAt = now;
  return { next, stopped };
}

function failRemaining(job: JobRecord): void {
  for (const s of job.steps) {
    s.exhausted = mergeRanges([...s.exhausted, ...s.pending].sort((a, b) => a.from - b.from));
    s.pending = [];
  }
}

function isOpen(s: JobStatus): boolean {
  return s === "queued" || s === "running" || s === "suspended";
}

/** Status follows from the aggregates (canceled is sticky). */
export function statusOf(job: JobRecord): JobStatus {
  if (job.status === "canceled") return "canceled";
  const leased = job.steps.reduce((n, s) => n + s.leases.length, 0);
  const open = job.steps.reduce((n, s) => n + countRanges(s.pending), 0) + leased;
  if (open === 0) return job.steps.some((s) => s.exhausted.length > 0) ? "failed" : "done";
  if (job.suspended && leased === 0) return "suspended";
  return leased > 0 ? "running" : job.suspended ? "suspended" : "queued";
}

function recentOf(job: JobRecord): { taskId: string; token: string }[] {
  return job.recentlySettled ?? [];
}
