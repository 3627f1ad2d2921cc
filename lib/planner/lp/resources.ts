import type { CloudOffer, FarmNode, Snapshot } from "../types.ts";
import { type NodeClass, speedOf } from "../matching/node-classes.ts";
import type { SlotGrid } from "./slots.ts";

/** Seconds an asleep node takes to wake (the simulator and agents use 180 s). */
export const WAKE_SEC = 180;

/** Speeds (per kind in demand) within this factor of each other merge into one LP resource. */
export const MERGE_SPEED_RATIO = 1.25;

/**
 * On-prem capacity as the LP sees it: node classes merged when they run the same requirement
 * sets, draw power in the same bucket and, for every kind in demand, run within 1.25× of each
 * other's speed (the farm's ±10% speed variants of one box), so the LP's size follows hardware
 * kinds, not node counts or speed measurements. Resources are numbered by their lowest class index.
 */
export interface Resource {
  index: number;
  classes: NodeClass[];
  /** Speed per kind in demand (slot-weighted mean over the merged classes). */
  speed: Map<string, number>;
  busyKW: number;
  idleKW: number;
  /** Per slot: slot-hours free on ready nodes (leases' expected remainders taken out). */
  readyHours: number[];
  /** Per slot: slot-hours of asleep nodes usable once woken. */
  asleepHours: number[];
  slots: number;
  label: string;
}

interface Cluster { r: Resource; key: string; lo: number[]; hi: number[] }

export function buildResources(classes: readonly NodeClass[], fits: (c: NodeClass) => string, kinds: readonly string[], grid: SlotGrid, now: number): Resource[] {
  const clusters: Cluster[] = [];
  for (const c of classes) {
    if (c.pool !== "onprem") continue;
    // Power within ~50% merges (log buckets); speeds merge by their spread within the cluster (no bucket edges).
    const key = `${fits(c)}|${Math.round(Math.log(Math.max(1e-3, meanOf(c.nodes).busyKW)) / Math.log(1.5))}`;
    const speeds = kinds.map((k) => speedOf(c.speed, k));
    let into = clusters.find((x) => x.key === key && speeds.every((v, i) => Math.max(x.hi[i]!, v) <= MERGE_SPEED_RATIO * Math.min(x.lo[i]!, v)));
    if (!into) {
      into = { key, lo: [...speeds], hi: [...speeds], r: { index: clusters.length, classes: [], speed: new Map(), busyKW: 0, idleKW: 0, readyHours: new Array(grid.count).fill(0), asleepHours: new Array(grid.count).fill(0), slots: 0, label: "" } };
      clusters.push(into);
    }
    speeds.forEach((v, i) => { into.lo[i] = Math.min(into.lo[i]!, v); into.hi[i] = Math.max(into.hi[i]!, v); });
    into.r.classes.push(c);
  }
  const out = clusters.map((x) => x.r);
  for (const r of out) {
    let slots = 0;
    let busy = 0;
    let idle = 0;
    // Per kind (same order as `kinds`), slot-weighted speed sums, added in node order.
    const speedSum = new Array<number>(kinds.length).fill(0);
    for (const c of r.classes) {
      for (const n of c.nodes) {
        if (n.status !== "ready" && n.status !== "asleep" && n.status !== "booting") continue;
        slots += n.slots;
        busy += n.powerBusyW / 1000;
        idle += n.powerIdleW / 1000;
        for (let i = 0; i < kinds.length; i++) speedSum[i]! += speedOf(n.speed, kinds[i]!) * n.slots;
        addNodeHours(r, n, grid, now);
      }
    }
    r.slots = slots;
    r.busyKW = slots > 0 ? busy / slots : 0;
    r.idleKW = slots > 0 ? idle / slots : 0;
    kinds.forEach((k, i) => r.speed.set(k, slots > 0 ? speedSum[i]! / slots : speedOf(r.classes[0]!.speed, k)));
    r.label = r.classes.length === 1 ? classLabel(r.classes[0]!) : `${classLabel(r.classes[0]!)} (+${r.classes.length - 1} similar)`;
  }
  return out;
}

function meanOf(nodes: readonly FarmNode[]): { busyKW: number } {
  let w = 0;
  let s = 0;
  for (const n of nodes) { w += n.powerBusyW / 1000; s += n.slots; }
  return { busyKW: s > 0 ? w / s : 0 };
}

/** A class in words: "16 vCPU linux" / "g5 …": enough for a reason sentence. */
export function classLabel(c: NodeClass): string {
  const caps = c.capabilities;
  const gpu = caps.gpuCount > 0 ? ` ${caps.gpuCount}×${caps.gpuModel ?? "GPU"}` : "";
  return `${caps.vcpu}-vCPU ${caps.os}${gpu} node${c.tags.length ? ` [${c.tags.join(",")}]` : ""}`;
}

function addNodeHours(r: Resource, n: FarmNode, grid: SlotGrid, now: number): void {
  const asleep = n.status === "asleep";
  const from = asleep ? now + WAKE_SEC * 1000 : n.status === "booting" ? Math.max(now, n.readyAt ?? now) : now;
  const hours = asleep ? r.asleepHours : r.readyHours;
  const startAt = grid.startAt;
  const count = grid.count;
  for (let slot = 0; slot < n.slots; slot++) {
    // A lease occupies one slot of the node until its expected end.
    const lease = n.leases[slot];
    const busyUntil = Math.max(from, lease ? lease.expectedEndAt : from);
    for (let t = 0; t < count; t++) {
      const b = startAt[t + 1]!;
      if (b <= busyUntil) continue;
      hours[t]! += (b - Math.max(startAt[t]!, busyUntil)) / 3600_000;
    }
  }
}

/** A cloud offer as the LP prices it: expected spot cost (interruptions re-run lost work) or on-demand, whichever is less. */
export interface CloudResource {
  index: number;
  offer: CloudOffer;
  pricePerHour: number;
  /** First slot a node requested now can work in. */
  firstSlot: number;
}

export function buildCloudResources(snapshot: Snapshot, grid: SlotGrid, now: number, lossSec: number): CloudResource[] {
  return snapshot.cloudOffers.map((offer, index) => {
    const spot = offer.spotPricePerHour * (1 + offer.spotInterruptionPerHour * (lossSec / 3600));
    let firstSlot = grid.count;
    for (let t = 0; t < grid.count; t++) if (grid.startAt[t]! >= now + offer.bootSec * 1000) { firstSlot = t; break; }
    return { index, offer, pricePerHour: Math.min(spot, offer.onDemandPricePerHour), firstSlot };
  });
}

/**
 * Rented nodes a client holds that can work at `at` (ready, or booting and ready by then), plus those asked for when `withPending`.
 * `nodes`: the snapshot's nodes, or only its cloud ones when the caller asks many times (the rest never count).
 */
export function heldCloud(snapshot: Snapshot, clientId: string, offer: CloudOffer, at: number, withPending: boolean, nodes: readonly FarmNode[] = snapshot.nodes): number {
  let n = 0;
  for (const node of nodes) {
    if (node.pool !== "cloud" || node.clientId !== clientId || node.instanceType !== offer.instanceType) continue;
    if (node.status === "ready" || node.status === "draining") n += node.slots;
    else if (node.status === "booting" && (node.readyAt ?? at) <= at) n += node.slots;
  }
  if (withPending) for (const p of snapshot.pendingBurst ?? []) if (p.clientId === clientId && p.instanceType === offer.instanceType) n += p.count;
  return n;
}
