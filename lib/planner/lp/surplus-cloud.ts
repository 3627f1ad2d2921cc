import type { FarmNode, NodeAction, Snapshot } from "../types.ts";
import { nodesOf } from "./actions.ts";
import type { Group } from "./groups.ts";
import type { LpReading } from "./read.ts";
import type { CloudResource } from "./resources.ts";
import type { SlotGrid } from "./slots.ts";

/** A client's rented nodes are kept while any of its rentable work is due (its effective deadline) within this long. */
const KEEP_NEAR_MS = 2 * 3600_000;

/**
 * Rented nodes the LP no longer wants. Per client × offer, the LP's rent in the slots up to the
 * first one a new node could work in (and the one after) is what it keeps; held ready nodes beyond
 * `ceil(want − 0.3)` are surplus: they get no new work, and the idle ones are released now. Without
 * this a node rented for one deadline stays fed by the work-conserving fill with the client's later
 * work, which the farm does in time (competing-deadlines: 22 nodes worked 6 h past the LP's last
 * rent). Busy surplus nodes finish their task and are released at the next plan; the rest of the
 * nodes are preferred idle first, then soonest free, then by id. Nodes stay fed while any of the
 * client's rentable work is due within 2 h: there the LP's farm-alone plan has no room for the
 * dispatch's rounding (without this guard client-conflict's no-tariff run missed B1 by 21 minutes).
 */
export function surplusCloud(r: LpReading, groups: readonly Group[], clouds: readonly CloudResource[], snapshot: Snapshot, grid: SlotGrid, now: number): { surplus: Set<string>; release: NodeAction[] } {
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
    // Near a deadline the nodes stay fed: the LP's plan of the farm alone has no room for dispatch's rounding there.
    const near = groups.some((g) => g.clientId === clientId && g.clouds.includes(c) && g.dueAt !== null && g.dueAt < now + KEEP_NEAR_MS);
    if (near) continue;
    const perSlot = r.rent.get(`${clientId}|${c.index}`);
    let want = 0;
    for (let t = 0; t <= Math.min(c.firstSlot + 1, grid.count - 1); t++) want = Math.max(want, perSlot?.[t] ?? 0);
    const keep = nodesOf(want);
    const drop = nodes.reduce((s, n) => s + n.slots, 0) - keep;
    if (drop <= 0) continue;
    const freeAt = (n: FarmNode) => n.leases.reduce((m, l) => Math.max(m, l.expectedEndAt), 0);
    const order = [...nodes].sort((a, b) => freeAt(a) - freeAt(b) || (a.id < b.id ? -1 : 1));
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
