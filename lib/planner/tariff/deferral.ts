import type { Policy } from "../types.ts";
import { clock, duration, percent } from "../format.ts";
import type { PriceCurve } from "./price-curve.ts";

export interface DeferralCandidate {
  jobId: string;
  /** Effective deadline (urgency inherited), or null for best effort. */
  deadlineAt: number | null;
  /** Wall seconds the work takes on its parallelism, without margin. */
  runSec: number;
  /** Wall seconds with the safety margin. */
  neededSec: number;
  /** Slots the job occupies while it runs. */
  parallelism: number;
  /** Wall seconds of one task: the energy a start commits to now. */
  taskSec: number;
  /** The on-prem capacity the job runs on: jobs with the same pool share its slots. */
  pool: { key: string; slots: number };
}

export interface Deferral {
  until: number;
  reason: string;
}

/**
 * Energy-intensive work moves into cheaper hours only when it provably keeps its deadline:
 * the deferred start plus the time needed (with margin) plus the urgent-slack buffer must land
 * before the deadline, and the deferred work must fit the farm's slots in its window alongside
 * the work deferred before it (jobs are booked in deadline order). The test is per task start:
 * a task started now costs the next task-length of prices; if a start before the latest safe
 * start is `minSaving` cheaper, new tasks wait (running ones finish). Every cycle re-decides, so
 * a job runs through cheap hours, pauses through a peak and resumes after it, and a job whose
 * slack shrinks simply starts (GreenSlot, SC'11: shift only what has slack).
 */
export function decideDeferrals(candidates: readonly DeferralCandidate[], curve: PriceCurve, policy: Policy, now: number): Map<string, Deferral> {
  const out = new Map<string, Deferral>();
  const bookings = new Map<string, SlotBooking>();
  const sorted = [...candidates].sort((a, b) => (a.deadlineAt ?? Infinity) - (b.deadlineAt ?? Infinity) || (a.jobId < b.jobId ? -1 : 1));
  for (const c of sorted) {
    if (c.runSec <= 0) continue;
    const horizon = now + policy.tariff.lookaheadSec * 1000;
    const latestStart = Math.min(horizon, c.deadlineAt === null ? horizon : c.deadlineAt - (c.neededSec + policy.urgentSlackSec) * 1000);
    if (latestStart <= now) continue;
    const runMs = c.runSec * 1000;
    const taskMs = Math.max(60_000, Math.min(runMs, c.taskSec * 1000));
    const nowPrice = curve.average(now, now + taskMs);
    let best = { at: now, price: nowPrice };
    for (const t of curve.boundaries(now, latestStart)) {
      const p = curve.average(t, t + taskMs);
      if (p < best.price - 1e-12) best = { at: t, price: p };
    }
    if (best.at === now || nowPrice <= 0 || best.price > (1 - policy.tariff.minSaving) * nowPrice) continue;
    const finishBy = c.deadlineAt === null ? Infinity : c.deadlineAt - policy.urgentSlackSec * 1000;
    let booking = bookings.get(c.pool.key);
    if (!booking) bookings.set(c.pool.key, (booking = new SlotBooking(c.pool.slots)));
    if (!booking.tryBook(best.at, runMs, c.parallelism, finishBy)) continue;
    const slack = c.deadlineAt === null ? "best effort" : `slack after waiting ${duration((c.deadlineAt - best.at) / 1000 - c.neededSec)}`;
    out.set(c.jobId, {
      until: best.at,
      reason: `tariff: ${clock(best.at)} is ${percent(1 - best.price / nowPrice)} cheaper, ${slack}`,
    });
  }
  return out;
}

/**
 * Slot-milliseconds already promised to deferred work, per hour bucket, for one pool of
 * eligible nodes. Pools that overlap (CPU work that could also use GPU boxes) are booked
 * separately — optimistic, which the per-cycle re-decision and the urgent-slack buffer absorb.
 */
class SlotBooking {
  private readonly used = new Map<number, number>();
  private static readonly BUCKET = 3600_000;
  constructor(private readonly slots: number) {}

  tryBook(start: number, runMs: number, parallelism: number, finishBy: number): boolean {
    const B = SlotBooking.BUCKET;
    let left = runMs * parallelism;
    const plan: [number, number][] = [];
    for (let b = Math.floor(start / B) * B; left > 0; b += B) {
      const from = Math.max(b, start);
      if (from >= finishBy) return false;
      const span = Math.min(b + B, finishBy) - from;
      const room = Math.min(this.slots * span - (this.used.get(b) ?? 0), parallelism * span);
      const take = Math.max(0, Math.min(room, left));
      if (take > 0) plan.push([b, take]);
      left -= take;
      if (b - start > 14 * 24 * B) return false;
    }
    for (const [b, take] of plan) this.used.set(b, (this.used.get(b) ?? 0) + take);
    return true;
  }
}
