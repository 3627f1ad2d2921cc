/**
 * Task state in bounded shards (lib/adapters/aws/table-design.md, "Task state"). A step's task
 * indexes are cut into shards of `shardSize`; a shard holds one state character per task
 * (`p` pending, `l` leased, `d` done, `x` exhausted, `c` canceled before it ran), the leases by token, and the agents'
 * settle reports by token. Every index is in exactly one state, and a `l` has exactly one lease.
 *
 * Who writes what, so no two writers fight over one attribute:
 *   - agents add `settled[token]` (a conditional update: the lease exists for this node and
 *     was not settled yet) — accepted exactly once, never a read-modify-write of the shard;
 *   - the planner rewrites the rest (grants, folding settle reports, expiring leases),
 *     conditioned on the shard's `version` AND on the number of settle reports it saw, so a
 *     settle that lands in between makes the planner re-read instead of being overwritten.
 * A shard that was never written is all pending (version 0), so a 10M-task job costs nothing
 * until its tasks are handed out.
 */
import type { JobRecord, LeaseRecord, SettleReport, ShardLease, ShardRecord, StepRecord } from "../model.ts";
import { referenceSeconds, withMeasurement } from "./attempt-runtime.ts";

/**
 * Tasks per shard. Bounds every shard item by construction: 64 leases, 64 settle reports, 64
 * failure counters and the recent tokens stay under ~60 KB even with the longest node ids,
 * tokens and messages accepted (test: lease-store.property.test.ts). Small also because a
 * write is billed by the whole item's size: a busy shard of 64 leases is ~10 KB.
 */
export const shardSize = 64;
/** Settled tokens remembered per shard after folding, so a re-sent report is a duplicate. */
export const recentLimit = 64;
/** Longest agent message kept in a settle report (the shard item bound depends on it). */
export const settleMessageChars = 100;

export type TaskOutcome = "succeeded" | "failed" | "interrupted";
export type SettleResult = "accepted" | "duplicate" | "stale";

export const shardNoOf = (taskIndex: number): number => Math.floor(taskIndex / shardSize);

/** The shard holding `no` of a step before anything was written: all pending. */
export function emptyShard(job: Pick<JobRecord, "id" | "clientId" | "submittedAt">, stepIndex: number, step: Pick<StepRecord, "name" | "taskCount" | "kind" | "secondsPerFrame" | "framesPerTask">, no: number): ShardRecord {
  const from = no * shardSize;
  const count = Math.max(0, Math.min(shardSize, step.taskCount - from));
  return {
    jobId: job.id, clientId: job.clientId, submittedAt: job.submittedAt, step: stepIndex, stepName: step.name, no, from, count,
    kind: step.kind, taskSec: step.secondsPerFrame * step.framesPerTask,
    state: "p".repeat(count), leases: {}, settled: {}, failed: {}, recent: [], version: 0,
  };
}

export interface ShardGrant {
  taskIndex: number;
  nodeId: string;
  token: string;
  now: number;
  leaseSec: number;
  expectedSec: number;
  queued: boolean;
  /** The node's learned speed for the step's kind (ShardLease.speed). */
  speed?: number;
}

/** Lease the given tasks that are still pending; the others are skipped (taken meanwhile). */
export function grantInShard(shard: ShardRecord, grants: readonly ShardGrant[]): { next: ShardRecord | null; granted: (ShardLease & { token: string })[] } {
  const state = shard.state.split("");
  const leases = { ...shard.leases };
  const granted: (ShardLease & { token: string })[] = [];
  for (const g of grants) {
    const k = g.taskIndex - shard.from;
    if (k < 0 || k >= shard.count || state[k] !== "p") continue;
    const lease: ShardLease = {
      i: g.taskIndex, node: g.nodeId, attempt: (shard.failed[g.taskIndex] ?? 0) + 1, grantedAt: g.now,
      expiresAt: g.now + g.leaseSec * 1000, expectedEndAt: g.now + g.expectedSec * 1000, queued: g.queued,
      ...(g.speed !== undefined ? { speed: g.speed } : {}),
    };
    state[k] = "l";
    leases[g.token] = lease;
    granted.push({ ...lease, token: g.token });
  }
  if (granted.length === 0) return { next: null, granted };
  return { next: { ...shard, state: state.join(""), leases }, granted };
}

export interface FoldPolicy {
  now: number;
  retriesPerTask: number;
  /** When a lease really lapses (grant + leaseSec, pushed out by the node's polls). */
  expiry: (lease: ShardLease, token: string) => number;
  /** The job is closed: every lease ends, nothing returns to pending (canceled: `c`, failed: exhausted). */
  closing?: "canceled" | "failed" | "done";
}

export interface Folded {
  token: string;
  lease: ShardLease;
  report: SettleReport;
  /** What the report did to the task (a failure past the retries exhausts it). */
  becomes: "done" | "pending" | "exhausted" | "canceled";
}

/**
 * Apply the agents' settle reports and return lapsed leases' tasks to pending. `expired` are the
 * leases that ended without a report (their nodes must be told to stop). A succeeded report adds
 * its reference seconds to `measured` in the same write that makes its task done: the write is
 * conditional on the version read, so a report is measured exactly once — a fold that loses the
 * race folds again from the re-read shard, and a report re-sent after the fold is refused as a
 * duplicate before it reaches a shard. No second item to write, so nothing is half-written.
 */
export function foldShard(shard: ShardRecord, p: FoldPolicy): { next: ShardRecord | null; folded: Folded[]; expired: (ShardLease & { token: string })[] } {
  const state = shard.state.split("");
  const leases = { ...shard.leases };
  const failed = { ...shard.failed };
  const recent = [...shard.recent];
  const folded: Folded[] = [];
  const expired: (ShardLease & { token: string })[] = [];
  let measured = shard.measured;
  for (const [token, report] of Object.entries(shard.settled)) {
    const lease = leases[token];
    delete leases[token];
    recent.push(token);
    if (!lease) continue; // cannot happen (a settle needs its lease); dropped rather than trusted
    const k = lease.i - shard.from;
    let becomes: Folded["becomes"];
    if (report.outcome === "succeeded") {
      becomes = "done";
      measured = withMeasurement(measured, referenceSeconds(lease, report));
    } else if (report.outcome === "interrupted") becomes = "pending";
    else {
      failed[lease.i] = (failed[lease.i] ?? 0) + 1;
      becomes = failed[lease.i]! >= p.retriesPerTask ? "exhausted" : "pending";
    }
    if (p.closing && becomes === "pending") becomes = p.closing === "canceled" ? "canceled" : "exhausted";
    state[k] = stateChar[becomes];
    folded.push({ token, lease, report, becomes });
  }
  for (const [token, lease] of Object.entries(leases)) {
    if (!p.closing && p.expiry(lease, token) > p.now) continue;
    delete leases[token];
    state[lease.i - shard.from] = p.closing ? closedChar(p.closing) : "p";
    expired.push({ ...lease, token });
  }
  if (p.closing) for (let k = 0; k < state.length; k++) if (state[k] === "p") state[k] = closedChar(p.closing);
  const nextState = state.join("");
  if (folded.length === 0 && expired.length === 0 && nextState === shard.state) return { next: null, folded, expired };
  return {
    next: { ...shard, state: nextState, leases, settled: {}, failed, recent: recent.slice(-recentLimit), ...(measured ? { measured } : {}) },
    folded, expired,
  };
}

const stateChar = { done: "d", pending: "p", exhausted: "x", canceled: "c" } as const;
const closedChar = (c: "canceled" | "failed" | "done") => (c === "canceled" ? "c" : "x");

/**
 * The agent's settle as a pure function: exactly what TaskStore.settle's conditional update
 * does (accepted only while the lease is this node's and not yet reported). For tests and
 * in-memory stores; the adapter does it in one UpdateItem.
 */
export function settleInShard(shard: ShardRecord, x: { token: string; nodeId: string; taskIndex: number }, report: SettleReport): { next: ShardRecord | null; result: SettleResult } {
  const lease = shard.leases[x.token];
  if (lease && lease.node === x.nodeId && lease.i === x.taskIndex && !shard.settled[x.token]) {
    return { next: { ...shard, settled: { ...shard.settled, [x.token]: report } }, result: "accepted" };
  }
  return { next: null, result: refusal(shard, x.token).result };
}

/** Has the shard anything for the planner to fold (reports, lapsed leases)? */
export function needsFold(shard: ShardRecord, p: FoldPolicy): boolean {
  if (p.closing) return shard.state.includes("p") || Object.keys(shard.leases).length > 0;
  if (Object.keys(shard.settled).length > 0) return true;
  return Object.entries(shard.leases).some(([t, l]) => p.expiry(l, t) <= p.now);
}

/** Why a settle that did not land was refused: a re-sent report, or a lease that is gone. */
export function refusal(shard: ShardRecord | undefined, token: string): { result: "duplicate" | "stale"; holder?: LeaseRecord } {
  if (shard && (shard.settled[token] || shard.recent.includes(token))) return { result: "duplicate" };
  return { result: "stale" };
}

export function leaseRecordOf(token: string, l: ShardLease): LeaseRecord {
  return {
    taskIndex: l.i, nodeId: l.node, token, attempt: l.attempt, grantedAt: l.grantedAt,
    expiresAt: l.expiresAt, expectedEndAt: l.expectedEndAt, queued: l.queued,
  };
}
