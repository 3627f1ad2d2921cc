import type { FarmNode, NodeAction, Snapshot } from "../types.ts";
import { nodesOf } from "./actions.ts";
import type { LpReading } from "./read.ts";
import type { CloudResource } from "./resources.ts";
import type { SlotGrid } from "./slots.ts";
import type { Group } from "./groups.ts";
import { speedOf } from "../matching/node-classes.ts";

/**
 * Rented nodes the LP no longer wants. Per client × offer, the LP's rent in the slots up to the
 * first one a new node could work in (and the one after) is what it keeps; held ready nodes beyond
 * `ceil(want − 0.3)` are surplus: they get no new work, and the idle ones are released now. Without
 * this a node rented for one deadline stays fed by the work-conserving fill with the client's later
 * work, which the farm does in time (competing-deadlines: 22 nodes worked 6 h past the LP's last
 * rent). Busy surplus nodes finish their task and are released at the next plan; the rest of the
 * nodes are preferred idle first, then soonest free, then by id — except, near a deadline, the idle
 * nodes the LP's slot-0 quotas put the client's pending work on, which are kept before any busy node:
 * the LP's rent is for pending work (a running task is not in its model), so a busy node kept in
 * their place leaves that work waiting on its running task's estimate, and an overrun makes the job
 * late (peak-exhaustion seed 1: J23's last task waited 23 minutes on a node still rendering another
 * job's frame while its two idle nodes were released; 3.3 minutes late). Near a deadline means some
 * group with work on the offer now is due within two of its tasks on it ({@link dueSoon}): further
 * out a wait for a busy node costs no deadline, and the idle node kept instead started a fresh task
 * the farm would have taken (client-conflict, default seed: A's tail, 34 tasks left on 36 nodes,
 * freed nodes kept for an hour-long task while busy ones were released; cloud 63.05 -> 63.42).
 * Surplus nodes are released near a deadline too: the LP's due times already keep a margin (one
 * task plus its spread, and a tenth of the time left) for the dispatch's rounding, and should the
 * farm fall behind, the next plan rents again within a boot.
 *
 * Release hysteresis: a node that has not yet run a task (`awaitingFirstTask`) is never surplus.
 * The plan that rented it paid its boot for work the LP then wanted; the plans during the boot
 * see on-prem catch up a little each cycle and may want a node less by the time it is ready, so
 * releasing it then buys nothing with the boot (the local farm released an urgent job's two
 * just-booted nodes before their first frame). Fed for one task, it is judged like any other. A
 * window of boot latency plus one planning cycle would say the same, but needs the cycle length
 * the planner is not told, and real boots run past the offer's figure.
 */
export function surplusCloud(r: LpReading, clouds: readonly CloudResource[], snapshot: Snapshot, grid: SlotGrid, groups: readonly Group[]): { surplus: Set<string>; release: NodeAction[] } {
  const surplus = new Set<string>();
  const release: NodeAction[] = [];
  const byKey = new Map<string, FarmNode[]>();
  for (const n of snapshot.nodes) {
    if (n.pool !== "cloud" || n.clientId === undefined || (n.status !== "ready" && n.status !== "draining")) continue;
    const key = `${n.clientId}|${n.instanceType}`;
    const list = byKey.get(key);
    if (list) list.push(n);
    else byKey.set(key, [n]);
  }
  for (const [key, nodes] of [...byKey.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const [clientId, instanceType] = key.split("|") as [string, string];
    const c = clouds.find((x) => x.offer.instanceType === instanceType);
    // An offer the LP does not know (withdrawn): leave its nodes to the idle release.
    if (!c) continue;
    const perSlot = r.rent.get(`${clientId}|${c.index}`);
    let want = 0;
    for (let t = 0; t <= Math.min(c.firstSlot + 1, grid.count - 1); t++) want = Math.max(want, perSlot?.[t] ?? 0);
    const keep = nodesOf(want);
    // Nodes awaiting their first task are kept and count first toward what the LP keeps.
    const drop = nodes.reduce((s, n) => s + n.slots, 0) - keep;
    if (drop <= 0) continue;
    const freeAt = (n: FarmNode) => n.leases.reduce((m, l) => Math.max(m, l.expectedEndAt), 0);
    const byFree = (a: FarmNode, b: FarmNode) => freeAt(a) - freeAt(b) || (a.id < b.id ? -1 : 1);
    // Idle nodes that can start the work the LP puts on this offer now are kept before busy ones (dropped last).
    const candidates = nodes.filter((n) => !n.awaitingFirstTask).sort(byFree);
    const idle = candidates.filter((n) => n.leases.length === 0);
    const workNow = dueSoon(r, clientId, c, groups, grid.startAt[0]!) ? idleFor(nowNodes(r, clientId, c.index, groups), idle) : new Set<FarmNode>();
    const order = [...candidates.filter((n) => !workNow.has(n)), ...idle.filter((n) => workNow.has(n))];
    let left = drop;
    for (const n of order) {
      if (left < n.slots) break;
      left -= n.slots;
      surplus.add(n.id);
      if (n.leases.length === 0) {
        release.push({ nodeId: n.id, action: "release", reason: `the LP rents ${want.toFixed(1)} ${instanceType} for client ${clientId} now, ${nodes.length} held: the farm does the rest in time` });
      }
    }
  }
  return { surplus, release };
}

/** Held nodes of one offer the LP's slot-0 quotas put a client's pending work on (as the dispatch rounds them). */
function nowNodes(r: LpReading, clientId: string, offer: number, groups: readonly Group[]): number {
  let n = 0;
  for (const g of groups) if (g.clientId === clientId) n += nodesOf(r.quotaCloud[g.index]!.get(offer) ?? 0);
  return n;
}

/** Whether a group of the client with work on the offer now is due (its effective deadline) within two of its tasks on the offer. */
function dueSoon(r: LpReading, clientId: string, c: CloudResource, groups: readonly Group[], now: number): boolean {
  for (const g of groups) {
    if (g.clientId !== clientId || g.dueAt === null || (r.quotaCloud[g.index]!.get(c.index) ?? 0) <= 0) continue;
    const taskMs = (g.taskH * 3600_000) / Math.max(1e-9, speedOf(c.offer.speed, g.kind));
    if (g.dueAt - now < 2 * taskMs) return true;
  }
  return false;
}

/** The first `count` idle nodes (id order, as given): those that start the LP's work now. */
function idleFor(count: number, idle: readonly FarmNode[]): Set<FarmNode> {
  return new Set(idle.slice(0, Math.max(0, count)));
}
