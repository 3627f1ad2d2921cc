/**
 * How long a settled attempt ran, and what a succeeded one measured for its step (the planner's
 * Step.measured, corrected upward by lp/evidence.ts): reference seconds summed per shard in the
 * fold that makes the task done (shard-book.ts foldShard), summed per step when assembled.
 */
import type { MeasuredRuntimes } from "../../planner/index.ts";
import type { SettleReport, ShardLease, ShardRecord } from "../model.ts";

/** When an attempt ran: from its grant (or the agent's later start) to its report (or the agent's earlier end). */
export function attemptSpan(grantedAt: number, report: Pick<SettleReport, "at" | "startedAt" | "endedAt">): { startedAt: number; endedAt: number } {
  const startedAt = Math.max(grantedAt, report.startedAt ?? grantedAt);
  return { startedAt, endedAt: Math.min(report.at, Math.max(startedAt, report.endedAt ?? report.at)) };
}

/**
 * A succeeded attempt's runtime in reference seconds: elapsed × the node's speed for the kind
 * when the lease was granted. A whole task (fraction 1): the service never resumes a task part
 * way — an interrupted or checkpointed task is granted again from its start.
 *
 * Why that speed and not the one after learning from this attempt (learn-from-attempt.ts moves
 * the node's speed toward expected / elapsed, so the service attributes an overrun to the node
 * too): measured against the updated speed, x = (1 − α)·elapsed·speed + α·expected — the attempt's
 * own overrun is partly taken back before it is measured (a 30% overrun reads 21%), i.e. the one
 * observation is split between speed and work instead of each learning it once. Against the
 * speed the attempt was planned at, x / speed is exactly the time the plan should have predicted,
 * so the evidence corrects the plan's own error, and each attempt enters the measured sums once
 * (foldShard). What remains is an overlap over time, not within an attempt: as a persistent
 * overrun lowers the nodes' speeds, later attempts measure less of it, so the measured mean falls
 * back toward the estimate as the speeds absorb it; until then the plan carries part of the
 * overrun twice — more work planned, never less (lp/evidence.ts never shrinks work).
 */
export function referenceSeconds(lease: Pick<ShardLease, "grantedAt" | "speed" | "queued">, report: Pick<SettleReport, "at" | "startedAt" | "endedAt">): number | null {
  if (lease.speed === undefined || !(lease.speed > 0)) return null; // granted before speeds were recorded: not measured
  if (lease.queued && report.startedAt === undefined) return null; // from its grant it waited behind the node's current task
  const { startedAt, endedAt } = attemptSpan(lease.grantedAt, report);
  return endedAt > startedAt ? ((endedAt - startedAt) / 1000) * lease.speed : null;
}

/** The sums with one more runtime (`null`: nothing measured). */
export function withMeasurement(m: MeasuredRuntimes | undefined, x: number | null): MeasuredRuntimes | undefined {
  if (x === null) return m;
  const next = { tasks: (m?.tasks ?? 0) + 1, refSec: (m?.refSec ?? 0) + x, refSecSq: (m?.refSecSq ?? 0) + x * x };
  // The DynamoDB marshaller refuses numbers past 2^53 (the shard could never be written again):
  // an absurd runtime (weeks at speed 10, 64 times) is left out rather than blocking the shard.
  return next.refSecSq <= Number.MAX_SAFE_INTEGER ? next : m;
}

/** A step's measured sums over its shards (undefined while nothing was measured). */
export function measuredOver(shards: readonly Pick<ShardRecord, "measured">[]): MeasuredRuntimes | undefined {
  let m: MeasuredRuntimes | undefined;
  for (const s of shards) if (s.measured && s.measured.tasks > 0) {
    m = { tasks: (m?.tasks ?? 0) + s.measured.tasks, refSec: (m?.refSec ?? 0) + s.measured.refSec, refSecSq: (m?.refSecSq ?? 0) + s.measured.refSecSq };
  }
  return m;
}
