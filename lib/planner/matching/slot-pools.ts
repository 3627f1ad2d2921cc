import type { FarmNode, Job } from "../types.ts";
import { type NodeClass, speedOf } from "./node-classes.ts";
import { nodeRefuses, type Refusal } from "./refusals.ts";

/**
 * The slots a cycle can hand out, per class: free now, or freeing soon (the node's running
 * task ends within the pre-assignment window, so its next task is queued behind it and a
 * finishing node never waits for a plan).
 */
export interface SlotPool {
  cls: NodeClass;
  free: FarmNode[];
  soon: FarmNode[];
  /** Entries before these indexes are taken (O(1) takes in the common case). */
  freeHead: number;
  soonHead: number;
}

export interface Slot {
  node: FarmNode;
  queued: boolean;
}

export function buildPools(classes: readonly NodeClass[], now: number, preassignWithinSec: number): SlotPool[] {
  const horizon = now + preassignWithinSec * 1000;
  return classes.map((cls) => {
    const free: FarmNode[] = [];
    const soon: { node: FarmNode; at: number }[] = [];
    for (const n of cls.nodes) {
      if (n.status !== "ready") continue;
      for (let i = n.leases.length; i < n.slots; i++) free.push(n);
      if (n.leases.length === 0) continue; // nothing ends on an idle node: no lease arrays for it (thousands of nodes per cycle)
      // At most one queued task per slot: leases beyond the slots are queued already, and each
      // takes one of the places the soonest-ending tasks offer (a queued task's own estimate
      // must not open another place behind it — that stacked leases on one node).
      const waiting = Math.max(0, n.leases.length - n.slots);
      let endingCount = 0;
      for (const l of n.leases) if (l.expectedEndAt <= horizon) endingCount++;
      const places = Math.min(n.slots, endingCount) - waiting;
      if (places <= 0) continue;
      // Every ending lease opens a place: no need to find the soonest (`soon` is sorted below), nor an array per node.
      if (places === endingCount) {
        for (const l of n.leases) if (l.expectedEndAt <= horizon) soon.push({ node: n, at: l.expectedEndAt });
        continue;
      }
      const ending = n.leases.filter((l) => l.expectedEndAt <= horizon).sort((a, b) => a.expectedEndAt - b.expectedEndAt);
      for (let i = 0; i < places; i++) soon.push({ node: n, at: ending[i]!.expectedEndAt });
    }
    // Fastest nodes first within a class; soonest-freeing first for queued slots; ids break ties.
    const rank = new Map<FarmNode, number>();
    for (const n of free) if (!rank.has(n)) rank.set(n, nodeRank(n));
    const fastest = (a: FarmNode, b: FarmNode) => rank.get(b)! - rank.get(a)! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    free.sort(fastest);
    soon.sort((a, b) => a.at - b.at || (a.node.id < b.node.id ? -1 : 1));
    return { cls, free, soon: soon.map((s) => s.node), freeHead: 0, soonHead: 0 };
  });
}

function nodeRank(n: FarmNode): number {
  let s = 0;
  for (const k in n.speed) s += n.speed[k]!;
  return s;
}

/** A node may take this job: not refused for its record with it (refusals.ts), nor another client's cloud node. */
export function nodeAccepts(n: FarmNode, job: Job, r: Refusal): boolean {
  if (nodeRefuses(n, job, r)) return false;
  if (n.pool === "cloud" && n.clientId !== undefined && n.clientId !== job.clientId) return false;
  if (n.maxTaskSec !== undefined && longestTaskSec(n, job) > n.maxTaskSec) return false;
  return true;
}

/** The longest task the job still has to run, on this node (pending steps only). */
function longestTaskSec(n: FarmNode, job: Job): number {
  let longest = 0;
  for (const s of job.steps) {
    if (s.pending.length === 0) continue;
    longest = Math.max(longest, (s.secondsPerFrame * s.framesPerTask) / speedOf(n.speed, s.kind));
  }
  return longest;
}

/** Take one slot for `job` from the pool: a free one first, else (unless `freeOnly`) a queued one. */
export function takeSlot(pool: SlotPool, job: Job, r: Refusal, freeOnly = false): Slot | null {
  const fromFree = takeFrom(pool.free, pool.freeHead, job, r);
  if (fromFree) {
    if (fromFree.atHead) pool.freeHead++;
    return { node: fromFree.node, queued: false };
  }
  if (freeOnly) return null;
  const fromSoon = takeFrom(pool.soon, pool.soonHead, job, r);
  if (fromSoon) {
    if (fromSoon.atHead) pool.soonHead++;
    return { node: fromSoon.node, queued: true };
  }
  return null;
}

function takeFrom(list: FarmNode[], head: number, job: Job, r: Refusal): { node: FarmNode; atHead: boolean } | null {
  for (let i = head; i < list.length; i++) {
    const n = list[i]!;
    if (!nodeAccepts(n, job, r)) continue;
    if (i !== head) list.splice(i, 1); // rare: only past a blocklisted node
    return { node: n, atHead: i === head };
  }
  return null;
}

export function hasSlot(pool: SlotPool): boolean {
  return pool.freeHead < pool.free.length || pool.soonHead < pool.soon.length;
}

/** Slots free right now (not counting those freeing soon). */
export function freeNowCount(pool: SlotPool): number {
  return pool.free.length - pool.freeHead;
}

export function freeCount(pool: SlotPool): number {
  return pool.free.length - pool.freeHead + pool.soon.length - pool.soonHead;
}

/**
 * Soft affinity: a class's comparative advantage for a kind. Its speed for the kind over the
 * farm's mean speed for that kind, divided by the best such ratio the class has for any kind in
 * demand this cycle — so a class that is fast at everything is kept for the kind it helps most
 * (Gavel, OSDI'20; Tetris, SIGCOMM'14) — times a bonus when a node tag names the kind.
 */
export function comparativeAffinity(kindsInDemand: readonly string[], meanSpeed: (kind: string) => number): (cls: NodeClass, kind: string) => number {
  const best = new Map<NodeClass, number>();
  const rel = (cls: NodeClass, kind: string) => speedOf(cls.speed, kind) / meanSpeed(kind);
  return (cls, kind) => {
    let b = best.get(cls);
    if (b === undefined) {
      b = Math.max(rel(cls, kind), ...kindsInDemand.map((k) => rel(cls, k)));
      best.set(cls, b);
    }
    const tagBonus = cls.tags.includes(kind) ? 1.25 : 1;
    return (rel(cls, kind) / b) * tagBonus;
  };
}
