import type { FarmNode } from "../types.ts";
import { isCapacity, type NodeClass, speedOf } from "../matching/node-classes.ts";
import { insertionSort } from "../util/small-sort.ts";

export interface ProjectedJob {
  id: string;
  clientId: string;
  deadlineAt: number;
  /** Reference seconds of work left. */
  workSec: number;
  kind: string;
  classes: readonly NodeClass[];
  /** The shortest the job can take whatever the capacity (its longest task), seconds. */
  floorSec: number;
  /** Safety margin to keep before the deadline, seconds. */
  marginSec: number;
  /** Prerequisite jobs: this job cannot start before they are projected to finish. */
  after: readonly string[];
  /** Tasks left (pending and running): the most slots it can use at once. */
  tasks: number;
}

export interface Projection {
  /** When the job would finish on the capacity the projection gives it. */
  finishAt: number;
  /** Reference seconds that do not fit before deadline − margin. */
  deficitSec: number;
  /** When its prerequisites are projected to finish (now if it has none). */
  startAt: number;
  /** The finish already counts the rented capacity the plan requests (the LP's); absent: on-prem only, so a burst is what closes the gap. */
  withRented?: boolean;
}

type Fill = "earliest" | "least-contended";

/**
 * Fluid earliest-deadline-first projection of the farm's capacity (the EDF prefix of
 * PLANNER-NOTES): jobs in deadline order take capacity from their eligible classes, from when
 * their prerequisites are projected to finish; running tasks' tails are booked first, booting
 * nodes from their ready time. Work that cannot fit before a job's deadline (less its margin)
 * is that job's deficit — the cloud request is sized from it. O(J·K log K).
 *
 * The first pass water-fills every job for its earliest finish. Greedy filling can spend a
 * class that a later job needed while another class would have done (a Hall violation that is
 * the greedy's, not the farm's); when the first pass shows a deficit, a second pass fills each
 * job from its least-contended classes first, and the pass with less total deficit wins.
 */
export function projectCapacity(jobs: readonly ProjectedJob[], classes: readonly NodeClass[], guarantees: ReadonlyMap<string, number>, now: number): Map<string, Projection> {
  const ordered = [...jobs].sort((a, b) => a.deadlineAt - b.deadlineAt || (a.id < b.id ? -1 : 1));
  const lanes = buildLanes(ordered, classes, guarantees, now);
  const first = runPass(ordered, lanes, now, "earliest");
  if (first.deficit <= 0) return first.out;
  const second = runPass(ordered, lanes, now, "least-contended");
  return second.deficit < first.deficit - 1e-6 ? second.out : first.out;
}

/**
 * Capacity a job may count on: a class's slots split into each client's guaranteed part (for
 * clients with work here) and a shared part lent in deadline order — the dispatch's guarantee
 * pass, so a deadline does not count on slots another client is owed. Cloud classes are shared.
 */
interface Lane {
  index: number;
  slots: number;
  speed: Record<string, number>;
  /** Client whose guarantee this is, or null for the shared part. */
  clientId: string | null;
  classIndex: number;
}

interface Lanes {
  all: Lane[];
  /** Per class index: the shared lane and the guaranteed lanes by client. */
  shared: Lane[];
  owned: Map<string, Lane>[];
  booked0: number[];
}

function buildLanes(jobs: readonly ProjectedJob[], classes: readonly NodeClass[], guarantees: ReadonlyMap<string, number>, now: number): Lanes {
  // A client is owed min(guarantee, tasks) slots, placed on the best-fitting classes its work
  // can use (the order eligibility lists them in), as the dispatcher would place them.
  const totalSlots = classes.reduce((t, c) => t + (c.pool === "onprem" ? c.slots : 0), 0);
  const order = new Map<string, NodeClass[]>();
  const owed = new Map<string, number>();
  for (const j of jobs) {
    const g = guarantees.get(j.clientId) ?? 0;
    if (g <= 0) continue;
    let list = order.get(j.clientId);
    if (!list) order.set(j.clientId, (list = []));
    for (const c of j.classes) if (c.pool === "onprem" && !list.includes(c)) list.push(c);
    owed.set(j.clientId, (owed.get(j.clientId) ?? 0) + j.tasks);
  }
  const unreserved = classes.map((c) => c.slots);
  const reserved = classes.map(() => new Map<string, number>());
  for (const id of [...order.keys()].sort()) {
    let left = Math.min(owed.get(id)!, Math.floor((guarantees.get(id) ?? 0) * totalSlots + 1e-9));
    for (const c of order.get(id)!) {
      if (left <= 0) break;
      const take = Math.min(left, unreserved[c.index]!);
      if (take <= 0) continue;
      unreserved[c.index]! -= take;
      reserved[c.index]!.set(id, take);
      left -= take;
    }
  }
  const all: Lane[] = [];
  const shared: Lane[] = [];
  const owned: Map<string, Lane>[] = [];
  const booked0: number[] = [];
  for (const c of classes) {
    const mine = new Map<string, Lane>();
    // Running tasks keep every slot busy until they end, whoever is owed the slot next.
    const tails = initialBooking(c.nodes, now);
    const share = (slots: number) => (c.slots > 0 ? (tails * slots) / c.slots : 0);
    for (const [id, slots] of [...reserved[c.index]!].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const lane = { index: all.length, slots, speed: c.speed, clientId: id, classIndex: c.index };
      all.push(lane);
      booked0.push(share(slots));
      mine.set(id, lane);
    }
    const lane = { index: all.length, slots: unreserved[c.index]!, speed: c.speed, clientId: null, classIndex: c.index };
    all.push(lane);
    booked0.push(c.slots > 0 ? share(lane.slots) : tails);
    shared[c.index] = lane;
    owned[c.index] = mine;
  }
  return { all, shared, owned, booked0 };
}

function lanesFor(j: ProjectedJob, lanes: Lanes): Lane[] {
  const out: Lane[] = [];
  for (const c of j.classes) {
    const own = lanes.owned[c.index]?.get(j.clientId);
    if (own) out.push(own);
    const sh = lanes.shared[c.index];
    if (sh && sh.slots > 0) out.push(sh);
  }
  return out;
}

function runPass(ordered: readonly ProjectedJob[], lanes: Lanes, now: number, fill: Fill) {
  const booked = [...lanes.booked0];
  const contention = fill === "least-contended" ? contentionOf(ordered, lanes) : null;
  const out = new Map<string, Projection>();
  let deficit = 0;
  for (const j of ordered) {
    const start = j.after.reduce((m, id) => Math.max(m, out.has(id) ? (out.get(id)!.finishAt - now) / 1000 : 0), 0);
    const limit = Math.max(0, (j.deadlineAt - now) / 1000 - j.marginSec);
    const usable = lanesFor(j, lanes);
    // Capacity before `start` is of no use to this job.
    const from = usable.map((c) => Math.max(booked[c.index]!, start * c.slots));
    const room = (i: number, t: number) => Math.max(0, t * usable[i]!.slots - from[i]!) * speedOf(usable[i]!.speed, j.kind);
    let fit = 0;
    for (let i = 0; i < usable.length; i++) fit += room(i, limit);
    let finish: number;
    if (fit >= j.workSec) {
      finish = contention ? fillLeastContended(j, usable, from, booked, contention, limit) : fillEarliest(j, usable, from, booked);
      finish = Math.max(finish, start + j.floorSec);
      out.set(j.id, { finishAt: now + Math.ceil(finish * 1000), deficitSec: 0, startAt: now + Math.ceil(start * 1000) });
    } else {
      for (let i = 0; i < usable.length; i++) booked[usable[i]!.index] = Math.max(from[i]!, limit * usable[i]!.slots);
      const rate = usable.reduce((s, c) => s + c.slots * speedOf(c.speed, j.kind), 0);
      finish = rate === 0 ? Infinity : Math.max(limit, start) + (j.workSec - fit) / rate + j.marginSec;
      out.set(j.id, { finishAt: Number.isFinite(finish) ? now + Math.ceil(finish * 1000) : Number.MAX_SAFE_INTEGER, deficitSec: j.workSec - fit, startAt: now + Math.ceil(start * 1000) });
      deficit += j.workSec - fit;
    }
  }
  return { out, deficit };
}

/** Earliest finish: smallest t with Σ max(0, t·slots − from)·speed ≥ work; books every class to t. */
function fillEarliest(j: ProjectedJob, usable: readonly Lane[], from: readonly number[], booked: number[]): number {
  if (j.workSec <= 0 || usable.length === 0) return 0;
  const order = insertionSort(usable.map((_, i) => i), (a, b) => from[a]! / usable[a]!.slots - from[b]! / usable[b]!.slots);
  let rate = 0;
  let offset = 0;
  let t = Infinity;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const s = speedOf(usable[i]!.speed, j.kind);
    rate += usable[i]!.slots * s;
    offset += from[i]! * s;
    t = (j.workSec + offset) / rate;
    const next = order[k + 1];
    if (next === undefined || t <= from[next]! / usable[next]!.slots) break;
  }
  for (let i = 0; i < usable.length; i++) {
    if (from[i]! < t * usable[i]!.slots) booked[usable[i]!.index] = Math.max(booked[usable[i]!.index]!, t * usable[i]!.slots);
  }
  return t;
}

/** Least-contended first: take each class up to the limit, in order of how many others need it. */
function fillLeastContended(j: ProjectedJob, usable: readonly Lane[], from: readonly number[], booked: number[], contention: readonly number[], limit: number): number {
  const order = insertionSort(usable.map((_, i) => i), (a, b) => contention[usable[a]!.index]! - contention[usable[b]!.index]! || usable[a]!.index - usable[b]!.index);
  let left = j.workSec;
  let finish = 0;
  for (const i of order) {
    if (left <= 0) break;
    const c = usable[i]!;
    const s = speedOf(c.speed, j.kind);
    const take = Math.min(left, Math.max(0, limit * c.slots - from[i]!) * s);
    if (take <= 0) continue;
    const until = from[i]! + take / s;
    booked[c.index] = Math.max(booked[c.index]!, until);
    finish = Math.max(finish, until / c.slots);
    left -= take;
  }
  return finish;
}

/** Demand per slot on each lane, each job's work spread evenly over its lanes. */
function contentionOf(jobs: readonly ProjectedJob[], lanes: Lanes): number[] {
  const demand = lanes.all.map(() => 0);
  for (const j of jobs) {
    const usable = lanesFor(j, lanes);
    for (const l of usable) demand[l.index]! += j.workSec / usable.length;
  }
  return lanes.all.map((l, i) => demand[i]! / Math.max(1, l.slots));
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
