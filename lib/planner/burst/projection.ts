import type { FarmNode } from "../types.ts";
import { isCapacity, type NodeClass, speedOf } from "../matching/node-classes.ts";

export interface ProjectedJob {
  id: string;
  deadlineAt: number;
  /** Reference seconds of work left. */
  workSec: number;
  kind: string;
  classes: readonly NodeClass[];
  /** The shortest the job can take whatever the capacity (its longest task), seconds. */
  floorSec: number;
  /** Safety margin to keep before the deadline, seconds. */
  marginSec: number;
}

export interface Projection {
  /** When the job would finish on the capacity the projection gives it. */
  finishAt: number;
  /** Reference seconds that do not fit before deadline − margin. */
  deficitSec: number;
}

/**
 * Fluid earliest-deadline-first projection of the farm's capacity (the EDF prefix of
 * PLANNER-NOTES): jobs in deadline order water-fill their eligible classes from now; a class
 * is booked in slot-seconds; running tasks' tails are booked first, booting nodes from their
 * ready time. Work that cannot fit before a job's deadline (less its margin) is that job's
 * deficit — the cloud request is sized from it. O(J·K log K).
 */
export function projectCapacity(jobs: readonly ProjectedJob[], classes: readonly NodeClass[], now: number): Map<string, Projection> {
  const booked = classes.map((c) => initialBooking(c.nodes, now));
  const out = new Map<string, Projection>();
  const ordered = [...jobs].sort((a, b) => a.deadlineAt - b.deadlineAt || (a.id < b.id ? -1 : 1));
  for (const j of ordered) {
    const limit = Math.max(0, (j.deadlineAt - now) / 1000 - j.marginSec);
    const usable = j.classes.filter((c) => c.slots > 0);
    const fitsBy = (t: number) => usable.reduce((w, c) => w + Math.max(0, t * c.slots - booked[c.index]!) * speedOf(c.speed, j.kind), 0);
    const fit = fitsBy(limit);
    if (fit >= j.workSec) {
      const t = Math.max(solveFinish(j, usable, booked), j.floorSec);
      bookUntil(usable, booked, t);
      out.set(j.id, { finishAt: now + Math.ceil(t * 1000), deficitSec: 0 });
    } else {
      bookUntil(usable, booked, limit);
      const t = usable.length === 0 ? Infinity : limit + (j.workSec - fit) / Math.max(1e-9, usable.reduce((s, c) => s + c.slots * speedOf(c.speed, j.kind), 0));
      out.set(j.id, { finishAt: Number.isFinite(t) ? now + Math.ceil((t + j.marginSec) * 1000) : Number.MAX_SAFE_INTEGER, deficitSec: j.workSec - fit });
    }
  }
  return out;
}

function initialBooking(nodes: readonly FarmNode[], now: number): number {
  let b = 0;
  for (const n of nodes) {
    if (!isCapacity(n)) continue;
    if (n.status === "booting" && n.readyAt !== undefined) b += n.slots * Math.max(0, (n.readyAt - now) / 1000);
    for (const l of n.leases) b += Math.max(0, (l.expectedEndAt - now) / 1000);
  }
  return b;
}

/** Smallest t with Σ max(0, t·slots − booked)·speed ≥ work: walk classes by when they free up. */
function solveFinish(j: ProjectedJob, usable: readonly NodeClass[], booked: readonly number[]): number {
  if (j.workSec <= 0) return 0;
  const byFree = [...usable].sort((a, b) => booked[a.index]! / a.slots - booked[b.index]! / b.slots);
  let rate = 0; // reference seconds of work per second, from the classes free so far
  let offset = 0; // Σ booked·speed over those classes
  for (let i = 0; i < byFree.length; i++) {
    const c = byFree[i]!;
    const s = speedOf(c.speed, j.kind);
    rate += c.slots * s;
    offset += booked[c.index]! * s;
    const t = (j.workSec + offset) / rate;
    const next = byFree[i + 1];
    if (!next || t <= booked[next.index]! / next.slots) return t;
  }
  return Infinity;
}

function bookUntil(usable: readonly NodeClass[], booked: number[], t: number): void {
  for (const c of usable) booked[c.index] = Math.max(booked[c.index]!, t * c.slots);
}
